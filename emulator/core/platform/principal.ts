/**
 * Who is making a request, as the core sees it. The HTTP layer resolves it once per request from the
 * API key, session cookie, `X-Appwrite-Session`, `X-Fallback-Cookies` or `X-Appwrite-JWT`; the core
 * only reads it.
 *
 * - `key`: an API key (or a function's per-execution key). Bypasses row and file permissions; every
 *   route checks `scopes` instead.
 * - `user`: a signed-in user. `roles` are Appwrite's role strings for them, in Appwrite's order:
 *   `user:ID`, `users`, `user:ID/verified|unverified`, `users/verified|unverified`, then `label:X`.
 * - `guest`: nobody; roles `["guests"]`.
 * `any` is implied for everyone and is not listed.
 */
export type Principal =
  | { kind: 'key'; keyId: string; scopes: ReadonlySet<string> }
  | { kind: 'user'; userId: string; sessionId: string | null; roles: readonly string[] }
  | { kind: 'guest'; roles: readonly ['guests'] };

/** The roles a principal holds for permission checks (an API key holds none: it bypasses them). */
export function rolesOf(principal: Principal): readonly string[] {
  return principal.kind === 'key' ? [] : principal.roles;
}

/** The user a principal is, if it is one: who a write is made by (`WriteOptions.by`). */
export function userIdOf(principal: Principal): string | undefined {
  return principal.kind === 'user' ? principal.userId : undefined;
}
