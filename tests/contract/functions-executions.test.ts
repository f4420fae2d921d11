import { AppwriteException, Client, Functions, type Models, Project, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { FunctionsService } from '../../emulator/core/functions/service.ts';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { WorkerProcess } from '../../emulator/runtime/worker-process.ts';
import { deployFunction, ECHO_FUNCTION } from '../support/function-bundles.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Executions over HTTP with the real node-appwrite: who may execute (guest / user / `label:admin` user
 * / API key × the function's `execute` roles), the headers and environment the function receives,
 * the per-execution key and user JWT working against this server, sync / async / scheduled
 * executions, timeouts, and who sees logs.
 */

type Caller = 'guest' | 'user' | 'admin' | 'key';

let server: LocalServer;
let service: FunctionsService;
let keyClient: Client;
const clients = {} as Record<Caller, Client>;
const userIds = {} as Record<Caller, string>;
const events: AppwriteEvent[] = [];

async function signedIn(userId: string, labels: string[]): Promise<Client> {
  const users = new Users(keyClient);
  await users.create({ userId, email: `${userId}@example.com`, password: 'password-1234' });
  if (labels.length > 0) await users.updateLabels({ userId, labels });
  const session = await users.createSession({ userId });
  return new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setSession(session.secret);
}

/** Runs `work` and returns the AppwriteException it throws (fails when it does not throw). */
async function refusal(work: () => Promise<unknown>): Promise<AppwriteException> {
  try {
    await work();
  } catch (error) {
    if (error instanceof AppwriteException) return error;
    throw error;
  }
  throw new Error('expected an AppwriteException');
}

function parsed(execution: Models.Execution) {
  return JSON.parse(execution.responseBody) as {
    path: string;
    headers: Record<string, string>;
    env: Record<string, string>;
    bodyText: string;
    status?: number;
    body?: Record<string, unknown>;
  };
}

beforeAll(async () => {
  server = await startLocalServer();
  service = server.app.emulator.functions;
  service.stopClock();
  server.app.emulator.events.subscribe((event) => {
    if (event.pattern.startsWith('functions.')) events.push(event);
  });
  keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  clients.key = keyClient;
  clients.guest = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  clients.user = await signedIn('plain-user', []);
  clients.admin = await signedIn('admin-user', ['admin']);
  userIds.guest = '';
  userIds.key = '';
  userIds.user = 'plain-user';
  userIds.admin = 'admin-user';
  await deployFunction(keyClient, 'roles-any', ECHO_FUNCTION, { execute: ['any'] });
  await deployFunction(keyClient, 'roles-users', ECHO_FUNCTION, { execute: ['users'] });
  await deployFunction(keyClient, 'roles-admin', ECHO_FUNCTION, { execute: ['label:admin'] });
  await deployFunction(keyClient, 'roles-none', ECHO_FUNCTION, { execute: [] });
}, 30_000);
afterAll(async () => server.close());

describe('who may execute: caller × execute roles', () => {
  const allowed: Record<string, Caller[]> = {
    'roles-any': ['guest', 'user', 'admin', 'key'],
    'roles-users': ['user', 'admin', 'key'],
    'roles-admin': ['admin', 'key'],
    'roles-none': ['key'],
  };
  const rows = Object.entries(allowed).flatMap(([functionId, callers]) =>
    (['guest', 'user', 'admin', 'key'] as Caller[]).map((caller) => ({
      functionId,
      caller,
      ok: callers.includes(caller),
    })),
  );
  test.each(rows)('$caller → $functionId: allowed $ok', async ({ functionId, caller, ok }) => {
    const functions = new Functions(clients[caller]);
    const run = () => functions.createExecution({ functionId, body: 'secret-input' });
    if (!ok) {
      const error = await refusal(run);
      expect([error.code, error.type]).toEqual([401, 'user_unauthorized']);
      expect(error.response).not.toContain('secret-input');
      return;
    }
    const execution = await run();
    expect(execution.status).toBe('completed');
    const seen = parsed(execution);
    expect(seen.bodyText).toBe('secret-input');
    expect(seen.headers['x-appwrite-user-id']).toBe(userIds[caller]);
    expect(seen.headers['x-appwrite-trigger']).toBe('http');
    // Only a signed-in caller gets a JWT; everyone gets a key.
    expect(seen.headers['x-appwrite-user-jwt'] !== '').toBe(
      caller === 'user' || caller === 'admin',
    );
    // Appwrite's shape: `ephemeral_<JWT>` (Workers/Functions.php, Executions/Create.php).
    expect(seen.headers['x-appwrite-key']).toMatch(/^ephemeral_[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(execution.$permissions).toEqual(
      userIds[caller] ? [`read("user:${userIds[caller]}")`] : [],
    );
  });
});

describe('headers Appwrite sets are not the caller’s', () => {
  const refused: [string, Record<string, string>][] = [
    ['forged x-appwrite-user-id', { 'x-appwrite-user-id': 'admin-user' }],
    ['forged, other case', { 'X-Appwrite-User-Id': 'admin-user' }],
    ['forged x-appwrite-key', { 'x-appwrite-key': 'standard_x' }],
    ['underscore in a name', { bad_name: '1' }],
    ['hyphen at the end', { 'bad-': '1' }],
    ['101 names', Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, '1']))],
    ['16 KB in all', { big: 'x'.repeat(16_381) }],
  ];
  test.each(refused)('%s → 400 general_argument_invalid', async (_name, headers) => {
    const functions = new Functions(clients.user);
    const error = await refusal(() =>
      functions.createExecution({ functionId: 'roles-any', headers }),
    );
    expect([error.code, error.type]).toEqual([400, 'general_argument_invalid']);
  });

  test('a plain header reaches the function; Appwrite’s headers are the real ones', async () => {
    const functions = new Functions(clients.user);
    const execution = await functions.createExecution({
      functionId: 'roles-any',
      headers: { 'X-Custom-Thing': 'yes', 'content-type': 'text/plain' },
    });
    const seen = parsed(execution);
    expect(seen.headers['x-custom-thing']).toBe('yes');
    expect(seen.headers['x-appwrite-user-id']).toBe('plain-user');
    expect(seen.headers['x-appwrite-execution-id']).toBe(execution.$id);
    expect(seen.headers['x-appwrite-client-ip']).toBe('127.0.0.1');
    expect(seen.headers['x-appwrite-continent-eu']).toBe('false');
    expect(execution.requestHeaders).toContainEqual({ name: 'content-type', value: 'text/plain' });
    expect(execution.requestHeaders.map((h) => h.name)).not.toContain('x-custom-thing');
  });
});

