/**
 * `Set-Cookie` lines shaped as Appwrite's session cookies (no cookie plugin is installed). Reading the
 * `Cookie` header is core/platform/cookies.ts's, as Realtime needs it too.
 */

/** Options for one `Set-Cookie` line. */
export interface CookieOptions {
  expires: Date;
  secure: boolean;
  /** The `SameSite` attribute, or `null` for none (the browser's default, Lax in Chromium). */
  sameSite: 'None' | 'Lax' | null;
  domain: string | null;
}

/**
 * A `Set-Cookie` line as Appwrite writes session cookies: `Path=/`, `HttpOnly`, `Secure` only over
 * https, and the `SameSite` the caller chose (session-cookies.ts: `None` on Appwrite's main cookie,
 * none on its `_legacy` twin).
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
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  return parts.join('; ');
}
