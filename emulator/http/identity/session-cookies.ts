import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serializeCookie } from '../platform/cookies.ts';

/**
 * A hostname's registrable domain, roughly: its last two labels. IPs and single-label hosts
 * (`localhost`) have none, exactly the cases where Appwrite's domain library returns ''.
 */
function registrableDomain(hostname: string): string {
  if (!hostname || isIP(hostname) || !hostname.includes('.')) return '';
  return hostname.split('.').slice(-2).join('.');
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * Whether the browser may not keep our cookies, so the session must also travel in the
 * `X-Fallback-Cookies` header (SRV request.php `domainVerification`): true unless the page (Origin, else
 * Referer) and the API share a non-empty registrable domain. On localhost and IPs that is always true.
 */
export function needsFallbackCookies(request: FastifyRequest): boolean {
  const page = request.headers.origin ?? request.headers.referer ?? '';
  const pageDomain = registrableDomain(hostnameOf(page));
  return (
    pageDomain === '' || pageDomain !== registrableDomain(request.hostname.replace(/:\d+$/, ''))
  );
}

/**
 * How the main cookie's `SameSite` is chosen. `appwrite` is Appwrite's rule: `None` always (with
 * `Secure` over https). `browser-over-http` keeps that over https but sends `Lax` over plain http,
 * where Chromium drops a `SameSite=None` cookie without `Secure` — the local console's sign-in at
 * `http://127.0.0.1:P/console` reads only the main cookie, so it must survive there.
 */
export type MainCookieRule = 'appwrite' | 'browser-over-http';

function mainSameSite(request: FastifyRequest, rule: MainCookieRule): 'None' | 'Lax' {
  return rule === 'browser-over-http' && request.protocol !== 'https' ? 'Lax' : 'None';
}

/**
 * Sets both session cookies (`a_session_<project>` with SameSite=None — or Lax over http under the
 * `browser-over-http` rule — and `_legacy` without) and, when the page is on another site,
 * `X-Fallback-Cookies: {"a_session_<project>": value}`. Cookies are host-only: Appwrite adds
 * `Domain=.<host>` for real domains, which a loopback server never has.
 */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  projectId: string,
  value: string,
  expire: string,
  rule: MainCookieRule = 'appwrite',
): void {
  const name = `a_session_${projectId}`;
  const options = {
    expires: new Date(expire),
    secure: request.protocol === 'https',
    domain: null,
  };
  reply.header('set-cookie', [
    serializeCookie(`${name}_legacy`, value, { ...options, sameSite: null }),
    serializeCookie(name, value, { ...options, sameSite: mainSameSite(request, rule) }),
  ]);
  if (needsFallbackCookies(request)) {
    reply.header('x-fallback-cookies', JSON.stringify({ [name]: value }));
  }
}

/** Expires both session cookies and, for cross-site pages, tells the web SDK to forget its copy (`[]`). */
export function clearSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  projectId: string,
  rule: MainCookieRule = 'appwrite',
): void {
  const name = `a_session_${projectId}`;
  const options = { expires: new Date(0), secure: request.protocol === 'https', domain: null };
  reply.header('set-cookie', [
    serializeCookie(`${name}_legacy`, '', { ...options, sameSite: null }),
    serializeCookie(name, '', { ...options, sameSite: mainSameSite(request, rule) }),
  ]);
  if (needsFallbackCookies(request)) reply.header('x-fallback-cookies', '[]');
}
