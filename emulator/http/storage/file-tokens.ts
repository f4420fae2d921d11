import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import {
  bucketAllows,
  bucketForFiles,
  checkRoles,
  unauthorized,
} from '../../core/storage/file-access.ts';
import { type ResourceToken, resourceTokenModel } from '../../core/storage/file-tokens.ts';
import type { StoredFile } from '../../core/storage/files.ts';
import { fileNotFound, type Storage } from '../../core/storage/service.ts';
import { abuse, WRITE_RATE } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { metadataPage } from '../platform/metadata-page.ts';

type Body = Record<string, unknown>;
type FileParams = { bucketId: string; fileId: string };

/**
 * Reads an optional `expire` (ISO date in the future, or null for "never"), as Appwrite's
 * `DatetimeValidator(requireDateInFuture: true)`.
 */
function readExpire(body: Body): string | null {
  const value = body.expire;
  if (value === undefined || value === null || value === '') return null;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms) || ms <= Date.now()) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `expire` param: must be a date in the future.',
    );
  }
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/**
 * File tokens (`/v1/tokens/...`, node-appwrite's `Tokens`): create, list, get, update the expiry and
 * delete. Keys only in practice (scopes `tokens.read`/`tokens.write`, which no session holds). The
 * file must be readable by the caller and, to mint a token, updatable (SRV Modules/Tokens).
 */
export function registerFileTokenRoutes(app: FastifyInstance, storage: Storage): void {
  const model = (token: ResourceToken) => resourceTokenModel(token, storage.tokens.secretOf(token));

  /** SRV Tokens/Http/Tokens/Buckets/Files/Action.php getFileAndBucket. */
  function fileFor(request: FastifyRequest) {
    const { bucketId, fileId } = request.params as FileParams;
    const principal = request.principal;
    const bucket = bucketForFiles(storage.buckets, bucketId, principal);
    if (!bucketAllows(bucket, 'read', principal)) throw unauthorized('read');
    const roles = checkRoles(principal);
    const file: StoredFile | null =
      bucket.fileSecurity && roles
        ? storage.files.getGranted(bucket.seq, fileId, 'read', roles)
        : storage.files.get(bucket.seq, fileId);
    if (!file) throw fileNotFound(fileId);
    return { bucket, file };
  }

  app.post('/tokens/buckets/:bucketId/files/:fileId', abuse(WRITE_RATE), async (request, reply) => {
    requireScope(request, 'tokens.write');
    const { bucket, file } = fileFor(request);
    const roles = checkRoles(request.principal);
    const mayUpdate =
      bucketAllows(bucket, 'update', request.principal) ||
      (bucket.fileSecurity &&
        roles !== null &&
        storage.files.getGranted(bucket.seq, file.id, 'update', roles) !== null);
    if (!mayUpdate) throw unauthorized('update');
    const token = storage.tokens.create(file, readExpire((request.body ?? {}) as Body));
    return reply.code(201).send(model(token));
  });

  app.get('/tokens/buckets/:bucketId/files/:fileId', async (request) => {
    requireScope(request, 'tokens.read');
    const { file } = fileFor(request);
    const query = request.query as Body;
    const tokens = storage.tokens.forFile(file.seq).map(model);
    const { total, items } = metadataPage(tokens, query, LIST_ATTRIBUTES.fileTokens);
    return { total, tokens: items };
  });

  app.get('/tokens/:tokenId', async (request) => {
    requireScope(request, 'tokens.read');
    const { tokenId } = request.params as { tokenId: string };
    return model(storage.tokens.require(tokenId));
  });

  app.patch('/tokens/:tokenId', abuse(WRITE_RATE), async (request) => {
    requireScope(request, 'tokens.write');
    const { tokenId } = request.params as { tokenId: string };
    const expire = readExpire((request.body ?? {}) as Body);
    return model(storage.tokens.setExpire(tokenId, expire));
  });

  app.delete('/tokens/:tokenId', abuse(WRITE_RATE), async (request, reply) => {
    requireScope(request, 'tokens.write');
    const { tokenId } = request.params as { tokenId: string };
    storage.tokens.delete(tokenId);
    return reply.code(204).send();
  });
}
