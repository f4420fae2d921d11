import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ensureConsoleBuild } from '../../emulator/console/build.ts';
import { CONSOLE_EMAIL } from '../../emulator/core/identity/console-account.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * The local console's server side: its sign-in cookie survives Chromium over plain http, sign-out
 * ends the session, `/console` serves the built app with this project's id and a strict CSP, and a
 * console Realtime socket from the console's own page hears every event while one from any other
 * origin is a guest.
 */

const PASSWORD = 'console-password-1';
let server: LocalServer;
let origin: string;

beforeAll(async () => {
  await ensureConsoleBuild();
  server = await startLocalServer('console-test');
  origin = new URL(server.endpoint).origin;
  await server.app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, PASSWORD);
}, 120_000);
afterAll(() => server.close());

async function consoleSignIn() {
  const response = await call(server, 'POST', '/account/sessions/email', {
    headers: { 'x-appwrite-project': 'console', origin },
    body: { email: CONSOLE_EMAIL, password: PASSWORD },
  });
  expect(response.status).toBe(201);
  const line =
    response.headers.getSetCookie().find((c) => c.startsWith('a_session_console=')) ?? '';
  return { line, cookie: line.split(';')[0] as string };
}

describe('the console session in a browser', () => {
  it('sets a_session_console SameSite=Lax without Secure over plain http (Chromium keeps it)', async () => {
    const { line } = await consoleSignIn();
    expect(line).toMatch(/; HttpOnly; SameSite=Lax$/);
    expect(line).not.toMatch(/Secure|SameSite=None/);
  });

  it('signs out: the cookie is expired and the session no longer works', async () => {
    const { cookie } = await consoleSignIn();
    const headers = { 'x-appwrite-project': 'console', cookie };
    expect((await call(server, 'GET', '/account', { headers })).status).toBe(200);
    const out = await call(server, 'DELETE', '/account/sessions/current', { headers });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => /^a_session_console=;.*1970/.test(c))).toBe(true);
    const after = await call(server, 'GET', '/account', { headers });
    expect(after.status).toBe(401);
    const admin = await call(server, 'GET', '/users', {
      headers: { cookie, 'x-appwrite-mode': 'admin' },
    });
    expect(admin.status).toBe(401);
  });
});

describe('GET /console', () => {
  it("serves the built console with this project's id, a strict CSP and no framing", async () => {
    const page = await fetch(`${origin}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<meta name="appwrite-project" content="console-test">');
    const script = html.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    const asset = await fetch(`${origin}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('serves nothing outside its folder', async () => {
    for (const path of [
      '/console/..%2f..%2f..%2fpackage.json',
      '/console/%2e%2e/%2e%2e/%2e%2e/package.json',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { type: string }).type).toBe('general_route_not_found');
    }
  });
});

/** A raw Realtime socket that keeps its event frames. */
function socket(query: string, headers: Record<string, string>) {
  const url = `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}${query}`;
  const ws = new WebSocket(url, { headers });
  const events: { payload: { $id: string } }[] = [];
  let connected = false;
  let closed: number | null = null;
  ws.on('close', (code) => {
    closed = code;
  });
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'connected') connected = true;
    if (frame.type === 'event') events.push(frame.data);
  });
  return { ws, events, ready: () => connected, closed: () => closed };
}

async function until(check: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Realtime as the console', () => {
  it('hears every row from its own page; another origin is refused; no mode=admin hears only public rows', async () => {
    const { cookie } = await consoleSignIn();
    const key = { 'x-appwrite-key': server.apiKey };
    await call(server, 'POST', '/tablesdb', {
      headers: key,
      body: { databaseId: 'db', name: 'db' },
    });
    await call(server, 'POST', '/tablesdb/db/tables', {
      headers: key,
      body: { tableId: 't', name: 't', rowSecurity: true },
    });
    await call(server, 'POST', '/tablesdb/db/tables/t/columns/string', {
      headers: key,
      body: { key: 'title', size: 64, required: false },
    });
    const channel = '&channels[]=tablesdb.db.tables.t.rows';
    const own = socket(`${channel}&mode=admin`, { origin, cookie });
    const foreign = socket(`${channel}&mode=admin`, { origin: 'http://127.0.0.1:1', cookie });
    const noMode = socket(channel, { origin, cookie });
    await until(() => own.ready() && noMode.ready() && foreign.closed() === 1008);

    const row = async (rowId: string, permissions: string[]) => {
      const response = await call(server, 'POST', '/tablesdb/db/tables/t/rows', {
        headers: key,
        body: { rowId, data: { title: rowId }, permissions },
      });
      expect(response.status).toBe(201);
    };
    await row('private', []);
    await row('public', ['read("any")']);
    await until(() => own.events.length >= 2);
    await until(() => noMode.events.length >= 1);
    expect(own.events.map((e) => e.payload.$id)).toEqual(['private', 'public']);
    expect(foreign.events).toEqual([]);
    expect(noMode.events.map((e) => e.payload.$id)).toEqual(['public']);
    for (const s of [own, foreign, noMode]) s.ws.close();
  });
});
