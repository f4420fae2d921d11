import type { FastifyInstance } from 'fastify';
import { SERVER_VERSION } from '../../core/platform/error-body.ts';
import type { Project } from '../../core/project.ts';
import { requireScope } from '../platform/context.ts';

/**
 * Health and connectivity: `GET /health` (scope `health.read`: API keys), `GET /health/version` (no
 * project or credentials needed: appwrite-cli asks it first), and `GET /ping`, which answers the
 * text `Pong!` as Appwrite's onboarding check does.
 */
export function registerHealth(app: FastifyInstance, project: Project): void {
  app.get('/health', { config: { project: 'optional' } }, async (request) => {
    requireScope(request, 'health.read');
    project.db.prepare('SELECT 1').get();
    return { name: 'http', status: 'pass', ping: 0 };
  });

  app.get('/health/version', { config: { project: 'optional' } }, async () => ({
    version: SERVER_VERSION,
  }));

  app.get('/ping', async (request, reply) => {
    requireScope(request, 'global');
    return reply.type('text/plain; charset=utf-8').send('Pong!');
  });
}