describe('the per-execution key and the user JWT work against this server', () => {
  beforeAll(async () => {
    await deployFunction(keyClient, 'scoped', ECHO_FUNCTION, {
      execute: ['users'],
      scopes: ['users.read'],
    });
  });
  const rows: [string, string, 'key' | 'jwt', number, string][] = [
    ['the key holds users.read', '/users', 'key', 200, 'users'],
    ['the key lacks buckets.read', '/storage/buckets', 'key', 401, 'general_unauthorized_scope'],
    ['the key lacks functions.read', '/functions', 'key', 401, 'general_unauthorized_scope'],
    ['the JWT is the caller', '/account', 'jwt', 200, 'plain-user'],
  ];
  test.each(rows)('%s', async (_name, path, auth, status, marker) => {
    const functions = new Functions(clients.user);
    const execution = await functions.createExecution({
      functionId: 'scoped',
      xpath: '/call',
      body: JSON.stringify({ path, auth }),
    });
    const seen = parsed(execution);
    expect(seen.status).toBe(status);
    expect(JSON.stringify(seen.body)).toContain(marker);
  });

  /** A key the `scoped` function got, and its JWT's claims. */
  async function executionKey() {
    const functions = new Functions(clients.key);
    const execution = await functions.createExecution({ functionId: 'scoped' });
    const key = parsed(execution).headers['x-appwrite-key'] as string;
    const [head = '', body = '', signature = ''] = key.slice('ephemeral_'.length).split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return { key, head, body, signature, claims, createdAt: execution.$createdAt };
  }
  const usersWith = (key: string) =>
    call(server, 'GET', '/users', { headers: { 'x-appwrite-key': key } });

  test('the key is signed, not stored: {projectId, scopes}, no key row per execution', async () => {
    const db = server.app.emulator.db;
    const count = () =>
      (db.prepare('SELECT count(*) AS n FROM auth_keys').get() as { n: number }).n;
    const before = count();
    const { key, claims } = await executionKey();
    expect(count()).toBe(before);
    expect(claims).toMatchObject({ projectId: server.projectId, scopes: ['users.read'] });
    expect((await usersWith(key)).status).toBe(200);
  });

  test('the key expires with the execution (timeout + 60 s): refused after, fail closed', async () => {
    const { key, claims, createdAt } = await executionKey();
    expect(claims.exp - claims.iat).toBe(15 + 60);
    expect(Math.abs(claims.iat * 1000 - Date.parse(createdAt))).toBeLessThan(2000);
    const realNow = Date.now.bind(Date);
    const at = (offset: number) => {
      const now = claims.iat * 1000 + offset;
      return vi.spyOn(Date, 'now').mockImplementation(() => now);
    };
    try {
      at(74_000);
      expect((await usersWith(key)).status).toBe(200);
      at(75_000);
      const expired = await usersWith(key);
      expect([expired.status, expired.json.type]).toEqual([401, 'project_key_expired']);
      at(10 * 24 * 3600_000);
      expect((await usersWith(key)).json.type).toBe('project_key_expired');
    } finally {
      vi.restoreAllMocks();
    }
    expect(Date.now()).toBeGreaterThanOrEqual(realNow() - 1000);
    expect((await usersWith(key)).status).toBe(200);
  });

  test('a tampered or forged key is a guest (no scope), as an unknown key is', async () => {
    const { head, body, signature, claims } = await executionKey();
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const longer = encode({ ...claims, exp: claims.exp + 86_400 });
    const wider = encode({ ...claims, scopes: [...claims.scopes, 'buckets.read'] });
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const none = encode({ alg: 'none', typ: 'JWT' });
    const userJwt = server.app.emulator.identity.jwt.issue('plain-user', '', 60);
    for (const forged of [
      `ephemeral_${head}.${longer}.${signature}`,
      `ephemeral_${head}.${wider}.${signature}`,
      `ephemeral_${head}.${body}.${flipped}`,
      `ephemeral_${head}.${body}.`,
      `ephemeral_${none}.${body}.`,
      `ephemeral_${head}.${body}`,
      `ephemeral_${userJwt}`,
      `standard_${head}.${body}.${signature}`,
    ]) {
      const response = await usersWith(forged);
      expect([forged, response.status, response.json.type]).toEqual([
        forged,
        401,
        'general_unauthorized_scope',
      ]);
    }
    const buckets = await call(server, 'GET', '/storage/buckets', {
      headers: { 'x-appwrite-key': `ephemeral_${head}.${wider}.${signature}` },
    });
    expect(buckets.status).toBe(401);
  });

  test('a key signed for another project is a guest', async () => {
    const { claims } = await executionKey();
    const other = server.app.emulator.identity.keys.ephemeral('other-project', claims.scopes, 75);
    const response = await usersWith(other);
    expect([response.status, response.json.type]).toEqual([401, 'general_unauthorized_scope']);
  });
});

