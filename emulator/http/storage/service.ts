import type { FastifyInstance } from 'fastify';
import type { Project } from '../../core/project.ts';
import { registerBucketRoutes } from './buckets.ts';
import { registerContentRoutes } from './content.ts';
import { registerFileTokenRoutes } from './file-tokens.ts';
import { registerFileRoutes } from './files.ts';

/**
 * Storage (`/v1/storage/...`) and file tokens (`/v1/tokens/...`), as node-appwrite's `Storage` and
 * `Tokens` and the web SDK's `Storage` call them (facts §8), on the project's storage
 * (core/storage/service.ts: files live under `<dataDir>/storage`, and `openProject` sweeps away
 * unfinished uploads older than a day and anything a crash left half-written).
 */
export async function registerStorage(app: FastifyInstance, project: Project): Promise<void> {
  const { storage } = project;
  await app.register(async (scope) => {
    // Uploads are multipart; keep them as raw bytes here and parse them in the route (http/platform/multipart.ts).
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    registerBucketRoutes(scope, storage);
    registerFileRoutes(scope, storage);
    registerContentRoutes(scope, storage);
    registerFileTokenRoutes(scope, storage);
  });
}
