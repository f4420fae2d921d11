import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { imageWork } from '../../core/platform/work-gate.ts';
import type { FileBlobs } from '../../core/storage/file-blobs.ts';
import type { TokenGrant } from '../../core/storage/file-tokens.ts';
import type { StoredFile } from '../../core/storage/files.ts';
import {
  GRAVITIES,
  PREVIEW_INPUTS,
  PREVIEW_OUTPUTS,
  type PreviewOptions,
  renderPreview,
} from '../../core/storage/image-preview.ts';
import { extensionOf, VIEWABLE_MIME_TYPES } from '../../core/storage/mime.ts';
import { iconFor, previewIcon } from '../../core/storage/preview-icons.ts';
import { fileNotFound, type Storage } from '../../core/storage/service.ts';
import { requireScope } from '../platform/context.ts';
import { optionalInteger, optionalString } from '../platform/params.ts';

type Query = Record<string, unknown>;
type FileParams = { bucketId: string; fileId: string };

/** Appwrite's `APP_STORAGE_READ_BUFFER` (20 MB): the largest range served at once, and preview input. */
const READ_BUFFER = 20_000_000;

/**
 * A file's bytes: `/view` (inline), `/download` (attachment) and `/preview` (an image made with
 * sharp), as node-appwrite fetches them and the web SDK links to them (`<img src>` URLs carrying
 * `project=` and `impersonateuserid=`; the project is read from the query by app.ts). Each accepts
 * `?token=<file token JWT>` so a file can be fetched by link without a session.
 */
export function registerContentRoutes(app: FastifyInstance, storage: Storage): void {
  /** The file a content request may read, with a `?token=` taken into account. */
  function readable(request: FastifyRequest) {
    requireScope(request, 'files.read');
    const { bucketId, fileId } = request.params as FileParams;
    const token = (request.query as Query).token;
    const grant: TokenGrant | null =
      typeof token === 'string' && token !== '' ? storage.tokens.verify(token) : null;
    return storage.readableFile(bucketId, fileId, request.principal, grant);
  }

  /** The size on disk; a file whose bytes are not there (an unfinished upload) is 404. */
  function sizeOnDisk(file: StoredFile): number {
    const size = storage.blobs.sizeOf(file.bucketId, file.id);
    if (size === null || file.chunksUploaded < file.chunksTotal) throw fileNotFound(file.id);
    return size;
  }

  app.get('/storage/buckets/:bucketId/files/:fileId/view', async (request, reply) => {
    const { file } = readable(request);
    const size = sizeOnDisk(file);
    // Only types Appwrite's mimes.php lists are served as themselves; SVG, HTML and the rest go out as
    // text/plain, with a CSP and nosniff, so an upload never runs as a page of this origin.
    const type = VIEWABLE_MIME_TYPES.has(file.mimeType) ? file.mimeType : 'text/plain';
    reply
      .type(type)
      .header('content-security-policy', 'script-src none;')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', disposition('inline', file.name))
      .header('cache-control', 'private, max-age=3888000');
    return sendBytes(storage.blobs, request, reply, file, size, READ_BUFFER);
  });

  app.get('/storage/buckets/:bucketId/files/:fileId/download', async (request, reply) => {
    const { file } = readable(request);
    const size = sizeOnDisk(file);
    reply
      .type(file.mimeType || 'application/octet-stream')
      .header('cache-control', 'private, max-age=3888000')
      .header('content-disposition', disposition('attachment', file.name));
    return sendBytes(storage.blobs, request, reply, file, size, 10 * 1024 * 1024);
  });

  app.get('/storage/buckets/:bucketId/files/:fileId/preview', async (request, reply) => {
    const options = readPreviewOptions(request.query as Query);
    const { bucket, file } = readable(request);
    if (!bucket.transformations && request.principal.kind !== 'key') {
      throw new AppwriteError(
        'storage_bucket_transformations_disabled',
        'Image transformations are disabled for this bucket.',
      );
    }
    // Not an image (or too big to transform): Appwrite previews an icon instead, on a light grey.
    let source: Buffer;
    let type = extensionOf(file.name);
    if (!PREVIEW_INPUTS.has(file.mimeType) || file.sizeActual > READ_BUFFER) {
      source = await previewIcon(
        PREVIEW_INPUTS.has(file.mimeType) ? 'image' : iconFor(file.mimeType),
      );
      options.background ||= 'eceff1';
      type = 'png';
    } else {
      sizeOnDisk(file);
      source = await storage.blobs.read(file.bucketId, file.id);
    }
    if (!options.output) {
      if (type && !(type in PREVIEW_OUTPUTS)) type = 'jpg';
      options.output =
        type ||
        Object.keys(PREVIEW_OUTPUTS).find((k) => PREVIEW_OUTPUTS[k] === file.mimeType) ||
        'jpg';
    }
    // Waits its turn with the avatars (core/platform/work-gate.ts): sharp holds a libuv thread.
    const image = await imageWork.run(() => renderPreview(source, options));
    return reply
      .type(PREVIEW_OUTPUTS[options.output] ?? 'image/jpeg')
      .header('cache-control', 'private, max-age=2592000')
      .send(image);
  });
}

