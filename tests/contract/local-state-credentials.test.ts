import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, ID, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleCookie } from '../support/console-session.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * `GET /v1/local/credentials`: the API key of the data folder's `credentials.json`, for the console's
 * Overview — only to the signed-in console from its own origin (or none), and only while the key
 * opens this project.
 */

let server: LocalServer;
let cookie: string;
let credentialsFile: string;

beforeAll(async () => {
  server = await startLocalServer('credentials-test');
  cookie = await consoleCookie(server);
  credentialsFile = join(server.app.emulator.dataDir as string, 'credentials.json');
  // What main.ts writes at start.
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      endpoint: server.endpoint,
      projectId: server.projectId,
      apiKey: server.apiKey,
      consoleEmail: 'console@localhost',
      consolePassword: 'not-answered',
    }),
  );
});

afterAll(async () => {
  await server.close();
});

describe('GET /v1/local/credentials', () => {
  test('the console gets the key, and it opens the project', async () => {
    const answer = await call(server, 'GET', '/local/credentials', { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ projectId: server.projectId, apiKey: server.apiKey });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const own = new URL(server.endpoint).origin;
    const fromPage = await call(server, 'GET', '/local/credentials', {
      headers: { cookie, origin: own, 'x-appwrite-mode': 'admin' },
    });
    expect(fromPage.status).toBe(200);
  });

  test('a guest, a key and a user get 401 general_unauthorized_scope', async () => {
    const users = new Users(
      new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
    );
    const user = await users.create({
      userId: ID.unique(),
      email: 'someone@example.com',
      password: 'a-long-password-1',
    });
    const session = await users.createSession({ userId: user.$id });
    const callers: Record<string, string>[] = [
      {},
      { 'x-appwrite-key': server.apiKey },
      { 'x-appwrite-session': session.secret },
      { cookie: `a_session_${server.projectId}=${session.secret}` },
    ];
    for (const headers of callers) {
      const answer = await call(server, 'GET', '/local/credentials', { headers });
      expect([answer.status, answer.json.type]).toEqual([401, 'general_unauthorized_scope']);
      expect(JSON.stringify(answer.json)).not.toContain(server.apiKey);
    }
  });

  test('the console cookie from a foreign origin: 403 general_unknown_origin', async () => {
    const answer = await call(server, 'GET', '/local/credentials', {
      headers: { cookie, origin: 'http://127.0.0.1:5173' },
    });
    expect([answer.status, answer.json.type]).toEqual([403, 'general_unknown_origin']);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(JSON.stringify(answer.json)).not.toContain(server.apiKey);
  });

  test("another project's file, a key the server does not know, or no file: 404 key_not_found", async () => {
    for (const saved of [
      { projectId: 'another', apiKey: server.apiKey },
      { projectId: server.projectId, apiKey: 'standard_not-a-key-of-this-server' },
    ]) {
      writeFileSync(credentialsFile, JSON.stringify(saved));
      const answer = await call(server, 'GET', '/local/credentials', { headers: { cookie } });
      expect([answer.status, answer.json.type]).toEqual([404, 'key_not_found']);
    }
    rmSync(credentialsFile);
    const answer = await call(server, 'GET', '/local/credentials', { headers: { cookie } });
    expect([answer.status, answer.json.type]).toEqual([404, 'key_not_found']);
  });
});
