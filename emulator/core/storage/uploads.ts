import { AppwriteError } from '../platform/errors.ts';
import { resolveId } from '../platform/ids.ts';
import { parsePermissions, ROW_ACTIONS, rowPermissionsForWrite } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import type { BucketStore } from './buckets.ts';
import { bucketAllows, bucketForFiles } from './file-access.ts';
import type { FileBlobs } from './file-blobs.ts';
import type { FileStore, StoredFile } from './files.ts';
import { detectMimeType, extensionOf } from './mime.ts';

/**
 * `POST /storage/buckets/{bucketId}/files`: single and chunked uploads (facts §8.1; SRV
 * Modules/Storage/Http/Buckets/Files/Create.php).
 *
 * A file up to 5 MiB comes in one request without `Content-Range`. A larger one comes in 5 MiB chunks,
 * each with `Content-Range: bytes start-end/size`; the first one's response `$id` is sent back as
 * `X-Appwrite-Id` on the others, which node-appwrite and the web SDK send up to eight at a time, so
 * they arrive in any order. Each chunk is stored on its own; the request that brings the last missing
 * one joins them. Every response is the File with `chunksTotal`/`chunksUploaded`: 201, or 200 for a
 * chunk of a file that is already complete (Appwrite's answer to a retried chunk).
 *
 * Stricter than Appwrite on purpose: a chunk must sit exactly on a 5 MiB boundary, be 5 MiB long
 * (the last one: the rest), carry exactly the bytes its range claims, and agree on the total size
 * with the chunks before it; anything else is 400 `storage_invalid_content_range`. And an upload
 * starts with its first chunk (as every SDK sends it): a later chunk whose `X-Appwrite-Id` names no
 * upload in progress is 400 `storage_invalid_appwrite_id` (Appwrite would start a new upload).
 */

/** The SDKs' and Appwrite's chunk size (`APP_LIMIT_UPLOAD_CHUNK_SIZE`). */
export const CHUNK_SIZE = 5 * 1024 * 1024;

/** One upload request, as the HTTP layer read it. */
export interface UploadRequest {
  bucketId: string;
  /** The `fileId` param as sent (`unique()` or a custom id). */
  fileId: unknown;
  /** The `permissions` param as sent (`undefined` when absent). */
  permissions: unknown;
  /** The `folder` param as sent (`undefined` when absent): the file's virtual folder. */
  folder?: unknown;
  /** The `file` part: its file name and bytes; `null` when the request had none. */
  file: { name: string; data: Buffer } | null;
  contentRange: string | undefined;
  appwriteId: string | undefined;
}

/**
 * What an upload works on: the project's Storage (core/storage/service.ts), whose `upload` calls
 * `acceptUpload` and announces the file once it is complete.
 */
export interface UploadStore {
  readonly buckets: BucketStore;
  readonly files: FileStore;
  readonly blobs: FileBlobs;
  /** Per upload in progress, the finishing step that holds it (`withLock`). */
  readonly uploadLocks: Map<string, Promise<unknown>>;
}

/** The stored file and the status to answer with. */
export interface UploadResult {
  file: StoredFile;
  status: 200 | 201;
}

const UID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;
const RANGE = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/;

/** Runs `work` after the upload's earlier finishing steps (`storage.uploadLocks`), one at a time. */
async function withLock<T>(storage: UploadStore, key: string, work: () => Promise<T>): Promise<T> {
  const locks = storage.uploadLocks;
  const before = locks.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  try {
    return await run;
  } finally {
    if (locks.get(key) === settled) locks.delete(key);
  }
}

function invalidRange(why: string): AppwriteError {
  return new AppwriteError('storage_invalid_content_range', `Invalid Content-Range: ${why}`);
}

/** Parses `bytes start-end/size` and checks it against the chunk grid and the bytes received. */
function chunkOf(header: string, length: number) {
  const match = RANGE.exec(header.trim());
  if (!match) throw invalidRange('expected "bytes <start>-<end>/<size>".');
  const start = Number(match[1]);
  const end = Number(match[2]);
  const size = Number(match[3]);
  if (start > end || end >= size) throw invalidRange('the range lies outside the file.');
  if (start % CHUNK_SIZE !== 0 || end !== Math.min(start + CHUNK_SIZE, size) - 1) {
    throw invalidRange(`chunks are ${CHUNK_SIZE} bytes, each starting on a multiple of that.`);
  }
  if (end - start + 1 !== length) {
    throw invalidRange(`the range names ${end - start + 1} bytes but ${length} arrived.`);
  }
  return { size, chunk: start / CHUNK_SIZE + 1, chunks: Math.ceil(size / CHUNK_SIZE) };
}

