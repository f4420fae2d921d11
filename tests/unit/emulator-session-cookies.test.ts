import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  type MainCookieRule,
  setSessionCookies,
} from '../../emulator/http/identity/session-cookies.ts';

/**
 * The session cookies' attributes, over http and over https, for a project session (Appwrite's
 * rule) and for the console's (`browser-over-http`: Chromium drops `SameSite=None` without `Secure`,
 * which is every cookie a plain-http server can set, so the console's main cookie is `Lax` there).
 */

function cookiesFor(protocol: 'http' | 'https', rule: MainCookieRule) {
  const headers = new Map<string, unknown>();
  const request = {
    protocol,
    headers: { origin: 'http://127.0.0.1:8080' },
    hostname: '127.0.0.1:8080',
  } as unknown as FastifyRequest;
  const reply = {
    header(name: string, value: unknown) {
      headers.set(name, value);
      return reply;
    },
  } as unknown as FastifyReply;
  setSessionCookies(request, reply, 'console', 'value', '2030-01-01T00:00:00.000+00:00', rule);
  const lines = headers.get('set-cookie') as string[];
  return {
    main: lines.find((line) => line.startsWith('a_session_console=')) ?? '',
    legacy: lines.find((line) => line.startsWith('a_session_console_legacy=')) ?? '',
  };
}

describe('session cookies', () => {
  it("keeps Appwrite's rule for project sessions: SameSite=None, Secure over https only", () => {
    const http = cookiesFor('http', 'appwrite');
    expect(http.main).toMatch(/; SameSite=None$/);
    expect(http.main).not.toMatch(/Secure/);
    const https = cookiesFor('https', 'appwrite');
    expect(https.main).toMatch(/; Secure; HttpOnly; SameSite=None$/);
    expect(https.legacy).not.toMatch(/SameSite/);
  });

  it('sets the console cookie SameSite=Lax over plain http (Chromium keeps it), and as Appwrite over https', () => {
    const http = cookiesFor('http', 'browser-over-http');
    expect(http.main).toMatch(/; HttpOnly; SameSite=Lax$/);
    expect(http.main).not.toMatch(/Secure|SameSite=None/);
    expect(http.legacy).not.toMatch(/SameSite/);
    const https = cookiesFor('https', 'browser-over-http');
    expect(https.main).toMatch(/; Secure; HttpOnly; SameSite=None$/);
  });
});
