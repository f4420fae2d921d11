import type { FastifyRequest } from 'fastify';
import { headerValue, resolveCredentials } from '../../core/identity/credentials.ts';
import type { Identity } from '../../core/identity/service.ts';
import type { Principal } from '../../core/platform/principal.ts';
import type { TeamGrantSource } from '../../core/platform/roles.ts';

/**
 * Who is asking: the request's headers resolved by the core (core/identity/credentials.ts
 * `resolveCredentials`: API key, session cookie or header, `X-Fallback-Cookies`, JWT), with the same
 * precedence and errors as there; a user's team roles come from `teams`.
 */
export function resolvePrincipal(
  request: FastifyRequest,
  projectId: string,
  identity: Identity,
  teams: TeamGrantSource,
): Principal {
  return resolveCredentials(request.headers, projectId, identity, teams);
}

/** Whether the request authenticated with a JWT (a JWT may not mint another JWT). */
export function usesJwt(request: FastifyRequest): boolean {
  return headerValue(request.headers, 'x-appwrite-jwt') !== '';
}
