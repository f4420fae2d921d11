import { Client, Databases, Functions, Query, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deployFunction, ECHO_FUNCTION } from '../support/function-bundles.ts';
import { type ModelType, misfits, type Sdk, sdkModel } from '../support/sdk-model-types.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * One server, every response format its callers send (emulator/FORMATS.md): each model that differs
 * between formats is asked for in each format and checked, field by field, against the model type
 * of the SDK that sends that format, read from the SDK's own `.d.ts` (tests/support/sdk-model-types.ts):
 *
 *   no header, 1.9.5 → node-appwrite 27.1.0 and web 26.2.0   2.0.0 → web 27.0.0   2.3.0 → web 28.0.0
 *   1.8.0 (appwrite-cli 12, which has no types) → node-appwrite's type through Appwrite's filters
 *   V21–V26 (SRV src/Appwrite/Utopia/Response/Filters/), the step named in each test.
 *
 * Models the web SDKs do not declare (Function, Webhook, Project, MockNumber) are checked against
 * node-appwrite's in every format from 1.9.5 on: no published filter changes them after 1.9.5.
 * Then the request filters: appwrite-cli 12's parameters become the ones the route reads.
 */

let server: LocalServer;
let key: Record<string, string>;
const db = 'main';

/** The formats a model is asked in, and which SDK's type each must fit. */
const FORMATS: { format: string | null; sdks: Sdk[] }[] = [
  { format: null, sdks: ['node-appwrite', 'appwrite26'] },
  { format: '1.9.5', sdks: ['node-appwrite', 'appwrite26'] },
  { format: '2.0.0', sdks: ['appwrite27'] },
  { format: '2.3.0', sdks: ['appwrite28'] },
];

/** GET `path` in `format` (no header for `null`) with the full-scope key; the JSON body. */
async function get(path: string, format: string | null) {
  const headers = { ...key, ...(format ? { 'x-appwrite-response-format': format } : {}) };
  const response = await call(server, 'GET', path, { headers });
  expect(response.status, `${path} in ${format}: ${response.text}`).toBe(200);
  return response.json;
}

/** `type` with fields renamed, dropped or retyped as one of Appwrite's filters does. */
function through(
  type: ModelType,
  changes: Record<string, { to?: string; type?: string } | null>,
): ModelType {
  const out: ModelType = new Map();
  for (const [name, field] of type) {
    const change = changes[name];
    if (change === null) continue;
    out.set(change?.to ?? name, { ...field, type: change?.type ?? field.type });
  }
  return out;
}

/** Checks `model` against each SDK's type named `name`; `extra` are a row's own columns. */
function expectFits(
  model: Record<string, unknown>,
  sdks: Sdk[],
  name: string,
  extra: string[] = [],
) {
  for (const sdk of sdks) expect(misfits(model, sdkModel(sdk, name), extra), sdk).toEqual([]);
}

beforeAll(async () => {
  server = await startLocalServer();
  key = { 'x-appwrite-key': server.apiKey };
  server.app.emulator.functions.stopClock();
  const client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  const tables = new TablesDB(client);
  await tables.create({ databaseId: db, name: 'Main' });
  await tables.createTable({ databaseId: db, tableId: 'tasks', name: 'Tasks' });
  await tables.createStringColumn({
    databaseId: db,
    tableId: 'tasks',
    key: 'title',
    size: 20,
    required: false,
  });
  await tables.createRow({ databaseId: db, tableId: 'tasks', rowId: 'r1', data: { title: 'a' } });
  const databases = new Databases(client);
  await databases.createCollection({ databaseId: db, collectionId: 'notes', name: 'Notes' });
  await databases.createStringAttribute({
    databaseId: db,
    collectionId: 'notes',
    key: 'text',
    size: 20,
    required: false,
  });
  await databases.createDocument({
    databaseId: db,
    collectionId: 'notes',
    documentId: 'd1',
    data: { text: 'b' },
  });
  await deployFunction(client, 'echo', ECHO_FUNCTION);
  await new Functions(client).createExecution({ functionId: 'echo' });
  await call(server, 'POST', '/storage/buckets', {
    headers: key,
    body: { bucketId: 'media', name: 'Media' },
  });
  await call(server, 'POST', '/webhooks', {
    headers: key,
    body: { webhookId: 'hook', name: 'Hook', url: 'http://127.0.0.1:9/hook', events: [] },
  });
  await call(server, 'POST', '/project/mock-phones', {
    headers: key,
    body: { number: '+15550100', otp: '123456' },
  });
}, 60_000);
afterAll(async () => server?.close());

