import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONSOLE_EMAIL } from '../../emulator/core/identity/console-account.ts';
import { consoleCookie, TEST_CONSOLE_PASSWORD } from '../support/console-session.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Nobody else may drive the local console. The browser holds an admin-capable `a_session_console`
 * cookie for 127.0.0.1:P, and a page on any other port of 127.0.0.1 is same-site, so its requests
 * carry it: console and admin-mode requests are served only from the server's own origin or with no
 * Origin (the CLI); any other origin is 403 `general_unknown_origin` with no CORS headers.
 */

let server: LocalServer;
let cookie: string;
let own: string;
const FOREIGN = 'http://127.0.0.1:5173';

beforeAll(async () => {
  server = await startLocalServer('origin-test');
  cookie = await consoleCookie(server);
  own = new URL(server.endpoint).origin;
});

afterAll(async () => {
  await server.close();
});

const admin = () => ({ cookie, 'x-appwrite-mode': 'admin' });

describe('admin mode with the console cookie', () => {
  test('from a foreign origin: 403 general_unknown_origin, nothing done, no credentialed CORS', async () => {
    const created = await call(server, 'POST', '/users', {
      headers: { ...admin(), origin: FOREIGN },
      body: { userId: 'intruder', email: 'intruder@example.com', password: 'a-long-password-1' },
    });
    expect(created.status).toBe(403);
    expect(created.json).toMatchObject({ code: 403, type: 'general_unknown_origin' });
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
    expect(created.headers.get('access-control-allow-credentials')).toBeNull();
    expect(server.app.emulator.identity.users.get('intruder')).toBeNull();

    const listed = await call(server, 'GET', '/users', {
      headers: { ...admin(), origin: FOREIGN },
    });
    expect(listed.status).toBe(403);
    expect(listed.text).not.toContain('"users"');
  });

  test('a page on another host name (same site) is foreign too', async () => {
    const listed = await call(server, 'GET', '/users', {
      headers: { ...admin(), origin: own.replace('127.0.0.1', 'localhost') },
    });
    expect(listed.status).toBe(403);
    expect(listed.json.type).toBe('general_unknown_origin');
  });

  test('from its own origin: served, with the origin echoed', async () => {
    const listed = await call(server, 'GET', '/users', { headers: { ...admin(), origin: own } });
    expect(listed.status).toBe(200);
    expect(listed.json).toHaveProperty('users');
    expect(listed.headers.get('access-control-allow-origin')).toBe(own);
  });

  test('with no Origin (the CLI): served', async () => {
    const listed = await call(server, 'GET', '/users', { headers: admin() });
    expect(listed.status).toBe(200);
  });
});

describe('the console project', () => {
  test('sign-in from a foreign origin: 403, no cookie set', async () => {
    const login = await call(server, 'POST', '/account/sessions/email', {
      headers: { 'x-appwrite-project': 'console', origin: FOREIGN },
      body: { email: CONSOLE_EMAIL, password: TEST_CONSOLE_PASSWORD },
    });
    expect(login.status).toBe(403);
    expect(login.json.type).toBe('general_unknown_origin');
    expect(login.headers.getSetCookie()).toEqual([]);
  });

  test('the account through ?project=console from a foreign origin: 403', async () => {
    const account = await call(server, 'GET', '/account?project=console', {
      project: false,
      headers: { cookie, origin: FOREIGN },
    });
    expect(account.status).toBe(403);
    expect(account.text).not.toContain(CONSOLE_EMAIL);
  });

  test('the account from its own origin: 200', async () => {
    const account = await call(server, 'GET', '/account', {
      headers: { cookie, 'x-appwrite-project': 'console', origin: own },
    });
    expect(account.status).toBe(200);
    expect(account.json.email).toBe(CONSOLE_EMAIL);
  });
});

describe('everything else keeps accepting any origin', () => {
  test("a project request from another origin is served and echoed (the app's own page)", async () => {
    const health = await call(server, 'GET', '/health/version', {
      headers: { origin: FOREIGN },
    });
    expect(health.status).toBe(200);
    expect(health.headers.get('access-control-allow-origin')).toBe(FOREIGN);
  });

  test('a preflight asking for X-Appwrite-Mode from a foreign origin gets no CORS headers', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.endpoint}/users`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'x-appwrite-project,x-appwrite-mode',
        },
      });
    const foreign = await preflight(FOREIGN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
    const mine = await preflight(own);
    expect(mine.status).toBe(204);
    expect(mine.headers.get('access-control-allow-origin')).toBe(own);
    const plain = await fetch(`${server.endpoint}/users`, {
      method: 'OPTIONS',
      headers: {
        origin: FOREIGN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-appwrite-project,x-appwrite-key',
      },
    });
    expect(plain.headers.get('access-control-allow-origin')).toBe(FOREIGN);
  });
});
