import { Client } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../emulator/app.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Server basics every service relies on: the /v1 prefix, the project header, the error body, scopes
 * of keys and guests, CORS, and the health routes appwrite-cli and node-appwrite call.
 */

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());

const ERROR_KEYS = ['code', 'message', 'type', 'version'];

interface Scenario {
  name: string;
  method?: string;
  path: string;
  headers?: () => Record<string, string>;
  body?: unknown;
  project?: boolean;
  status: number;
  type?: string;
  contains?: string[];
  absent?: string[];
}

const scenarios: Scenario[] = [
  {
    name: 'anyone reads the version without a project (appwrite-cli asks first)',
    path: '/health/version',
    project: false,
    status: 200,
    contains: ['"version":"1.9.5"'],
  },
  {
    name: 'guest cannot read health → 401 general_unauthorized_scope',
    path: '/health',
    status: 401,
    type: 'general_unauthorized_scope',
  },
  {
    name: 'full key reads health',
    path: '/health',
    headers: () => ({ 'x-appwrite-key': server.apiKey }),
    status: 200,
    contains: ['"status":"pass"'],
  },
  {
    name: 'any key holds health.read (Appwrite gives it to every key)',
    path: '/health',
    headers: () => ({ 'x-appwrite-key': server.keyWith([]) }),
    status: 200,
  },
  {
    name: 'key lacking users.read → 401 general_unauthorized_scope',
    path: '/users',
    headers: () => ({ 'x-appwrite-key': server.keyWith(['users.write']) }),
    status: 401,
    type: 'general_unauthorized_scope',
  },
  {
    name: 'unknown key is a guest → 401 general_unauthorized_scope, the key is not echoed',
    path: '/users',
    headers: () => ({ 'x-appwrite-key': 'standard_not-a-real-key-0123456789' }),
    status: 401,
    type: 'general_unauthorized_scope',
    absent: ['not-a-real-key'],
  },
  {
    name: 'ping answers Pong!',
    path: '/ping',
    status: 200,
    contains: ['Pong!'],
  },
  {
    name: 'missing X-Appwrite-Project → 403 project_id_missing',
    path: '/account',
    project: false,
    status: 403,
    type: 'project_id_missing',
  },
  {
    name: 'unknown project → 404 project_not_found',
    path: '/account',
    headers: () => ({ 'x-appwrite-project': 'someone-else' }),
    status: 404,
    type: 'project_not_found',
  },
  {
    name: 'unknown route → 404 general_route_not_found',
    path: '/no/such/route',
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'path without /v1 → 404 general_route_not_found',
    path: '/../health/version',
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'malformed JSON → 400 general_argument_invalid',
    method: 'POST',
    path: '/account',
    body: '{"userId": ',
    status: 400,
    type: 'general_argument_invalid',
  },
  {
    name: 'unknown route with a malformed body is still 404 general_route_not_found',
    method: 'POST',
    path: '/no/such/route',
    body: '{"broken',
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'missing parameter → 400 general_argument_invalid naming it',
    method: 'POST',
    path: '/account',
    body: {},
    status: 400,
    type: 'general_argument_invalid',
    contains: ['userId'],
  },
];

describe('server basics', () => {
  it.each(scenarios)('$name', async (s) => {
    const response = await call(server, s.method ?? 'GET', s.path, {
      headers: s.headers?.(),
      body: s.body,
      project: s.project,
    });
    expect(response.status).toBe(s.status);
    if (s.type) {
      expect(Object.keys(response.json).sort()).toEqual(ERROR_KEYS);
      expect(response.json).toMatchObject({ code: s.status, type: s.type, version: '1.9.5' });
      expect(response.headers.get('cache-control')).toContain('no-store');
    }
    for (const text of s.contains ?? []) expect(response.text).toContain(text);
    for (const text of s.absent ?? []) expect(response.text).not.toContain(text);
  });

  it("node-appwrite's client.ping() gets Pong!", async () => {
    const client = new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setKey(server.apiKey);
    await expect(client.ping()).resolves.toMatchObject({ message: 'Pong!' });
  });

  it('queries[N] bracket parameters arrive as an array', async () => {
    const response = await call(
      server,
      'GET',
      `/users?queries[0]=${encodeURIComponent('{"method":"limit","values":[1]}')}&queries[1]=${encodeURIComponent('{"method":"offset","values":[0]}')}`,
      { headers: { 'x-appwrite-key': server.apiKey } },
    );
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ total: 0, users: [] });
  });
});

describe('an unexpected failure', () => {
  it('is 500 general_unknown without message, stack or SQL', async () => {
    const seen: unknown[] = [];
    const app = await buildApp({
      projectId: 'p',
      onInternalError: (error) => seen.push(error),
      extraServices: [
        (v1) => {
          v1.get('/boom', async () => {
            throw new Error('SELECT secret FROM auth_users -- at /srv/emulator/core/users.ts:12');
          });
        },
      ],
    });
    const response = await app.inject({ url: '/v1/boom', headers: { 'x-appwrite-project': 'p' } });
    await app.close();
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 500, type: 'general_unknown', version: '1.9.5' });
    for (const leak of ['SELECT', 'auth_users', 'users.ts', 'stack']) {
      expect(response.body).not.toContain(leak);
    }
    expect(seen).toHaveLength(1);
  });
});

describe('CORS, as Appwrite answers a browser on another origin', () => {
  const origin = 'http://localhost:5173';

  it('answers a preflight with the allowed methods and headers', async () => {
    const response = await fetch(`${server.endpoint}/account/sessions/email`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-appwrite-project,x-fallback-cookies',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const name of [
      'X-Appwrite-Project',
      'X-Fallback-Cookies',
      'X-Appwrite-JWT',
      'Content-Type',
    ]) {
      expect(allowed).toContain(name);
    }
  });

  it('echoes the origin (never *) and exposes the session headers on answers and errors', async () => {
    for (const path of ['/health/version', '/account']) {
      const response = await call(server, 'GET', path, { headers: { origin } });
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-expose-headers')).toContain('X-Fallback-Cookies');
    }
  });

  it('sends no CORS headers without an Origin', async () => {
    const response = await call(server, 'GET', '/health/version');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