/** Handles one upload request (a whole file or one chunk); `Storage.upload` announces it. */
export async function acceptUpload(
  storage: UploadStore,
  principal: Principal,
  request: UploadRequest,
): Promise<UploadResult> {
  // Parameters first, as Appwrite validates them before the action runs.
  if (typeof request.fileId !== 'string' || request.fileId === '') {
    throw new AppwriteError('general_argument_invalid', 'Param "fileId" is not optional.');
  }
  let fileId = resolveId(request.fileId);
  if (!fileId) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `fileId` param: use unique() or up to 36 letters, digits, ".", "-" and "_", not starting with a special character.',
    );
  }
  const requested = parsePermissions(request.permissions, ROW_ACTIONS);
  const folder = checkFolder(request.folder);

  const bucket = bucketForFiles(storage.buckets, request.bucketId, principal);
  if (!bucketAllows(bucket, 'create', principal)) {
    throw new AppwriteError(
      'user_unauthorized',
      'You are not allowed to create files in this bucket.',
    );
  }
  const permissions = rowPermissionsForWrite(principal, requested, true) ?? [];

  const upload = request.file;
  if (!upload) throw new AppwriteError('storage_file_empty', 'No file was sent (field "file").');

  let size = upload.data.length;
  let chunk = 1;
  let chunks = 1;
  const ranged = request.contentRange !== undefined && request.contentRange !== '';
  if (ranged) {
    ({ size, chunk, chunks } = chunkOf(request.contentRange as string, upload.data.length));
    if (request.appwriteId) fileId = request.appwriteId;
    if (!UID.test(fileId)) {
      throw new AppwriteError(
        'storage_invalid_appwrite_id',
        'Invalid X-Appwrite-Id: not a valid file id.',
      );
    }
  }

  const allowed = bucket.allowedFileExtensions.map((e) => e.toLowerCase());
  if (allowed.length > 0 && !allowed.includes(extensionOf(upload.name))) {
    throw new AppwriteError(
      'storage_file_type_unsupported',
      `This bucket only accepts these extensions: ${allowed.join(', ')}.`,
    );
  }
  if (size > bucket.maximumFileSize) {
    throw new AppwriteError(
      'storage_invalid_file_size',
      `The file is ${size} bytes; this bucket accepts at most ${bucket.maximumFileSize}.`,
    );
  }

  const existing = storage.files.get(bucket.seq, fileId);
  if (existing && existing.chunksUploaded >= existing.chunksTotal) {
    // A retried chunk of a finished upload is answered with the file; a whole upload is a conflict.
    if (!ranged) throw alreadyExists(fileId);
    return { file: existing, status: 200 };
  }
  if (!ranged || chunks === 1) {
    if (existing) throw alreadyExists(fileId);
    const file = storage.files.create({
      bucketSeq: bucket.seq,
      bucketId: bucket.id,
      id: fileId,
      permissions,
      name: upload.name,
      folder,
      sizeOriginal: size,
      chunksTotal: 1,
    });
    try {
      const info = await storage.blobs.writeWhole(bucket.id, fileId, upload.data);
      storage.files.complete(file.seq, {
        signature: info.md5,
        mimeType: detectMimeType(info.head, upload.name),
        sizeActual: info.size,
      });
    } catch (error) {
      storage.files.delete(file.seq);
      await storage.blobs.remove(bucket.id, fileId);
      throw error;
    }
    return { file: storage.files.get(bucket.seq, fileId) as StoredFile, status: 201 };
  }

  if (!existing && chunk > 1) {
    // The SDKs send the first chunk alone and wait for its `$id` before sending the others, so a
    // later chunk naming no upload is a client bug (a typo, or an upload already deleted or swept).
    throw new AppwriteError(
      'storage_invalid_appwrite_id',
      `No upload '${fileId}' is in progress here; send its first chunk (bytes 0-…) first.`,
    );
  }
  if (existing && (existing.sizeOriginal !== size || existing.chunksTotal !== chunks)) {
    throw invalidRange(`this upload is ${existing.sizeOriginal} bytes, not ${size}.`);
  }
  const seq =
    existing?.seq ??
    storage.files.create({
      bucketSeq: bucket.seq,
      bucketId: bucket.id,
      id: fileId,
      permissions,
      name: upload.name,
      folder,
      sizeOriginal: size,
      chunksTotal: chunks,
    }).seq;

  await storage.blobs.writeChunk(bucket.id, fileId, chunk, upload.data);

  const id = fileId;
  return withLock(storage, `${bucket.seq}:${id}`, async () => {
    const current = storage.files.get(bucket.seq, id);
    if (!current || current.seq !== seq) {
      // Deleted (or deleted and restarted) while this chunk was being written.
      if (!current) await storage.blobs.removeParts(bucket.id, id);
      throw new AppwriteError('storage_file_not_found', `The upload '${id}' no longer exists.`);
    }
    if (current.chunksUploaded >= current.chunksTotal) return { file: current, status: 200 };
    const received = storage.files.addChunk(seq, chunk);
    if (received >= chunks) {
      const info = await storage.blobs.assemble(bucket.id, id, chunks);
      storage.files.complete(seq, {
        signature: info.md5,
        mimeType: detectMimeType(info.head, current.name),
        sizeActual: info.size,
      });
    }
    return { file: storage.files.get(bucket.seq, id) as StoredFile, status: 201 };
  });
}

/** The longest folder, its trailing slash included (SRV Utopia/Database/Validator/Folder.php). */
const FOLDER_MAX = 2048;

/**
 * The `folder` param (web SDK 27+): `/`-separated segments, none empty, `.` or `..`, no leading `/`,
 * no control characters, stored with one trailing slash (`photos/2026/`); absent or `''` is the
 * bucket root. Else 400 `general_argument_invalid`, as Appwrite's Folder validator.
 */
export function checkFolder(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const invalid = () =>
    new AppwriteError(
      'general_argument_invalid',
      `Invalid \`folder\` param: \`/\`-separated names, none empty, "." or "..", not starting with \`/\`, no control characters, at most ${FOLDER_MAX} characters.`,
    );
  if (typeof value !== 'string') throw invalid();
  const folder = value.endsWith('/') ? value : `${value}/`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (Buffer.byteLength(folder) > FOLDER_MAX || /[\x00-\x1f\x7f]/.test(value)) throw invalid();
  const segments = folder.slice(0, -1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalid();
  }
  return folder;
}

function alreadyExists(fileId: string): AppwriteError {
  return new AppwriteError(
    'storage_file_already_exists',
    `A file with the id '${fileId}' already exists in this bucket.`,
  );
}
