import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AppwriteException,
  Client,
  Functions,
  ID,
  Proxy as ProxyRules,
  TablesDB,
  Users,
  Webhooks,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunctionsService } from '../../emulator/core/functions/service.ts';
import { deployFunction, ECHO_FUNCTION, esmFunction } from '../support/function-bundles.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * What starts a function without a createExecution call — events, cron schedules, its domain — and
 * webhooks delivered with Appwrite's headers and signature, all over HTTP.
 */

/** Logs what an event or schedule execution received, as one JSON line. */
const RECORDER = esmFunction(`
export default async ({ req, res, log }) => {
  log(JSON.stringify({
    method: req.method,
    path: req.path,
    trigger: req.headers['x-appwrite-trigger'],
    event: req.headers['x-appwrite-event'],
    userId: req.headers['x-appwrite-user-id'],
    jwt: req.headers['x-appwrite-user-jwt'] !== '',
    contentType: req.headers['content-type'] ?? null,
    bodyText: req.bodyText,
  }));
  return res.empty();
};
`);

/** A GET to the server with another Host header (fetch may not set Host). */
function rawRequest(port: string, host: string, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers: { host } }, (incoming) => {
      let body = '';
      incoming.on('data', (chunk) => {
        body += chunk;
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

let server: LocalServer;
let service: FunctionsService;
let client: Client;

/** The JSON lines the recorder logged, per execution, oldest first. */
async function recorded(functionId: string) {
  await service.idle();
  const list = await new Functions(client).listExecutions({ functionId });
  return list.executions.map((e) => ({
    trigger: e.trigger,
    status: e.status,
    seen: e.logs ? JSON.parse(e.logs) : null,
  }));
}

beforeAll(async () => {
  server = await startLocalServer();
  service = server.app.emulator.functions;
  service.stopClock();
  client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
}, 30_000);
afterAll(async () => server.close());

describe('event triggers', () => {
  test('createRow runs the subscribed function with the Row and the first event name', async () => {
    await deployFunction(client, 'on-row', RECORDER, {
      events: ['databases.*.tables.*.rows.*.create'],
      execute: [],
    });
    await deployFunction(client, 'on-other', RECORDER, { events: ['buckets.*.files.*.create'] });
    const tables = new TablesDB(client);
    await tables.create({ databaseId: 'main', name: 'main' });
    await tables.createTable({ databaseId: 'main', tableId: 'tasks', name: 'tasks' });
    await tables.createStringColumn({
      databaseId: 'main',
      tableId: 'tasks',
      key: 'title',
      size: 64,
      required: true,
    });
    const row = await tables.createRow({
      databaseId: 'main',
      tableId: 'tasks',
      rowId: 'r1',
      data: { title: 'hello' },
    });
    const runs = await recorded('on-row');
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run?.trigger).toBe('event');
    expect(run?.status).toBe('completed');
    expect(run?.seen).toMatchObject({
      method: 'POST',
      path: '/',
      trigger: 'event',
      event: 'tablesdb.main.tables.tasks.rows.r1.create',
      contentType: 'application/json',
    });
    expect(JSON.parse(run?.seen.bodyText)).toMatchObject({ $id: row.$id, title: 'hello' });
    expect(await recorded('on-other')).toHaveLength(0);
  });

  test('a user’s change gives the function the user id and a JWT', async () => {
    await deployFunction(client, 'on-note', RECORDER, {
      events: ['tablesdb.main.tables.notes.rows.*.create'],
    });
    const tables = new TablesDB(client);
    await tables.createTable({
      databaseId: 'main',
      tableId: 'notes',
      name: 'notes',
      permissions: ['create("users")'],
    });
    await tables.createStringColumn({
      databaseId: 'main',
      tableId: 'notes',
      key: 'text',
      size: 64,
      required: false,
    });
    await new Users(client).create({
      userId: 'writer',
      email: 'w@example.com',
      password: 'pw-12345678',
    });
    const session = await new Users(client).createSession({ userId: 'writer' });
    const writer = new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession(session.secret);
    await new TablesDB(writer).createRow({
      databaseId: 'main',
      tableId: 'notes',
      rowId: 'n1',
      data: { text: 'hi' },
    });
    const runs = await recorded('on-note');
    expect(runs.map((r) => [r.seen?.event, r.seen?.userId, r.seen?.jwt])).toEqual([
      ['tablesdb.main.tables.notes.rows.n1.create', 'writer', true],
    ]);
  });

  test('no function may subscribe to execution events (so none can retrigger itself)', async () => {
    const functions = new Functions(client);
    const error = await functions
      .create({
        functionId: 'loop',
        name: 'loop',
        runtime: 'node-22' as never,
        events: ['functions.*.executions.*.create'],
      })
      .catch((e: AppwriteException) => e);
    expect(error).toBeInstanceOf(AppwriteException);
    expect((error as AppwriteException).type).toBe('general_argument_invalid');
  });
});

describe('schedules', () => {
  test('a `* * * * *` function runs once per minute with trigger schedule, POST /, no body', async () => {
    await deployFunction(client, 'cron', RECORDER, { schedule: '* * * * *' });
    const minute = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    service.triggers.tick(new Date(minute + 1_000));
    service.triggers.tick(new Date(minute + 30_000));
    service.triggers.tick(new Date(minute + 61_000));
    const runs = await recorded('cron');
    expect(runs).toHaveLength(2);
    expect(runs[0]?.seen).toMatchObject({
      method: 'POST',
      path: '/',
      trigger: 'schedule',
      event: '',
      userId: '',
      jwt: false,
      bodyText: '',
    });
  });

  test('a schedule that matches another minute does not run', async () => {
    await deployFunction(client, 'monthly', RECORDER, { schedule: '0 0 1 * *' });
    service.triggers.tick(new Date(Date.UTC(2030, 5, 15, 12, 0, 0)));
    expect(await recorded('monthly')).toHaveLength(0);
    service.triggers.tick(new Date(Date.UTC(2030, 6, 1, 0, 0, 5)));
    expect(await recorded('monthly')).toHaveLength(1);
  });
});

describe('function domains', () => {
  test('the raw request reaches the function and its response comes back as it is', async () => {
    await deployFunction(
      client,
      'site',
      esmFunction(`
export default async ({ req, res }) =>
  res.send(JSON.stringify({ method: req.method, path: req.path, query: req.queryString,
    type: req.headers['content-type'], body: req.bodyText, forged: req.headers['x-appwrite-user-id'],
    trigger: req.headers['x-appwrite-trigger'] }), 418, { 'x-answer': 'yes', 'content-type': 'text/x-mine' });
`),
    );
    const response = await fetch(`${server.endpoint}/local/functions/site/a/b?c=1&d=2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/xml', 'x-appwrite-user-id': 'forged' },
      body: '<x>1</x>',
    });
    expect(response.status).toBe(418);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('text/x-mine; charset=utf-8');
    expect(await response.json()).toEqual({
      method: 'PUT',
      path: '/a/b',
      query: 'c=1&d=2',
      type: 'application/xml',
      body: '<x>1</x>',
      forged: '',
      trigger: 'http',
    });
  });

  test('other x-appwrite-* headers (a webhook’s) reach the function; Appwrite’s own cannot be forged', async () => {
    await deployFunction(
      client,
      'hook',
      esmFunction(`
export default async ({ req, res }) => res.json({
  signature: req.headers['x-appwrite-webhook-signature'], webhookId: req.headers['x-appwrite-webhook-id'],
  user: req.headers['x-appwrite-user-id'], jwt: req.headers['x-appwrite-user-jwt'],
  keyForged: req.headers['x-appwrite-key'] === 'forged', trigger: req.headers['x-appwrite-trigger'] });
`),
    );
    const response = await fetch(`${server.endpoint}/local/functions/hook/`, {
      method: 'POST',
      headers: {
        'x-appwrite-webhook-signature': 'c2lnbmF0dXJl',
        'x-appwrite-webhook-id': 'hook-1',
        'x-appwrite-user-id': 'forged',
        'x-appwrite-user-jwt': 'forged',
        'x-appwrite-key': 'forged',
        'x-appwrite-trigger': 'event',
      },
      body: '{}',
    });
    expect(await response.json()).toEqual({
      signature: 'c2lnbmF0dXJl',
      webhookId: 'hook-1',
      user: '',
      jwt: '',
      keyForged: false,
      trigger: 'http',
    });
  });

  test('`<function>.functions.localhost` and a rule’s domain reach the function by Host', async () => {
    await new ProxyRules(client).createFunctionRule({
      domain: 'my-site.functions.localhost',
      functionId: 'site',
    });
    const port = new URL(server.endpoint).port;
    for (const host of ['site.functions.localhost', 'my-site.functions.localhost']) {
      const answer = await rawRequest(port, host, '/deep/path?x=1');
      expect(answer.status).toBe(418);
      expect(JSON.parse(answer.body)).toMatchObject({
        method: 'GET',
        path: '/deep/path',
        query: 'x=1',
      });
    }
    expect((await rawRequest(port, 'nobody.functions.localhost', '/')).status).toBe(404);
  });

  test('an unknown function is 404', async () => {
    const response = await fetch(`${server.endpoint}/local/functions/nobody/`);
    expect(response.status).toBe(404);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  let url: string;
  let answer = 200;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = answer;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?x=1`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  /** What a receiver does: recompute the signature from the URL and raw body. */
  function verified(headers: IncomingHttpHeaders, body: string, secret: string): boolean {
    const signature = headers['x-appwrite-webhook-signature'];
    if (typeof signature !== 'string' || signature === '') return false;
    return (
      createHmac('sha1', secret)
        .update(url + body)
        .digest('base64') === signature
    );
  }

  test('a matching event is delivered with Appwrite’s headers and a valid signature', async () => {
    const webhooks = new Webhooks(client);
    const hook = await webhooks.create({
      webhookId: 'users-hook',
      url,
      name: 'users hook',
      events: ['users.*.create'],
    });
    expect(hook.secret).toMatch(/^[0-9a-f]{128}$/);
    expect((await webhooks.get({ webhookId: 'users-hook' })).secret).toBe('');

    received.length = 0;
    await new Users(client).create({ userId: 'hooked', email: 'hooked@example.com' });
    await service.idle();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    if (!delivery) throw new Error('no delivery');
    expect(JSON.parse(delivery.body)).toMatchObject({ $id: 'hooked', email: 'hooked@example.com' });
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-appwrite-webhook-id']).toBe('users-hook');
    expect(delivery.headers['x-appwrite-webhook-name']).toBe('users hook');
    expect(delivery.headers['x-appwrite-webhook-project-id']).toBe(server.projectId);
    const names = String(delivery.headers['x-appwrite-webhook-events']).split(',');
    expect(names[0]).toBe('users.hooked.create');
    expect(names).toContain('users.*.create');
    expect(delivery.headers['user-agent']).toMatch(/^Appwrite-Server v1\.9\.5\./);
    expect(verified(delivery.headers, delivery.body, hook.secret)).toBe(true);
    // The verifier's own rows: a tampered body, another secret or no signature must fail.
    expect(verified(delivery.headers, `${delivery.body} `, hook.secret)).toBe(false);
    expect(verified(delivery.headers, delivery.body, 'another-secret')).toBe(false);
    const { 'x-appwrite-webhook-signature': _gone, ...unsigned } = delivery.headers;
    expect(verified(unsigned, delivery.body, hook.secret)).toBe(false);
  });

  test('failures count attempts; ten in a row disable the webhook; success resets', async () => {
    const webhooks = new Webhooks(client);
    const users = new Users(client);
    answer = 500;
    await users.create({ userId: ID.unique() });
    await service.idle();
    expect((await webhooks.get({ webhookId: 'users-hook' })).attempts).toBe(1);
    answer = 200;
    await users.create({ userId: ID.unique() });
    await service.idle();
    expect((await webhooks.get({ webhookId: 'users-hook' })).attempts).toBe(0);
    answer = 500;
    for (let i = 0; i < 10; i++) {
      await users.create({ userId: ID.unique() });
      await service.idle();
    }
    const hook = await webhooks.get({ webhookId: 'users-hook' });
    expect([hook.attempts, hook.enabled]).toEqual([10, false]);
    expect(hook.logs).toContain('Status code: 500');
    const before = received.length;
    await users.create({ userId: ID.unique() });
    await service.idle();
    expect(received.length).toBe(before);
    answer = 200;
  });

  test('execution events reach webhooks', async () => {
    const webhooks = new Webhooks(client);
    await webhooks.create({
      webhookId: 'exec-hook',
      url,
      name: 'executions',
      events: ['functions.*.executions.*.create'],
    });
    await deployFunction(client, 'echo', ECHO_FUNCTION);
    received.length = 0;
    const execution = await new Functions(client).createExecution({ functionId: 'echo' });
    await service.idle();
    expect(received.map((r) => JSON.parse(r.body).$id)).toEqual([execution.$id]);
    expect(JSON.parse(received[0]?.body ?? '{}').logs).toBe('log line\n');
  });

  test('function, deployment and variable changes reach webhooks', async () => {
    await new Webhooks(client).create({
      webhookId: 'fn-hook',
      url,
      name: 'functions',
      events: ['functions.*'],
    });
    received.length = 0;
    await deployFunction(client, 'announced', ECHO_FUNCTION);
    await new Functions(client).createVariable({
      functionId: 'announced',
      variableId: 'v',
      key: 'K',
      value: 'v',
    });
    await service.idle();
    const first = received.map((r) => String(r.headers['x-appwrite-webhook-events']).split(',')[0]);
    expect(first.filter((name) => !name?.includes('.executions.'))).toEqual([
      'functions.announced.create',
      expect.stringMatching(/^functions\.announced\.deployments\.\w+\.create$/),
      'functions.announced.variables.v.create',
    ]);
  });
});
