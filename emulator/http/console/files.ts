import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Project } from '../../core/project.ts';

/**
 * The local console's files (emulator/console/, built into its `dist/`) at `/console`, beside the
 * API on the same origin: the console then needs no CORS, and its session cookie is the one the API
 * reads. Not an Appwrite route — Appwrite's console is a separate app on its own host.
 *
 *   GET /console            index.html, with the project's id in `<meta name="appwrite-project">`
 *   GET /console/<file>     a built file (hashed assets are cached for a year)
 *
 * The console shows nothing by itself: every screen asks the API with the console session, so these
 * files are public as Appwrite's console bundle is. They are served with a CSP that allows only this
 * origin (and blob:/data: images, for previews fetched with the session) and may not be framed.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Registers `/console` on the root (unprefixed) instance; `dir` is the built console. */
export function registerConsoleFiles(app: FastifyInstance, project: Project, dir: string): void {
  const root = resolve(dir);
  const notBuilt = () =>
    new AppwriteError(
      'general_route_not_found',
      'The local console is not built: run `npm run build:console` (npm start and npm run emulator build it).',
    );

  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
    const html = await readFile(resolve(root, 'index.html'), 'utf8').catch(() => {
      throw notBuilt();
    });
    const meta = `<meta name="appwrite-project" content="${escapeAttribute(project.projectId)}">`;
    return reply
      .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' })
      .type(TYPES['.html'] as string)
      .send(html.replace('</head>', `${meta}\n</head>`));
  };

  const options = { config: { project: 'optional' as const } };
  app.get('/console', options, sendIndex);
  app.get('/console/*', options, async (request, reply) => {
    const wildcard = (request.params as { '*': string })['*'];
    if (wildcard === '' || wildcard === 'index.html') return sendIndex(request, reply);
    const path = resolve(root, wildcard);
    const type = TYPES[extname(path)];
    if (!path.startsWith(root + sep) || !type) {
      throw new AppwriteError('general_route_not_found', 'No such console file.');
    }
    const bytes = await readFile(path).catch(() => {
      throw new AppwriteError('general_route_not_found', 'No such console file.');
    });
    const immutable = wildcard.startsWith('assets/');
    return reply
      .headers({
        ...SECURITY_HEADERS,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      })
      .type(type)
      .send(bytes);
  });
}
