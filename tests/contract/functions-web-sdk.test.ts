import { Account, AppwriteException, Client, ExecutionMethod, Functions, ID } from 'appwrite';
import { Client as ServerClient, Functions as ServerFunctions } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FunctionsService } from '../../emulator/core/functions/service.ts';
import { deployFunction, ECHO_FUNCTION } from '../support/function-bundles.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The web SDK (appwrite 28.0.0) runs functions as a browser would: a signed-in user executes a
 * `users` function with the session the SDK keeps, sees only its own executions and no logs; the
 * 2.3 Execution model (`resourceId`/`resourceType`; web-sdk-26.test.ts keeps 1.9.5's `functionId`). And executions are deleted by keys only, not while running.
 *
 * Node environment with a `window.localStorage` stand-in (what the SDK keeps its session in when the
 * API is on another site): under jsdom the forked function workers' IPC messages arrive as another
 * realm's typed arrays, so the server cannot run functions there.
 */
const saved = new Map<string, string>();
Object.assign(globalThis, {
  window: {
    console,
    localStorage: {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => saved.set(key, String(value)),
      removeItem: (key: string) => saved.delete(key),
    },
  },
});

let server: LocalServer;
let service: FunctionsService;
let web: Functions;
let admin: ServerFunctions;

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return [error.code, error.type];
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startLocalServer();
  service = server.app.emulator.functions;
  service.stopClock();
  const serverClient = new ServerClient()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  admin = new ServerFunctions(serverClient);
  await deployFunction(serverClient, 'members', ECHO_FUNCTION, { execute: ['users'] });
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  web = new Functions(client);
  expect(await failure(web.createExecution({ functionId: 'members' }))).toEqual([
    401,
    'user_unauthorized',
  ]);
  const account = new Account(client);
  const me = await account.create({
    userId: ID.unique(),
    email: 'web@example.com',
    password: 'web-password-1',
  });
  await account.createEmailPasswordSession({ email: me.email, password: 'web-password-1' });
}, 30_000);
afterAll(async () => server.close());

test('a signed-in user executes, sees its execution, and no logs', async () => {
  const execution = await web.createExecution({
    functionId: 'members',
    body: '{"a":1}',
    xpath: '/p?q=1',
    method: ExecutionMethod.PUT,
    headers: { 'content-type': 'application/json' },
  });
  expect(execution).toMatchObject({
    resourceId: 'members',
    resourceType: 'functions',
    status: 'completed',
    logs: '',
  });
  expect(execution).not.toHaveProperty('functionId');
  const seen = JSON.parse(execution.responseBody);
  expect(seen).toMatchObject({ method: 'PUT', path: '/p', query: { q: '1' }, bodyText: '{"a":1}' });
  expect(seen.headers['x-appwrite-user-jwt']).not.toBe('');
  const list = await web.listExecutions({ functionId: 'members' });
  expect(list.executions.map((e) => e.$id)).toEqual([execution.$id]);
  expect(list.executions[0]?.logs).toBe('');
  const got = await web.getExecution({ functionId: 'members', executionId: execution.$id });
  expect(got.responseBody).toBe('');
});

test('async from the browser: 202 waiting, completed later', async () => {
  const queued = await web.createExecution({ functionId: 'members', async: true });
  expect(queued.status).toBe('waiting');
  await service.idle();
  const done = await web.getExecution({ functionId: 'members', executionId: queued.$id });
  expect(done.status).toBe('completed');
});

test('deleting executions: users may not; keys may, not while one runs', async () => {
  const [first] = (await web.listExecutions({ functionId: 'members' })).executions;
  if (!first) throw new Error('no execution');
  const denied = await fetch(`${server.endpoint}/functions/members/executions/${first.$id}`, {
    method: 'DELETE',
    headers: {
      'x-appwrite-project': server.projectId,
      'x-fallback-cookies': saved.get('cookieFallback') ?? '',
    },
  });
  expect(denied.status).toBe(401);
  const queued = await admin.createExecution({
    functionId: 'members',
    async: true,
    xpath: '/sleep?ms=300',
  });
  const running = await admin
    .deleteExecution({ functionId: 'members', executionId: queued.$id })
    .catch((e: { type: string }) => e.type);
  expect(running).toBe('execution_in_progress');
  await service.idle();
  await admin.deleteExecution({ functionId: 'members', executionId: first.$id });
  const left = await admin.listExecutions({ functionId: 'members' });
  expect(left.executions.map((e) => e.$id)).not.toContain(first.$id);
});
