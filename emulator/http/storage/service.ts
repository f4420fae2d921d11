import type { FastifyInstance } from 'fastify';
import { openStorage } from '../../core/storage/service.ts';
import type { ServiceContext } from '../platform/context.ts';
import { registerBucketRoutes } from './buckets.ts';
import { registerContentRoutes } from './content.ts';
import { registerTokenRoutes } from './file-tokens.ts';
import { registerFileRoutes } from './files.ts';

/**
 * Storage (`/v1/storage/...`) and file tokens (`/v1/tokens/...`), as node-appwrite's `Storage` and
 * `Tokens` and the web SDK's `Storage` call them (facts §8). Files live under `<dataDir>/storage`
 * (a temporary folder for an in-memory app, removed on close). At start, unfinished uploads older than
 * a day and anything a crash left half-written are swept away.
 */
export async function registerStorage(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const storage = openStorage(ctx.db, ctx.dataDir);
  await storage.sweepStaleUploads();
  app.addHook('onClose', async () => storage.close());
  await app.register(async (scope) => {
    // Uploads are multipart; keep them as raw bytes here and parse them in the route (http/platform/multipart.ts).
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    registerBucketRoutes(scope, storage);
    registerFileRoutes(scope, storage, ctx.events);
    registerContentRoutes(scope, storage);
    registerTokenRoutes(scope, storage);
  });
}
