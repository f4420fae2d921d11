/**
 * Whether `origin` is the server's own: the scheme is http and its host (with port) is the one the
 * request was sent to (its `Host`). The console the server serves at `/console` is such a page; a
 * page on any other port of the same machine is not, though a browser counts it as the same site and
 * sends it the console cookie. Used for HTTP (http/platform/cors.ts) and Realtime upgrades alike.
 */
export function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}
