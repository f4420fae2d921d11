import type { FastifyInstance, FastifyRequest } from 'fastify';
import { userIdOf } from '../../core/platform/principal.ts';
import { compileFileList } from '../../core/storage/file-queries.ts';
import { fileModel } from '../../core/storage/files.ts';
import type { Storage } from '../../core/storage/service.ts';
import { abuse, WRITE_RATE } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { asModel } from '../platform/formats/models.ts';
import { includeTotal } from '../platform/metadata-page.ts';
import { readFormBody } from '../platform/multipart.ts';
import { optionalString } from '../platform/params.ts';

type Body = Record<string, unknown>;
type FileParams = { bucketId: string; fileId: string };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Files: list, upload (single and chunked, core/storage/uploads.ts; into a virtual `folder`, as web
 * SDK 27+ sends it), get, update (name, permissions) and delete, as node-appwrite's `Storage` calls
 * them. Scopes `files.read`/`files.write`, which guests and users hold too: for them the bucket's
 * and the files' permissions decide. Storage announces each change itself
 * (`buckets.[bucketId].files.[fileId].*`), told who made it. The File model is 1.9.5's; formats 2.0
 * and later also get `folder` and `key` (http/platform/formats/), from the stored file.
 */
export function registerFileRoutes(app: FastifyInstance, storage: Storage): void {
  app.get('/storage/buckets/:bucketId/files', async (request) => {
    requireScope(request, 'files.read');
    const { bucketId } = request.params as { bucketId: string };
    const query = request.query as Body;
    const plan = compileFileList(query.queries, optionalString(query, 'search', '', 256));
    const page = storage.listFiles(bucketId, request.principal, plan, includeTotal(query));
    const files = page.files.map((file) => asModel('file', fileModel(file), file));
    return asModel('fileList', { total: page.total, files });
  });

  const uploads = abuse({ ...WRITE_RATE, key: `${WRITE_RATE.key},chunkId:{chunkId}` });
  app.post('/storage/buckets/:bucketId/files', uploads, async (request, reply) => {
    requireScope(request, 'files.write');
    const { bucketId } = request.params as { bucketId: string };
    const form = await readFormBody(request);
    const result = await storage.upload(
      request.principal,
      {
        bucketId,
        fileId: form.fields.fileId,
        permissions: form.fields.permissions,
        folder: form.fields.folder,
        file: form.files.get('file') ?? form.files.values().next().value ?? null,
        contentRange: header(request, 'content-range'),
        appwriteId: header(request, 'x-appwrite-id'),
      },
      { by: userIdOf(request.principal) },
    );
    return reply.code(result.status).send(asModel('file', fileModel(result.file), result.file));
  });

  app.get('/storage/buckets/:bucketId/files/:fileId', async (request) => {
    requireScope(request, 'files.read');
    const { bucketId, fileId } = request.params as FileParams;
    const { file } = storage.readableFile(bucketId, fileId, request.principal);
    return asModel('file', fileModel(file), file);
  });

  app.put('/storage/buckets/:bucketId/files/:fileId', async (request) => {
    requireScope(request, 'files.write');
    const { bucketId, fileId } = request.params as FileParams;
    const body = (request.body ?? {}) as Body;
    const name =
      body.name === undefined || body.name === null
        ? undefined
        : optionalString(body, 'name', '', 128);
    const file = storage.updateFile(
      bucketId,
      fileId,
      request.principal,
      { name, permissions: body.permissions },
      { by: userIdOf(request.principal) },
    );
    return asModel('file', fileModel(file), file);
  });

  const deletes = abuse(WRITE_RATE);
  app.delete('/storage/buckets/:bucketId/files/:fileId', deletes, async (request, reply) => {
    requireScope(request, 'files.write');
    const { bucketId, fileId } = request.params as FileParams;
    await storage.deleteFile(bucketId, fileId, request.principal, {
      by: userIdOf(request.principal),
    });
    return reply.code(204).send();
  });
}
