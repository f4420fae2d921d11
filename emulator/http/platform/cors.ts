import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { isOwnOrigin } from '../../core/platform/origins.ts';

/** Request headers a browser may send (SRV app/config/cors.php). */
const ALLOWED_HEADERS = [
  'Accept',
  'Origin',
  'Cookie',
  'Set-Cookie',
  'Content-Type',
  'Content-Range',
  'X-Appwrite-Project',
  'X-Appwrite-Key',
  'X-Appwrite-Dev-Key',
  'X-Appwrite-Locale',
  'X-Appwrite-Mode',
  'X-Appwrite-JWT',
  'X-Appwrite-Organization',
  'X-Appwrite-Response-Format',
  'X-Appwrite-Timeout',
  'X-Appwrite-ID',
  'X-Appwrite-Timestamp',
  'X-Appwrite-Session',
  'X-Appwrite-Platform',
  'X-Appwrite-Impersonate-User-Id',
  'X-Appwrite-Impersonate-User-Email',
  'X-Appwrite-Impersonate-User-Phone',
  'X-SDK-Version',
  'X-SDK-Name',
  'X-SDK-Language',
  'X-SDK-Platform',
  'X-SDK-GraphQL',
  'X-SDK-Profile',
  'Range',
  'Cache-Control',
  'Expires',
  'Pragma',
  'X-Fallback-Cookies',
  'X-Requested-With',
  'X-Forwarded-For',
  'X-Forwarded-User-Agent',
].join(', ');

/** Response headers the browser may read: the web SDK stores `X-Fallback-Cookies` itself. */
const EXPOSED_HEADERS = 'X-Appwrite-Session, X-Fallback-Cookies';

/**
 * Whether a request acts as the local console: `X-Appwrite-Mode: admin` (the console admin acting on
 * the project), the `console` project itself (header or `?project=`, its sign-in and account), or a
 * `/v1/local/` state or credentials route (export, import, reset, credentials).
 */
function actsAsConsole(request: FastifyRequest): boolean {
  if (request.headers['x-appwrite-mode'] === 'admin') return true;
  if (request.headers['x-appwrite-project'] === 'console') return true;
  const query = request.query as Record<string, unknown> | undefined;
  if (query?.project === 'console') return true;
  const path = request.url.split('?')[0] ?? '';
  return LOCAL_STATE_PATHS.has(path.replace(/\/+$/, ''));
}

/**
 * The `/v1/local/` routes that replace or reveal the whole state (http/local/state.ts) or the API
 * key (http/local/credentials.ts).
 */
const LOCAL_STATE_PATHS = new Set([
  '/v1/local/export',
  '/v1/local/import',
  '/v1/local/reset',
  '/v1/local/credentials',
]);

/**
 * CORS as Appwrite does it: echo the exact Origin (never `*`, since credentials are allowed), allow
 * credentials, expose the session headers, and answer preflights with 204. Appwrite only accepts
 * origins registered as platforms; a local server accepts any origin for the project's own routes
 * (see DIFFERENCES.md).
 *
 * The console is the exception. Its cookie is admin-capable, and a page on another port of
 * 127.0.0.1 is same-site, so its requests carry that cookie: a request acting as the console (see
 * `actsAsConsole`) is served only from this server's own origin or with no `Origin` at all (the
 * CLI); any other origin gets 403 `general_unknown_origin`, as Appwrite answers an origin that is not
 * a platform (app/controllers/general.php), and no CORS headers. A preflight from such an origin that
 * asks for `X-Appwrite-Mode` gets no CORS headers either, so the browser never sends it.
 */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (!origin) return done();
    const own = isOwnOrigin(origin, request.headers.host);
    if (!own && actsAsConsole(request)) {
      throw new AppwriteError(
        'general_unknown_origin',
        `The local console answers only its own origin, not '${origin}'.`,
      );
    }
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    reply.header('vary', 'Origin');
    done();
  });

  app.options('/*', { config: { project: 'optional' } }, async (request, reply) => {
    if (reply.hasHeader('access-control-allow-origin') && asksForAdminMode(request)) {
      const own = isOwnOrigin(String(request.headers.origin), request.headers.host);
      if (!own) {
        for (const name of CORS_HEADERS) reply.removeHeader(name);
        return reply.code(204).send();
      }
    }
    reply
      .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '86400')
      .code(204)
      .send();
  });
}

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
];

/** Whether a preflight announces `X-Appwrite-Mode` (only the console sends it). */
function asksForAdminMode(request: FastifyRequest): boolean {
  const asked = request.headers['access-control-request-headers'];
  return typeof asked === 'string' && /(^|,)\s*x-appwrite-mode\s*(,|$)/i.test(asked);
}