/**
 * `inline|attachment; filename="…"` as Appwrite writes it. A name with quotes, control characters or
 * non-ASCII letters would break (or be refused in) the header, so those get an ASCII fallback plus the
 * RFC 6266 `filename*` form.
 */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  if (/^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name)) return `${kind}; filename="${name}"`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Sends a file, or the part a `Range: bytes=start-end` asks for (206), as Appwrite does: an open end
 * or an over-long range is cut to `maxRange` bytes, and a range that is empty, reversed or past the
 * end is 416 `storage_invalid_range`.
 */
function sendBytes(
  blobs: FileBlobs,
  request: FastifyRequest,
  reply: FastifyReply,
  file: StoredFile,
  size: number,
  maxRange: number,
) {
  const range = request.headers.range;
  if (!range) {
    reply.header('content-length', size);
    return reply.send(blobs.stream(file.bucketId, file.id));
  }
  const match = /^(\w+)=(\d+)-(\d*)$/.exec(range.trim());
  const start = match ? Number(match[2]) : Number.NaN;
  let end = match?.[3] ? Number(match[3]) : null;
  if (end === null || end - start > READ_BUFFER) end = Math.min(start + maxRange - 1, size - 1);
  if (match?.[1] !== 'bytes' || !(start < end) || end >= size) {
    throw new AppwriteError('storage_invalid_range', 'The requested range cannot be served.');
  }
  return reply
    .code(206)
    .header('accept-ranges', 'bytes')
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .header('content-length', end - start + 1)
    .send(blobs.stream(file.bucketId, file.id, { start, end }));
}

const HEX = /^([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

function hexColor(query: Query, name: string): string {
  const value = optionalString(query, name, '');
  if (value !== '' && !HEX.test(value)) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: not a hex colour.`,
    );
  }
  return value;
}

/** Reads and validates the preview parameters (SRV Preview/Get.php ranges and whitelists). */
function readPreviewOptions(query: Query): PreviewOptions {
  const gravity = optionalString(query, 'gravity', 'center');
  if (!GRAVITIES.includes(gravity)) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`gravity\` param: must be one of ${GRAVITIES.join(', ')}.`,
    );
  }
  const output = optionalString(query, 'output', '');
  if (output !== '' && !(output in PREVIEW_OUTPUTS)) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`output\` param: must be one of ${Object.keys(PREVIEW_OUTPUTS).join(', ')}.`,
    );
  }
  const opacityText = query.opacity;
  const opacity = opacityText === undefined || opacityText === '' ? 1 : Number(opacityText);
  if (!Number.isFinite(opacity) || opacity < 0 || opacity > 1) {
    throw new AppwriteError('general_argument_invalid', 'Invalid `opacity` param: 0 to 1.');
  }
  return {
    width: optionalInteger(query, 'width', 0, 0, 4000),
    height: optionalInteger(query, 'height', 0, 0, 4000),
    gravity,
    quality: optionalInteger(query, 'quality', -1, -1, 100),
    borderWidth: optionalInteger(query, 'borderWidth', 0, 0, 100),
    borderColor: hexColor(query, 'borderColor'),
    borderRadius: optionalInteger(query, 'borderRadius', 0, 0, 4000),
    opacity,
    rotation: optionalInteger(query, 'rotation', 0, -360, 360),
    background: hexColor(query, 'background'),
    output,
  };
}
