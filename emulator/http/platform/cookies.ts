/**
 * `Set-Cookie` lines shaped as Appwrite's session cookies (no cookie plugin is installed). Reading the
 * `Cookie` header is core/platform/cookies.ts's, as Realtime needs it too.
 */

/** Options for one `Set-Cookie` line. */
export interface CookieOptions {
  expires: Date;
  secure: boolean;
  sameSiteNone: boolean;
  domain: string | null;
}

/**
 * A `Set-Cookie` line as Appwrite writes session cookies: `Path=/`, `HttpOnly`, `Secure` only over
 * https, `SameSite=None` only on the main cookie (the `_legacy` twin has none, so browsers that
 * reject `SameSite=None` without `Secure` — plain http://localhost — still keep it).
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Expires=${options.expires.toUTCString()}`,
  ];
  parts.push('Path=/');
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (options.secure) parts.push('Secure');
  parts.push('HttpOnly');
  if (options.sameSiteNone) parts.push('SameSite=None');
  return parts.join('; ');
}
