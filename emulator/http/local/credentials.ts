import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Project } from '../../core/project.ts';
import { requireConsole } from './state.ts';

/**
 * `GET /v1/local/credentials` — not an Appwrite route: the full-scope API key main.ts made for this
 * project, for the console's Overview (reveal, copy).
 *
 * The server keeps only key hashes, so no Appwrite route can answer a secret. The key's one copy is
 * the data folder's `credentials.json`, which main.ts wrote and its owner can read anyway; this route
 * reads it on each call (never logs it) and answers `{"projectId", "apiKey"}` only while that key
 * still opens this project. The same guard as the state routes: the signed-in local console's
 * cookie (a key, a user or a guest is 401 `general_unauthorized_scope`), from no `Origin` or the
 * server's own (http/platform/cors.ts; any other is 403 `general_unknown_origin`). No file, another
 * project's file or a key this server does not know is 404 `key_not_found`.
 */
export function registerLocalCredentials(app: FastifyInstance, project: Project): void {
  app.get(
    '/local/credentials',
    { config: { project: 'optional' as const } },
    async (request, reply) => {
      const dataDir = requireConsole(request, project);
      const apiKey = savedKey(join(dataDir, 'credentials.json'), project.projectId);
      if (!apiKey || !project.identity.keys.find(apiKey)) {
        throw new AppwriteError(
          'key_not_found',
          'No API key of this project in credentials.json (main.ts writes it at start).',
        );
      }
      return reply
        .header('cache-control', 'no-store')
        .send({ projectId: project.projectId, apiKey });
    },
  );
}

/** `credentials.json`'s key when the file is this project's, else `null`. */
function savedKey(file: string, projectId: string): string | null {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof saved !== 'object' || saved === null) return null;
  const { projectId: owner, apiKey } = saved as Record<string, unknown>;
  return owner === projectId && typeof apiKey === 'string' ? apiKey : null;
}
