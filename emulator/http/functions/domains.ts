import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FunctionsService } from '../../core/functions/service.ts';
import { AppwriteError } from '../../core/platform/errors.ts';

/** The prefix under `/v1` where each function answers raw HTTP, as its Appwrite domain would. */
export const FUNCTION_DOMAIN_PREFIX = '/local/functions';

/** Where function hostnames live (`_APP_DOMAIN_FUNCTIONS`); `*.localhost` is loopback. */
export const FUNCTIONS_DOMAIN = 'functions.localhost';

/** Internal prefix a request to a function hostname is rewritten to (see `rewriteFunctionHost`). */
const HOST_PREFIX = '/local/hosts';

/**
 * Fastify's `rewriteUrl` (app.ts): a request whose Host is `<name>.functions.localhost[:port]` is
 * routed to that function — by its proxy rule's domain (what appwrite-cli creates and prints), or
 * by `<functionId>.functions.localhost` — whatever its path, as Appwrite's router does for function
 * domains. Any other request is left as it is.
 */
export function rewriteFunctionHost(request: { headers: { host?: string }; url?: string }): string {
  const url = request.url ?? '/';
  const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!host.endsWith(`.${FUNCTIONS_DOMAIN}`)) return url;
  return `/v1${HOST_PREFIX}/${encodeURIComponent(host)}${url.startsWith('/') ? url : `/${url}`}`;
}

/** Largest raw body a function domain takes: the runtime's 20 MB plus room to answer past it. */
const DOMAIN_BODY_LIMIT = 24 * 1024 * 1024;

/** Response headers that describe the connection, not the function's answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * Function domains, locally: `http://127.0.0.1:<port>/v1/local/functions/<functionId>/<path>`, or
 * `http://<functionId or rule domain>.functions.localhost:<port>/<path>` (rewriteFunctionHost), runs
 * the function with the raw request — its method, the path after the function id, the query
 * string, the headers and the body bytes — and answers with the function's status, headers and
 * body as they are, as an Appwrite function domain does. No project header or credentials are
 * needed (a domain is public), so only a function whose `execute` roles include `any` or `guests`
 * runs; any other is refused with 401 `function_execute_permission_missing`, as JSON (Appwrite
 * answers an HTML error page on a real domain; see DIFFERENCES.md). This is how a webhook sender
 * or any outside service reaches a function. Appwrite's own `x-appwrite-*` headers are set over any
 * a caller sends, as on any execution; other headers, `x-appwrite-webhook-*` included, pass as
 * Appwrite's router passes them.
 */
export async function registerFunctionDomainRoutes(
  app: FastifyInstance,
  service: FunctionsService,
): Promise<void> {
  /** The function a hostname names: its proxy rule's, else `<functionId>.functions.localhost`. */
  const functionOfHost = (host: string): string | null => {
    const rule = service.rules
      .list()
      .find((r) => r.domain === host && r.deploymentResourceType === 'function');
    if (rule) return rule.deploymentResourceId;
    const label = host.slice(0, -(FUNCTIONS_DOMAIN.length + 1));
    return label.includes('.') ? null : label;
  };
  await app.register(async (domain) => {
    // The function gets the body bytes as sent, whatever their type: no JSON or form parsing here.
    domain.removeAllContentTypeParsers();
    domain.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: DOMAIN_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as { functionId?: string; host?: string; '*'?: string };
      const rest = params['*'] ?? '';
      const functionId =
        params.host === undefined ? params.functionId : functionOfHost(params.host);
      const fn = functionId ? service.functions.find(functionId) : null;
      if (!fn) {
        throw new AppwriteError('router_host_not_found', 'No function answers at this address.');
      }
      const url = request.raw.url ?? '';
      const at = url.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const address = request.socket.localPort ?? 80;
      const host = (request.headers.host ?? 'localhost').replace(/:\d+$/, '');
      const result = await service.executor.runForDomain(fn, {
        method: request.method,
        path: `/${rest}`,
        queryString: at < 0 ? '' : url.slice(at + 1),
        headers,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        clientIp: request.ip,
        scheme: request.protocol === 'https' ? 'https' : 'http',
        host,
        port: address,
      });
      reply.code(result.statusCode);
      for (const [name, value] of Object.entries(result.headers)) {
        if (!HOP_BY_HOP.has(name)) reply.header(name, value);
      }
      return reply.send(result.body);
    };
    const options = { config: { project: 'optional' as const } };
    domain.all(`${FUNCTION_DOMAIN_PREFIX}/:functionId`, options, handle);
    domain.all(`${FUNCTION_DOMAIN_PREFIX}/:functionId/*`, options, handle);
    domain.all(`${HOST_PREFIX}/:host`, options, handle);
    domain.all(`${HOST_PREFIX}/:host/*`, options, handle);
  });
}
