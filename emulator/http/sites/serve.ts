import { createReadStream, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { SITES_DOMAIN, type SitesService } from '../../core/sites/service.ts';
import { resolveSitePath } from '../../core/sites/site-files.ts';

/** Internal prefix a request to a site hostname is rewritten to (see `rewriteSiteHost`). */
const HOST_PREFIX = '/local/site-hosts';

/**
 * Fastify's `rewriteUrl` (app.ts): a request whose Host is `<name>.sites.localhost[:port]` is
 * routed to that site — by its proxy rule's domain (what appwrite-cli creates and prints), or by
 * `<siteId>.sites.localhost` — except under `/v1`, which stays the API: locally a site's origin
 * also answers the API, as a custom domain in front of both would, so a client built with its
 * endpoint at `<site origin>/v1` is same-origin. Answers `null` for any other request.
 */
export function rewriteSiteHost(request: {
  headers: { host?: string };
  url?: string;
}): string | null {
  const url = request.url ?? '/';
  const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!host.endsWith(`.${SITES_DOMAIN}`)) return null;
  if (url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?')) return url;
  return `/v1${HOST_PREFIX}/${encodeURIComponent(host)}${url.startsWith('/') ? url : `/${url}`}`;
}

/** The static runtime's answer header: every file is revalidated (open-runtimes' Caddyfile). */
const CACHE_CONTROL = 'no-cache';

/** A weak validator from size and modification time, as a static file server makes it. */
function etagOf(size: number, mtimeMs: number): string {
  return `"${Math.floor(mtimeMs).toString(36)}${size.toString(36)}"`;
}

const DEFAULT_NOT_FOUND =
  '<!doctype html><html><head><meta charset="utf-8"><title>404 Not Found</title></head>' +
  '<body><h1>404</h1><p>This page does not exist.</p></body></html>\n';

/**
 * Sites, served: `GET|HEAD http://<rule domain or siteId>.sites.localhost:<port>/<path>` answers
 * the site's active deployment's output folder (core/sites/site-files.ts: hidden files are 404, a
 * folder redirects 308 to its slash, `path`, `path.html`, `path/index.html`, then `fallbackFile`),
 * with its content type, `Cache-Control: no-cache`, an ETag (304 on `If-None-Match`) and
 * `X-Content-Type-Options: nosniff`; a missing path is 404 with the site's `404.html` or a plain
 * page. A deployment's own domain (the rule Appwrite gives each deployment) serves that deployment
 * once it is ready, active or not. A host no site answers is 404 `router_host_not_found`; a disabled site or one without a
 * ready deployment, 404 `deployment_not_found` (as JSON: see DIFFERENCES.md).
 */
export async function registerSiteServing(
  app: FastifyInstance,
  service: SitesService,
): Promise<void> {
  /** The site a hostname names and, for a deployment's own domain, which deployment. */
  const siteOfHost = (host: string): { siteId: string; deploymentId: string } | null => {
    const rule = service.rules.siteRuleOf(host);
    if (rule) return { siteId: rule.deploymentResourceId, deploymentId: rule.deploymentId };
    const label = host.slice(0, -(SITES_DOMAIN.length + 1));
    return label.includes('.') ? null : { siteId: label, deploymentId: '' };
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { host: string; '*'?: string };
    const named = siteOfHost(params.host);
    const site = named ? service.sites.find(named.siteId) : null;
    if (!named || !site) {
      throw new AppwriteError('router_host_not_found', 'No site answers at this address.');
    }
    const deploymentId = named.deploymentId || site.deploymentId;
    const deployment =
      site.enabled && deploymentId
        ? service.deployments.list(site.$id).find((d) => d.$id === deploymentId)
        : undefined;
    const root = deployment?.status === 'ready' ? service.deployments.outputRoot(deployment) : null;
    if (!deployment || !root) {
      throw new AppwriteError('deployment_not_found', 'This site has no active deployment.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply.code(405).header('allow', 'GET, HEAD').send();
    }
    const url = request.raw.url ?? '/';
    const withoutHost = url.slice(`/v1${HOST_PREFIX}/`.length);
    const rawPath = withoutHost.slice(withoutHost.indexOf('/')).split('?')[0] || '/';
    const answer = resolveSitePath(root, rawPath, site.fallbackFile);
    reply.header('cache-control', CACHE_CONTROL).header('x-content-type-options', 'nosniff');
    if (answer.kind === 'redirect') {
      const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
      return reply.code(308).header('location', `${answer.location}${query}`).send();
    }
    if (answer.kind === 'missing') {
      const page = answer.notFoundPage ? readFileSync(answer.notFoundPage) : DEFAULT_NOT_FOUND;
      return reply.code(404).type('text/html; charset=utf-8').send(page);
    }
    const etag = etagOf(answer.size, answer.mtimeMs);
    reply
      .header('etag', etag)
      .header('last-modified', new Date(answer.mtimeMs).toUTCString())
      .type(answer.contentType);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    reply.header('content-length', answer.size);
    if (request.method === 'HEAD') return reply.send();
    return reply.send(createReadStream(answer.file));
  };

  await app.register(async (domain) => {
    // A site's requests carry no API body; whatever they send is not parsed.
    domain.removeAllContentTypeParsers();
    domain.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    const options = { config: { project: 'optional' as const } };
    domain.all(`${HOST_PREFIX}/:host`, options, handle);
    domain.all(`${HOST_PREFIX}/:host/*`, options, handle);
  });
}
