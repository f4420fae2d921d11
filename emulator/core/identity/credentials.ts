import { parseCookies } from '../platform/cookies.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { Principal } from '../platform/principal.ts';
import { rolesForUser, type TeamGrantSource } from '../platform/roles.ts';
import { KeyStore } from './keys.ts';
import type { Identity } from './service.ts';
import { decodeSessionValue } from './sessions.ts';

/**
 * Request headers as Node hands them over (lower-case names; a repeated header may be a list). An
 * HTTP request's and a Realtime upgrade's alike: credentials are read from headers only.
 */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

const GUEST: Principal = { kind: 'guest', roles: ['guests'] };

/** A header's first value, or `''`. */
export function headerValue(headers: Headers, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * The session value headers carry, from the first place that has one, in Appwrite's order
 * (SRV app/init/resources/request.php): cookie `a_session_<project>`, its `_legacy` twin, header
 * `X-Appwrite-Session`, then the `X-Fallback-Cookies` JSON the web SDK keeps in localStorage.
 */
function sessionValueOf(headers: Headers, projectId: string): string {
  const name = `a_session_${projectId}`;
  const cookies = parseCookies(headerValue(headers, 'cookie'));
  const fromCookie = cookies.get(name) || cookies.get(`${name}_legacy`);
  if (fromCookie) return fromCookie;
  const fromHeader = headerValue(headers, 'x-appwrite-session');
  if (fromHeader) return fromHeader;
  const fallback = headerValue(headers, 'x-fallback-cookies');
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
 * Works out who is asking from a request's headers. An `X-Appwrite-Key` decides alone: a known key
 * is a key principal, an unknown one is treated as a guest (Appwrite's "guest key"), and an expired
 * one — a stored key past its `expire`, or a function's `ephemeral_` key past its timeout + 60 s —
 * is refused with 401 `project_key_expired` (see emulator/DIFFERENCES.md). Otherwise the
 * session, then `X-Appwrite-JWT` (both at once → 403 `user_jwt_and_cookie_set`; a bad JWT → 401
 * `user_jwt_invalid`). A session or JWT whose user is blocked is refused with 403 `user_blocked`; one
 * that does not verify is simply a guest, as in Appwrite.
 *
 * A user's roles include their confirmed teams' (`team:T`, `member:M`, `team:T/<role>`), looked up
 * in `teams` on every call, so a membership granted or removed counts from the next request.
 *
 * The HTTP layer calls it once per request (http/platform/authenticate.ts), Realtime once per
 * upgrade (realtime/transport.ts).
 */
export function resolveCredentials(
  headers: Headers,
  projectId: string,
  identity: Identity,
  teams: TeamGrantSource,
): Principal {
  const keySecret = headerValue(headers, 'x-appwrite-key');
  if (keySecret) {
    const key = identity.keys.find(keySecret);
    // A signed key made for another project is a guest, as in Appwrite's Key::decode.
    if (!key || (key.projectId !== undefined && key.projectId !== projectId)) return GUEST;
    if (key.expire && Date.parse(key.expire) <= Date.now()) {
      throw new AppwriteError('project_key_expired', 'This API key has expired.');
    }
    return { kind: 'key', keyId: key.id, scopes: KeyStore.effectiveScopes(key) };
  }

  let userId: string | null = null;
  let sessionId: string | null = null;
  const stored = decodeSessionValue(sessionValueOf(headers, projectId));
  if (stored) {
    const session = identity.sessions.verify(stored.id, stored.secret);
    if (session) {
      userId = session.userId;
      sessionId = session.id;
    }
  }

  const jwt = headerValue(headers, 'x-appwrite-jwt');
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
  return { kind: 'user', userId, sessionId, roles: rolesForUser(user, teams.grantsOf(userId)) };
}
