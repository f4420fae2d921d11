import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventBus } from '../../core/platform/events.ts';
import { isoDate } from '../../core/platform/time.ts';
import type { Bucket } from '../../core/storage/buckets.ts';
import { fileReadRoles } from '../../core/storage/file-access.ts';
import { compileFileList } from '../../core/storage/file-queries.ts';
import { fileModel, type StoredFile } from '../../core/storage/files.ts';
import type { Storage } from '../../core/storage/service.ts';
import { acceptUpload } from '../../core/storage/uploads.ts';
import { abuse, WRITE_RATE } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { readFormBody } from '../platform/multipart.ts';
import { optionalString } from '../platform/params.ts';
import { includeTotal } from './buckets.ts';

type Body = Record<string, unknown>;
type FileParams = { bucketId: string; fileId: string };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Files: list, upload (single and chunked, core/storage/uploads.ts), get, update (name, permissions) and
 * delete, as node-appwrite's `Storage` calls them. Scopes `files.read`/`files.write`, which guests
 * and users hold too: for them the bucket's and the files' permissions decide.
 */
export function registerFileRoutes(app: FastifyInstance, storage: Storage, events: EventBus): void {
  /** Publishes `buckets.[bucketId].files.[fileId].<action>` once the change is made. */
  function publish(
    request: FastifyRequest,
    action: 'create' | 'update' | 'delete',
    bucket: Bucket,
    file: StoredFile,
  ): void {
    const principal = request.principal;
    events.publish({
      pattern: `buckets.[bucketId].files.[fileId].${action}`,
      params: { bucketId: bucket.id, fileId: file.id },
      payload: fileModel(file),
      readRoles: fileReadRoles(bucket, file),
      userId: principal.kind === 'user' ? principal.userId : undefined,
      timestamp: isoDate(),
    });
  }

  app.get('/storage/buckets/:bucketId/files', async (request) => {
    requireScope(request, 'files.read');
    const { bucketId } = request.params as { bucketId: string };
    const query = request.query as Body;
    const plan = compileFileList(query.queries, optionalString(query, 'search', '', 256));
    const page = storage.listFiles(bucketId, request.principal, plan, includeTotal(query));
    return { total: page.total, files: page.files.map(fileModel) };
  });

  const uploads = abuse({ ...WRITE_RATE, key: `${WRITE_RATE.key},chunkId:{chunkId}` });
  app.post('/storage/buckets/:bucketId/files', uploads, async (request, reply) => {
    requireScope(request, 'files.write');
    const { bucketId } = request.params as { bucketId: string };
    const form = await readFormBody(request);
    const result = await acceptUpload(storage, request.principal, {
      bucketId,
      fileId: form.fields.fileId,
      permissions: form.fields.permissions,
      file: form.files.get('file') ?? form.files.values().next().value ?? null,
      contentRange: header(request, 'content-range'),
      appwriteId: header(request, 'x-appwrite-id'),
    });
    const file = result.file;
    // Appwrite fires the create event once, with the request that completes the file.
    const bucket = storage.buckets.get(bucketId);
    if (bucket && result.status === 201 && file.chunksUploaded >= file.chunksTotal) {
      publish(request, 'create', bucket, file);
    }
    return reply.code(result.status).send(fileModel(file));
  });

  app.get('/storage/buckets/:bucketId/files/:fileId', async (request) => {
    requireScope(request, 'files.read');
    const { bucketId, fileId } = request.params as FileParams;
    return fileModel(storage.readableFile(bucketId, fileId, request.principal).file);
  });

  app.put('/storage/buckets/:bucketId/files/:fileId', async (request) => {
    requireScope(request, 'files.write');
    const { bucketId, fileId } = request.params as FileParams;
    const body = (request.body ?? {}) as Body;
    const name =
      body.name === undefined || body.name === null
        ? undefined
        : optionalString(body, 'name', '', 128);
    const file = storage.updateFile(bucketId, fileId, request.principal, {
      name,
      permissions: body.permissions,
    });
    const bucket = storage.buckets.get(bucketId);
    if (bucket) publish(request, 'update', bucket, file);
    return fileModel(file);
  });

  const deletes = abuse(WRITE_RATE);
  app.delete('/storage/buckets/:bucketId/files/:fileId', deletes, async (request, reply) => {
    requireScope(request, 'files.write');
    const { bucketId, fileId } = request.params as FileParams;
    const { bucket, file } = await storage.deleteFile(bucketId, fileId, request.principal);
    publish(request, 'delete', bucket, file);
    return reply.code(204).send();
  });
}