/** Uploads `name` into `folder` (the web SDK 27+ `folder` param) with the key; the response. */
async function upload(fileId: string, name: string, folder?: string, format = '2.3.0') {
  const form = new FormData();
  form.append('fileId', fileId);
  if (folder !== undefined) form.append('folder', folder);
  form.append('file', new Blob(['hello']), name);
  const response = await fetch(`${server.endpoint}/storage/buckets/media/files`, {
    method: 'POST',
    headers: {
      ...key,
      'x-appwrite-project': server.projectId,
      'x-appwrite-response-format': format,
    },
    body: form,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('each model in each format fits that SDK’s type', () => {
  test('Execution: functionId up to 1.9.5; resourceId and resourceType from 2.0.0 (V27)', async () => {
    const path = '/functions/echo/executions';
    for (const { format, sdks } of FORMATS) {
      const list = await get(path, format);
      expect(list.executions).toHaveLength(1);
      const one = await get(`${path}/${list.executions[0].$id}`, format);
      for (const execution of [one, list.executions[0]]) {
        expectFits(execution, sdks, 'Execution');
      }
    }
    const cli = await get(path, '1.8.0');
    expectFits(cli.executions[0], ['node-appwrite'], 'Execution');
    const newest = await get(path, '2.3.0');
    expect(newest.executions[0]).toMatchObject({ resourceId: 'echo', resourceType: 'functions' });
  });

  test('Row and Document: $sequence a string, an integer for 1.8.0 (V21)', async () => {
    const cases = [
      { path: `/tablesdb/${db}/tables/tasks/rows`, key: 'rows', model: 'Row', column: 'title' },
      {
        path: `/databases/${db}/collections/notes/documents`,
        key: 'documents',
        model: 'Document',
        column: 'text',
      },
    ];
    for (const c of cases) {
      for (const { format, sdks } of FORMATS) {
        const list = await get(c.path, format);
        const one = await get(`${c.path}/${list[c.key][0].$id}`, format);
        for (const item of [one, list[c.key][0]]) expectFits(item, sdks, c.model, [c.column]);
      }
      const cli = through(sdkModel('node-appwrite', c.model), { $sequence: { type: 'number' } });
      const list = await get(c.path, '1.8.0');
      const one = await get(`${c.path}/${list[c.key][0].$id}`, '1.8.0');
      for (const item of [one, list[c.key][0]]) {
        expect(misfits(item, cli, [c.column])).toEqual([]);
        expect(item.$sequence).toBe(1);
      }
    }
  });

  test('File: folder and key from 2.0.0, none before', async () => {
    expect((await upload('f1', 'a.txt', 'photos/2026')).status).toBe(201);
    for (const { format, sdks } of [...FORMATS, { format: '1.8.0', sdks: ['node-appwrite'] }]) {
      const list = await get('/storage/buckets/media/files', format);
      const one = await get('/storage/buckets/media/files/f1', format);
      for (const file of [one, list.files[0]]) expectFits(file, sdks as Sdk[], 'File');
    }
    expect(await get('/storage/buckets/media/files/f1', '2.3.0')).toMatchObject({
      name: 'a.txt',
      folder: 'photos/2026/',
      key: 'photos/2026/a.txt',
    });
  });

  test('Function: one specification for 1.8.0 (V21), two from 1.9.0', async () => {
    const cli = through(sdkModel('node-appwrite', 'Function'), {
      buildSpecification: { to: 'specification' },
      runtimeSpecification: null,
    });
    for (const format of [null, '1.9.5', '2.0.0', '2.3.0', '1.8.0']) {
      const type = format === '1.8.0' ? cli : sdkModel('node-appwrite', 'Function');
      const list = await get('/functions', format);
      const one = await get('/functions/echo', format);
      for (const fn of [one, list.functions[0]]) expect(misfits(fn, type), `${format}`).toEqual([]);
    }
  });

  test('Webhook: security, httpUser, httpPass, signatureKey before 1.9.1 (V22)', async () => {
    const old = through(sdkModel('node-appwrite', 'Webhook'), {
      tls: { to: 'security' },
      authUsername: { to: 'httpUser' },
      authPassword: { to: 'httpPass' },
      secret: { to: 'signatureKey' },
    });
    for (const format of [null, '1.9.5', '2.0.0', '2.3.0', '1.9.1', '1.9.0', '1.8.0']) {
      const type =
        format === '1.9.0' || format === '1.8.0' ? old : sdkModel('node-appwrite', 'Webhook');
      const list = await get('/webhooks', format);
      const one = await get('/webhooks/hook', format);
      for (const hook of [one, list.webhooks[0]])
        expect(misfits(hook, type), `${format}`).toEqual([]);
    }
  });

  test('MockNumber: phone, without dates, before 1.9.2 (V23)', async () => {
    const old = through(sdkModel('node-appwrite', 'MockNumber'), {
      number: { to: 'phone' },
      $createdAt: null,
      $updatedAt: null,
    });
    for (const format of [null, '1.9.5', '2.0.0', '2.3.0', '1.9.2', '1.9.1', '1.8.0']) {
      const type =
        format === '1.9.1' || format === '1.8.0' ? old : sdkModel('node-appwrite', 'MockNumber');
      const mock = await get('/project/mock-phones/+15550100', format);
      expect(misfits(mock, type), `${format}`).toEqual([]);
    }
  });

  test('Team and Membership: the same in every SDK’s format; no userPhone before 1.9.2 (V23)', async () => {
    await call(server, 'POST', '/teams', { headers: key, body: { teamId: 'fmt', name: 'Fmt' } });
    await call(server, 'POST', '/users', {
      headers: key,
      body: { userId: 'fmt-user', email: 'fmt@example.com' },
    });
    await call(server, 'POST', '/teams/fmt/memberships', {
      headers: key,
      body: { userId: 'fmt-user', roles: ['member'] },
    });
    for (const { format, sdks } of FORMATS) {
      expectFits(await get('/teams/fmt', format), sdks, 'Team');
      const list = await get('/teams/fmt/memberships', format);
      const one = await get(`/teams/fmt/memberships/${list.memberships[0].$id}`, format);
      for (const membership of [one, list.memberships[0]]) {
        expectFits(membership, sdks, 'Membership');
      }
    }
    const old = through(sdkModel('node-appwrite', 'Membership'), { userPhone: null });
    for (const format of ['1.9.1', '1.8.0']) {
      const list = await get('/teams/fmt/memberships', format);
      expect(misfits(list.memberships[0], old), `${format}`).toEqual([]);
    }
  });

  test('Project: lists from 1.9.5; flat fields below (V26), then V23 and V22 trim them', async () => {
    for (const format of [null, '1.9.5', '2.0.0', '2.3.0']) {
      expect(misfits(await get('/project', format), sdkModel('node-appwrite', 'Project'))).toEqual(
        [],
      );
    }
    const flat = ['authMethods', 'services', 'protocols'];
    const v194 = await get('/project', '1.9.4');
    for (const field of flat) expect(v194).not.toHaveProperty(field);
    expect(v194).toMatchObject({
      authEmailPassword: true,
      serviceStatusForAccount: true,
      protocolStatusForRest: true,
      authMembershipsUserId: false,
      smtpReplyToEmail: '',
      authLimit: 0,
    });
    const v191 = await get('/project', '1.9.1');
    expect(v191).toMatchObject({ protocolStatusForRest: true, smtpReplyTo: '' });
    for (const gone of ['authMembershipsUserId', 'smtpReplyToEmail', 'smtpReplyToName']) {
      expect(v191).not.toHaveProperty(gone);
    }
    const cli = await get('/project', '1.8.0');
    expect(cli).toMatchObject({ serviceStatusForTablesdb: true, authSessionAlerts: false });
    expect(cli).not.toHaveProperty('protocolStatusForRest');
  });
});

describe('formats the layer does not know', () => {
  test('a newer format gets the newest model (2.3.0) and an X-Appwrite-Warning', async () => {
    const path = '/storage/buckets/media/files/f1';
    const newer = await call(server, 'GET', path, {
      headers: { ...key, 'x-appwrite-response-format': '2.4.0' },
    });
    expect(newer.headers.get('x-appwrite-warning')).toContain('2.4.0');
    expect(newer.json).toEqual(await get(path, '2.3.0'));
    for (const known of ['2.3.0', '1.9.5', '1.8.0']) {
      const response = await call(server, 'GET', path, {
        headers: { ...key, 'x-appwrite-response-format': known },
      });
      expect(response.headers.get('x-appwrite-warning'), known).toBeNull();
    }
    const missing = await call(server, 'GET', '/functions/ghost', {
      headers: { ...key, 'x-appwrite-response-format': '3.0.0' },
    });
    expect([missing.status, missing.headers.get('x-appwrite-warning')]).toEqual([
      404,
      expect.stringContaining('3.0.0'),
    ]);
    const plain = await call(server, 'GET', path, { headers: key });
    expect(plain.headers.get('x-appwrite-warning')).toBeNull();
    expect(plain.json).toEqual(await get(path, '1.9.5'));
  });
});

describe('virtual folders (web SDK 27+)', () => {
  test('an upload stores its folder; a list filters by it; a bad folder is 400', async () => {
    expect((await upload('f2', 'b.txt', 'photos/2026/')).json).toMatchObject({
      folder: 'photos/2026/',
      key: 'photos/2026/b.txt',
    });
    expect((await upload('f3', 'c.txt')).json).toMatchObject({ folder: '', key: 'c.txt' });
    const query = encodeURIComponent(Query.equal('folder', ['photos/2026/']));
    const listed = await get(`/storage/buckets/media/files?queries[0]=${query}`, '2.3.0');
    expect(listed.files.map((f: { $id: string }) => f.$id).sort()).toEqual(['f1', 'f2']);
    for (const bad of ['/photos', 'a//b', '../x', 'a/./b', 'tab\there']) {
      const refused = await upload('f4', 'd.txt', bad);
      expect([refused.status, refused.json.type], bad).toEqual([400, 'general_argument_invalid']);
    }
  });
});

describe('request filters: an older format’s parameters reach the route as 1.9.5’s', () => {
  const as = (format: string) => ({ ...key, 'x-appwrite-response-format': format });

  test('V21 functions.create/update: one specification sets both', async () => {
    const created = await call(server, 'POST', '/functions', {
      headers: as('1.8.0'),
      body: { functionId: 'cli', name: 'cli', runtime: 'node-22', specification: 's-2vcpu-2gb' },
    });
    expect([created.status, created.json.specification]).toEqual([201, 's-2vcpu-2gb']);
    const stored = await get('/functions/cli', '1.9.5');
    expect(stored).toMatchObject({
      buildSpecification: 's-2vcpu-2gb',
      runtimeSpecification: 's-2vcpu-2gb',
    });
    await call(server, 'PUT', '/functions/cli', {
      headers: as('1.8.0'),
      body: { name: 'cli', specification: 's-1vcpu-1gb' },
    });
    expect(await get('/functions/cli', '1.9.5')).toMatchObject({
      buildSpecification: 's-1vcpu-1gb',
      runtimeSpecification: 's-1vcpu-1gb',
    });
    // 1.9.5 has no `specification` param: Appwrite ignores it.
    await call(server, 'PUT', '/functions/cli', {
      headers: as('1.9.5'),
      body: { name: 'cli', specification: 's-2vcpu-2gb' },
    });
    expect((await get('/functions/cli', '1.9.5')).buildSpecification).toBe('s-1vcpu-1gb');
  });

  test('V21 project.createVariable, V25 functions.createVariable: no variableId makes one', async () => {
    for (const [path, format] of [
      ['/project/variables', '1.8.0'],
      ['/functions/echo/variables', '1.8.0'],
      ['/functions/echo/variables', '1.9.3'],
    ] as const) {
      const made = await call(server, 'POST', path, {
        headers: as(format),
        body: { key: `K_${format.replace(/\./g, '_')}`, value: 'v' },
      });
      expect([made.status, typeof made.json.$id], `${path} ${format}`).toEqual([201, 'string']);
    }
    for (const path of ['/project/variables', '/functions/echo/variables']) {
      const refused = await call(server, 'POST', path, {
        headers: as('1.9.5'),
        body: { key: 'K_NEW', value: 'v' },
      });
      expect([refused.status, refused.json.type], path).toEqual([400, 'general_argument_invalid']);
    }
  });

  test('V21 project.listVariables: 1.8.0 lists every variable, 1.9.5 pages by 25', async () => {
    for (let i = 0; i < 30; i++) {
      await call(server, 'POST', '/project/variables', {
        headers: as('1.9.5'),
        body: { variableId: `many${i}`, key: `MANY_${i}`, value: 'v' },
      });
    }
    const all = (await get('/project/variables', '1.8.0')).variables.length;
    expect(all).toBeGreaterThanOrEqual(31);
    expect((await get('/project/variables', '1.9.5')).variables).toHaveLength(25);
  });

  test('V21 and V22 webhooks.create/update: no webhookId; security, httpUser, httpPass', async () => {
    const made = await call(server, 'POST', '/webhooks', {
      headers: as('1.8.0'),
      body: {
        name: 'Old',
        url: 'http://127.0.0.1:9/old',
        events: [],
        security: true,
        httpUser: 'u',
        httpPass: 'p',
      },
    });
    expect(made.status).toBe(201);
    const stored = await get(`/webhooks/${made.json.$id}`, '1.9.5');
    expect(stored).toMatchObject({ tls: true, authUsername: 'u', authPassword: 'p' });
    const updated = await call(server, 'PUT', `/webhooks/${made.json.$id}`, {
      headers: as('1.9.0'),
      body: {
        name: 'Old',
        url: 'http://127.0.0.1:9/old',
        events: [],
        security: false,
        httpUser: 'v',
      },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(await get(`/webhooks/${made.json.$id}`, '1.9.5')).toMatchObject({
      tls: false,
      authUsername: 'v',
    });
    const refused = await call(server, 'POST', '/webhooks', {
      headers: as('1.9.5'),
      body: { name: 'New', url: 'http://127.0.0.1:9/new', events: [] },
    });
    expect([refused.status, refused.json.type]).toEqual([400, 'general_argument_invalid']);
  });

  test('V22 project.updateService: service and status', async () => {
    const off = await call(server, 'PATCH', '/project/services/locale', {
      headers: as('1.9.0'),
      body: { status: false },
    });
    expect(off.status).toBe(200);
    expect(server.app.emulator.settings.get().services.locale).toBe(false);
    const on = await call(server, 'PATCH', '/project/services/locale', {
      headers: as('1.9.5'),
      body: { enabled: true },
    });
    expect(on.status).toBe(200);
    expect(server.app.emulator.settings.get().services.locale).toBe(true);
  });

  test('V23 auth method status, session alert `alerts`, limit → total (0 → no limit)', async () => {
    const settings = () => server.app.emulator.settings.get();
    await call(server, 'PATCH', '/project/auth-methods/anonymous', {
      headers: as('1.9.1'),
      body: { status: false },
    });
    expect(settings().authMethods.anonymous).toBe(false);
    await call(server, 'PATCH', '/project/policies/session-alert', {
      headers: as('1.9.1'),
      body: { alerts: true },
    });
    expect(settings().policies.sessionAlerts).toBe(true);
    for (const [path, field] of [
      ['user-limit', 'userLimit'],
      ['password-history', 'passwordHistory'],
      ['session-limit', 'sessionLimit'],
    ] as const) {
      await call(server, 'PATCH', `/project/policies/${path}`, {
        headers: as('1.8.0'),
        body: { limit: 7 },
      });
      expect(settings().policies[field], path).toBe(7);
      await call(server, 'PATCH', `/project/policies/${path}`, {
        headers: as('1.8.0'),
        body: { limit: 0 },
      });
      expect(settings().policies[field], path).toBe(0);
    }
    // 1.9.2 and later send `enabled`/`total`: an old name is not read.
    const ignored = await call(server, 'PATCH', '/project/auth-methods/anonymous', {
      headers: as('1.9.2'),
      body: { status: true },
    });
    expect([ignored.status, ignored.json.type]).toEqual([400, 'general_argument_invalid']);
  });
});