describe('environment', () => {
  test('the API endpoint a function is given is read from the socket once, not per execution', async () => {
    const functions = new Functions(keyClient);
    await functions.createExecution({ functionId: 'roles-any' });
    const address = vi.spyOn(server.app.server, 'address');
    try {
      for (let i = 0; i < 2; i++) {
        const execution = await functions.createExecution({ functionId: 'roles-any' });
        expect(parsed(execution).env.APPWRITE_FUNCTION_API_ENDPOINT).toBe(server.endpoint);
      }
      expect(address).not.toHaveBeenCalled();
    } finally {
      address.mockRestore();
    }
  });

  test('function variables override project variables; Appwrite’s override both', async () => {
    const project = new Project(keyClient);
    const functions = new Functions(keyClient);
    await deployFunction(keyClient, 'env', ECHO_FUNCTION);
    await project.createVariable({ variableId: 'pa', key: 'MY_A', value: 'project' });
    await project.createVariable({ variableId: 'pb', key: 'MY_B', value: 'project-only' });
    await functions.createVariable({
      functionId: 'env',
      variableId: 'fa',
      key: 'MY_A',
      value: 'function',
    });
    await functions.createVariable({
      functionId: 'env',
      variableId: 'fb',
      key: 'APPWRITE_FUNCTION_ID',
      value: 'spoofed',
      secret: true,
    });
    const execution = await functions.createExecution({ functionId: 'env' });
    const { env } = parsed(execution);
    expect(env.MY_A).toBe('function');
    expect(env.MY_B).toBe('project-only');
    expect(env.APPWRITE_FUNCTION_ID).toBe('env');
    expect(env.APPWRITE_FUNCTION_PROJECT_ID).toBe(server.projectId);
    expect(env.APPWRITE_FUNCTION_API_ENDPOINT).toBe(server.endpoint);
    expect(env.APPWRITE_FUNCTION_RUNTIME_NAME).toBe('Node.js');
    expect(env.APPWRITE_FUNCTION_RUNTIME_VERSION).toBe('22');
    expect(env.APPWRITE_FUNCTION_MEMORY).toBe('512');
    expect(env.APPWRITE_VERSION).toBe('1.9.5');
    const variables = await functions.listVariables({ functionId: 'env' });
    const secret = variables.variables.find((v) => v.key === 'APPWRITE_FUNCTION_ID');
    expect(secret?.value).toBe('');
  });

  test('each write reaches the next execution: project and function variables, the function', async () => {
    const project = new Project(keyClient);
    const functions = new Functions(keyClient);
    await deployFunction(keyClient, 'env-writes', ECHO_FUNCTION);
    const env = async () =>
      parsed(await functions.createExecution({ functionId: 'env-writes' })).env;
    expect((await env()).MY_C).toBeUndefined();
    await project.createVariable({ variableId: 'pc', key: 'MY_C', value: 'one' });
    expect((await env()).MY_C).toBe('one');
    await project.updateVariable({ variableId: 'pc', key: 'MY_C', value: 'two' });
    expect((await env()).MY_C).toBe('two');
    await functions.createVariable({
      functionId: 'env-writes',
      variableId: 'fc',
      key: 'MY_C',
      value: 'own',
    });
    expect((await env()).MY_C).toBe('own');
    await functions.deleteVariable({ functionId: 'env-writes', variableId: 'fc' });
    expect((await env()).MY_C).toBe('two');
    await project.deleteVariable({ variableId: 'pc' });
    expect((await env()).MY_C).toBeUndefined();
    await functions.update({ functionId: 'env-writes', name: 'renamed' });
    expect((await env()).APPWRITE_FUNCTION_NAME).toBe('renamed');
  });
});

