import type { FastifyRequest } from 'fastify';
import { KeyStore } from '../../core/identity/keys.ts';
import type { Identity } from '../../core/identity/service.ts';
import { decodeSessionValue } from '../../core/identity/sessions.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Principal } from '../../core/platform/principal.ts';
import { rolesForUser } from '../../core/platform/roles.ts';
import { parseCookies } from './cookies.ts';

const GUEST: Principal = { kind: 'guest', roles: ['guests'] };

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * The session value a request carries, from the first place that has one, in Appwrite's order
 * (SRV app/init/resources/request.php): cookie `a_session_<project>`, its `_legacy` twin, header
 * `X-Appwrite-Session`, then the `X-Fallback-Cookies` JSON the web SDK keeps in localStorage.
 */
export function sessionValueOf(request: FastifyRequest, projectId: string): string {
  const name = `a_session_${projectId}`;
  const cookies = parseCookies(request.headers.cookie);
  const fromCookie = cookies.get(name) || cookies.get(`${name}_legacy`);
  if (fromCookie) return fromCookie;
  const fromHeader = header(request, 'x-appwrite-session');
  if (fromHeader) return fromHeader;
  const fallback = header(request, 'x-fallback-cookies');
  if (fallback) {
    try {
      const parsed = JSON.parse(fallback);
      if (typeof parsed?.[name] === 'string') return parsed[name];
    } catch {
      // A malformed fallback header is no session, not an error (as in Appwrite).
    }
  }
  return '';
}

/**
 * Works out who is asking. An `X-Appwrite-Key` decides alone: a known key is a key principal, an
 * unknown one is treated as a guest (Appwrite's "guest key"). Otherwise the session, then
 * `X-Appwrite-JWT` (both at once → 403 `user_jwt_and_cookie_set`; a bad JWT → 401 `user_jwt_invalid`).
 * A session or JWT whose user is blocked is refused with 403 `user_blocked`; one that does not verify
 * is simply a guest, as in Appwrite.
 */
export function resolvePrincipal(
  request: FastifyRequest,
  projectId: string,
  identity: Identity,
): Principal {
  const keySecret = header(request, 'x-appwrite-key');
  if (keySecret) {
    const key = identity.keys.find(keySecret);
    if (!key) return GUEST;
    if (key.expire && Date.parse(key.expire) <= Date.now()) {
      throw new AppwriteError('project_key_expired', 'This API key has expired.');
    }
    return { kind: 'key', keyId: key.id, scopes: KeyStore.effectiveScopes(key) };
  }

  let userId: string | null = null;
  let sessionId: string | null = null;
  const stored = decodeSessionValue(sessionValueOf(request, projectId));
  if (stored) {
    const session = identity.sessions.verify(stored.id, stored.secret);
    if (session) {
      userId = session.userId;
      sessionId = session.id;
    }
  }

  const jwt = header(request, 'x-appwrite-jwt');
  if (jwt) {
    if (userId) {
      throw new AppwriteError(
        'user_jwt_and_cookie_set',
        'Send either a session or a JWT, not both.',
      );
    }
    const claims = identity.jwt.verify(jwt);
    if (!claims) throw new AppwriteError('user_jwt_invalid', 'The JWT is invalid or has expired.');
    if (!claims.sessionId || identity.sessions.get(claims.userId, claims.sessionId)) {
      userId = claims.userId;
      sessionId = claims.sessionId || null;
    }
  }

  if (!userId) return GUEST;
  const user = identity.users.get(userId);
  if (!user) return GUEST;
  if (!user.status) throw new AppwriteError('user_blocked', 'This user is blocked.');
  return { kind: 'user', userId, sessionId, roles: rolesForUser(user) };
}

/** Whether the request authenticated with a JWT (a JWT may not mint another JWT). */
export function usesJwt(request: FastifyRequest): boolean {
  return header(request, 'x-appwrite-jwt') !== '';
}
