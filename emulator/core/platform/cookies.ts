/**
 * Reads a `Cookie` header. Credentials come partly from cookies (core/identity/credentials.ts), for
 * HTTP requests and Realtime upgrades alike; writing `Set-Cookie` is HTTP's (http/platform/cookies.ts).
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
