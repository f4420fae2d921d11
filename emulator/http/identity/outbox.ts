import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Project } from '../../core/project.ts';
import { requireScope } from '../platform/context.ts';
import { optionalInteger, optionalString } from '../platform/params.ts';

/**
 * The local outbox: not an Appwrite route. `GET /v1/local/outbox[?to=<email>&limit=N]` lists the
 * verification and recovery messages a real Appwrite would have emailed, newest first, each with its
 * link (`url`, carrying `userId`, `secret`, `expire`) and `secret`; `DELETE /v1/local/outbox` empties
 * it. The messages hold live secrets, so only a caller on this machine or an API key with
 * `users.read` may read them — exposing the server with `--host` does not expose the mailbox.
 *
 * "On this machine" takes three things, because a web page on another site, open in the developer's
 * browser, also reaches 127.0.0.1: a loopback peer (the default bind), a `Host` naming this machine
 * (a page whose name an attacker rebinds to 127.0.0.1 sends its own), and no `Origin` or one on this
 * machine (the server echoes every origin for CORS, so another site's page would read the answer).
 */
export function registerOutbox(app: FastifyInstance, project: Project): void {
  const allow = (request: FastifyRequest) => {
    if (request.principal.kind === 'key') return requireScope(request, 'users.read');
    const origin = request.headers.origin;
    const local =
      isLoopback(request.socket.remoteAddress ?? '') &&
      isLocalHostname(hostnameOf(`http://${request.headers.host ?? ''}`)) &&
      (origin === undefined || isLocalHostname(hostnameOf(origin)));
    if (!local) {
      throw new AppwriteError(
        'general_access_forbidden',
        'The local outbox is readable from this machine or with an API key only.',
      );
    }
  };

  app.get('/local/outbox', { config: { project: 'optional' } }, async (request) => {
    allow(request);
    const query = request.query as Record<string, unknown>;
    const to = optionalString(query, 'to', '', 254) || null;
    const limit = optionalInteger(query, 'limit', 100, 1, 1000);
    const messages = project.identity.outbox.list(to, limit);
    return { total: messages.length, messages };
  });

  app.delete('/local/outbox', { config: { project: 'optional' } }, async (request, reply) => {
    allow(request);
    project.identity.outbox.clear();
    return reply.code(204).send();
  });
}

/** Whether a socket peer is this machine (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback). */
export function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** A URL's hostname without IPv6 brackets, or `''` when it is not a URL (`Origin: null`). */
function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return '';
  }
}

/** Whether a name is this machine: `localhost` and its subdomains, or a loopback address. */
function isLocalHostname(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || isLoopback(name);
}
