/**
 * The few cookie operations the emulator needs (no cookie plugin is installed): read the `Cookie`
 * header, and write `Set-Cookie` lines shaped as Appwrite's session cookies.
 */

/** Parses a `Cookie` header into name → value (first occurrence wins; values are URL-decoded). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

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