/** An API key's principal, as the executor is handed it. */
const BY_KEY = { kind: 'key' as const, keyId: 'test', scopes: new Set<string>() };

/** A sync `GET /` of an admitted function by `BY_KEY`, as the executions route hands it over. */
function runByKey({ fn, deployment }: ReturnType<FunctionsService['executor']['admit']>) {
  return service.executor.create(
    {
      fn,
      principal: BY_KEY,
      body: Buffer.alloc(0),
      async: false,
      path: '/',
      method: 'GET',
      headers: {},
      scheduledAt: null,
      clientIp: '127.0.0.1',
    },
    deployment,
  );
}

describe('sync, async and scheduled', () => {
  test('async: 202 waiting, then completed; logs only for keys', async () => {
    const functions = new Functions(clients.user);
    const queued = await functions.createExecution({ functionId: 'roles-users', async: true });
    expect(queued.status).toBe('waiting');
    expect(queued.responseBody).toBe('');
    await service.idle();
    const asUser = await functions.getExecution({
      functionId: 'roles-users',
      executionId: queued.$id,
    });
    expect(asUser.status).toBe('completed');
    expect(asUser.responseStatusCode).toBe(200);
    expect([asUser.logs, asUser.errors]).toEqual(['', '']);
    const asKey = await new Functions(keyClient).getExecution({
      functionId: 'roles-users',
      executionId: queued.$id,
    });
    expect(asKey.logs).toBe('log line\n');
    expect(asKey.errors).toBe('error line\n');
    const seen = events.filter((e) => e.params.executionId === queued.$id).map((e) => e.pattern);
    expect(seen).toEqual([
      'functions.[functionId].executions.[executionId].create',
      'functions.[functionId].executions.[executionId].update',
    ]);
  });

  test('sync: the stored execution is there when it answers; its event follows the answer', async () => {
    const outcome = await runByKey(service.executor.admit('roles-any', BY_KEY));
    if ('status' in outcome) throw new Error('expected a sync outcome');
    const id = outcome.doc.$id;
    const patterns = () => events.filter((e) => e.params.executionId === id).map((e) => e.pattern);
    expect(service.executions.find(id)?.status).toBe('completed');
    // Appwrite publishes from its shutdown hook, after the response: not yet…
    expect(patterns()).toEqual([]);
    // …but before the server reads another request.
    await new Promise((resolve) => setImmediate(resolve));
    expect(patterns()).toEqual(['functions.[functionId].executions.[executionId].create']);
  });

  test('sync: the request goes to the worker before the execution record is built', async () => {
    const admitted = service.executor.admit('roles-any', BY_KEY);
    const order: string[] = [];
    const run = WorkerProcess.prototype.run;
    const toISOString = Date.prototype.toISOString;
    const sent = vi.spyOn(WorkerProcess.prototype, 'run').mockImplementation(function (
      this: WorkerProcess,
      ...args
    ) {
      order.push('sent');
      return run.apply(this, args);
    });
    // The record's first act is to stamp `$createdAt`.
    const stamped = vi.spyOn(Date.prototype, 'toISOString').mockImplementation(function (
      this: Date,
    ) {
      order.push('stamped');
      return toISOString.call(this);
    });
    try {
      await runByKey(admitted);
    } finally {
      sent.mockRestore();
      stamped.mockRestore();
    }
    expect(order.slice(0, 2)).toEqual(['sent', 'stamped']);
  });

  test('executing again reads the function and its deployment again only after a write', async () => {
    await deployFunction(keyClient, 'kept', ECHO_FUNCTION, { execute: ['any'] });
    const key = { kind: 'key' as const, keyId: 'test', scopes: new Set<string>() };
    const find = vi.spyOn(service.functions, 'find');
    const get = vi.spyOn(service.deployments, 'get');
    try {
      const first = service.executor.admit('kept', key);
      const again = service.executor.admit('kept', key);
      expect(again).toEqual(first);
      expect([find.mock.calls.length, get.mock.calls.length]).toEqual([1, 1]);
      // Kept documents are frozen: no reader can change what the next execution sees.
      expect(Object.isFrozen(first.fn) && Object.isFrozen(first.fn.execute)).toBe(true);

      // A write to the function is seen at once: disabled, it is gone for users.
      await new Functions(keyClient).update({ functionId: 'kept', name: 'kept', enabled: false });
      const refused = await refusal(() =>
        new Functions(clients.user).createExecution({ functionId: 'kept' }),
      );
      expect(refused.type).toBe('function_not_found');
      expect(find.mock.calls.length).toBe(2);
    } finally {
      find.mockRestore();
      get.mockRestore();
    }
  });

  test('a caller lists only the executions it started', async () => {
    const mine = await new Functions(clients.user).listExecutions({ functionId: 'roles-any' });
    expect(mine.executions.length).toBeGreaterThan(0);
    expect(mine.executions.every((e) => e.$permissions[0] === 'read("user:plain-user")')).toBe(
      true,
    );
    // Guests may start executions but not read them (Appwrite's guest role lacks executions.read).
    const guest = await refusal(() =>
      new Functions(clients.guest).listExecutions({ functionId: 'roles-any' }),
    );
    expect([guest.code, guest.type]).toEqual([401, 'general_unauthorized_scope']);
    const all = await new Functions(keyClient).listExecutions({ functionId: 'roles-any' });
    expect(all.total).toBeGreaterThan(mine.total);
  });

  test('scheduled: status scheduled, runs when its minute comes', async () => {
    const functions = new Functions(clients.user);
    const at = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 120_000);
    const scheduled = await functions.createExecution({
      functionId: 'roles-users',
      async: true,
      scheduledAt: at.toISOString(),
    });
    expect([scheduled.status, scheduled.trigger]).toEqual(['scheduled', 'schedule']);
    service.triggers.tick(new Date(at.getTime() - 30_000));
    await service.idle();
    const early = await functions.getExecution({
      functionId: 'roles-users',
      executionId: scheduled.$id,
    });
    expect(early.status).toBe('scheduled');
    service.triggers.tick(new Date(at.getTime() + 1_000));
    await service.idle();
    const done = await functions.getExecution({
      functionId: 'roles-users',
      executionId: scheduled.$id,
    });
    expect([done.status, done.trigger, done.responseStatusCode]).toEqual([
      'completed',
      'schedule',
      200,
    ]);
  });

  const badSchedules: [string, Record<string, unknown>][] = [
    ['scheduledAt without async', { async: false, scheduledAt: '2099-01-01T00:00:00.000Z' }],
    ['in the past', { async: true, scheduledAt: '2020-01-01T00:00:00.000Z' }],
    ['seconds', { async: true, scheduledAt: '2099-01-01T00:00:30.000Z' }],
    ['not a date', { async: true, scheduledAt: 'tomorrow' }],
  ];
  test.each(badSchedules)('%s → 400 general_bad_request', async (_name, body) => {
    const response = await call(server, 'POST', '/functions/roles-any/executions', {
      headers: { 'x-appwrite-key': server.apiKey },
      body,
    });
    expect([response.status, response.json.type]).toEqual([400, 'general_bad_request']);
  });
});

describe('timeouts and failures', () => {
  test('past the function timeout: failed, 500, "Execution timed out."', async () => {
    await deployFunction(keyClient, 'slow', ECHO_FUNCTION, { timeout: 1 });
    const execution = await new Functions(keyClient).createExecution({
      functionId: 'slow',
      xpath: '/forever',
    });
    expect([execution.status, execution.responseStatusCode]).toEqual(['failed', 500]);
    expect(execution.errors).toContain('Execution timed out.');
  });

  test('a sync execution past the sync limit → 408 function_synchronous_timeout', async () => {
    await deployFunction(keyClient, 'sleepy', ECHO_FUNCTION, { timeout: 20 });
    service.executor.setSyncTimeout(1);
    try {
      const error = await refusal(() =>
        new Functions(keyClient).createExecution({ functionId: 'sleepy', xpath: '/sleep?ms=3000' }),
      );
      expect([error.code, error.type]).toEqual([408, 'function_synchronous_timeout']);
    } finally {
      service.executor.setSyncTimeout(30);
    }
    const list = await new Functions(keyClient).listExecutions({ functionId: 'sleepy' });
    expect(list.executions.at(-1)?.status).toBe('failed');
  });

  test('a function timing out before the sync limit sets no sync-limit timer (its own timeout ends the run)', async () => {
    await deployFunction(keyClient, 'brief', ECHO_FUNCTION, { timeout: 5 });
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    try {
      const execution = await new Functions(keyClient).createExecution({ functionId: 'brief' });
      expect(execution.status).toBe('completed');
      const delays = setTimer.mock.calls.map(([, ms]) => ms);
      expect(delays).toContain(5_000); // the function's own timeout, in the runner
      expect(delays).not.toContain(30_000);
    } finally {
      setTimer.mockRestore();
    }
  });

  test('no deployment → 404 deployment_not_found; disabled → 404 for users, runs for keys', async () => {
    const functions = new Functions(keyClient);
    await functions.create({
      functionId: 'empty',
      name: 'empty',
      runtime: 'node-22' as never,
      execute: ['any'],
    });
    const none = await refusal(() =>
      new Functions(clients.user).createExecution({ functionId: 'empty' }),
    );
    expect([none.code, none.type]).toEqual([404, 'deployment_not_found']);

    await deployFunction(keyClient, 'off', ECHO_FUNCTION, { enabled: false });
    const off = await refusal(() =>
      new Functions(clients.user).createExecution({ functionId: 'off' }),
    );
    expect([off.code, off.type]).toEqual([404, 'function_not_found']);
    const byKey = await functions.createExecution({ functionId: 'off' });
    expect(byKey.status).toBe('completed');
  });

  test('executions of an unknown function → 404 function_not_found', async () => {
    const error = await refusal(() =>
      new Functions(clients.guest).createExecution({ functionId: 'nope' }),
    );
    expect([error.code, error.type]).toEqual([404, 'function_not_found']);
  });
});
