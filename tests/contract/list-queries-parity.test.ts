import {
  AppwriteException,
  Client,
  Functions,
  Permission,
  Query,
  Role,
  Storage,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `queries` of the list routes, answered as Appwrite 1.9.5 answers them, with the real
 * node-appwrite 27.1.0 and a key. Users, files, functions, executions, variables, columns... check
 * their queries while they validate the param (SRV Utopia/Database/Validator/Queries/<List>.php on
 * utopia-php/database 6.0.0's Queries validator): a refusal is 400 `general_argument_invalid`, and
 * what the validator allows — any filter method on an allowed attribute — works. Row lists check
 * inside the action: `general_query_invalid`.
 */

let server: LocalServer;
let users: Users;
let functions: Functions;
let storage: Storage;
let tables: TablesDB;
const databaseId = 'lists';

type Answer = { code: number; type: string } | 'ok';

async function answer(promise: Promise<unknown>): Promise<Answer> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppwriteException) return { code: error.code, type: error.type };
    throw error;
  }
}

const refused = { code: 400, type: 'general_argument_invalid' };

beforeAll(async () => {
  server = await startLocalServer();
  server.app.emulator.functions.stopClock();
  const client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  users = new Users(client);
  functions = new Functions(client);
  storage = new Storage(client);
  tables = new TablesDB(client);
  await users.create({ userId: 'ann', email: 'ann@example.com', name: 'Ann' });
  for (const [functionId, timeout] of [
    ['alpha-1', 30],
    ['alpha-2', 10],
    ['beta', 20],
  ] as const) {
    await functions.create({ functionId, name: functionId, runtime: 'node-22' as never, timeout });
  }
  await functions.createVariable({
    functionId: 'beta',
    variableId: 'v1',
    key: 'K',
    value: 'x',
    secret: false,
  });
  await storage.createBucket({
    bucketId: 'media',
    name: 'media',
    permissions: [Permission.read(Role.any())],
  });
  await tables.create({ databaseId, name: 'lists' });
  await tables.createTable({ databaseId, tableId: 'notes', name: 'notes' });
  await tables.createStringColumn({
    databaseId,
    tableId: 'notes',
    key: 'title',
    size: 20,
    required: true,
  });
  await tables.createIntegerColumn({ databaseId, tableId: 'notes', key: 'n', required: false });
});

afterAll(async () => {
  await server.close();
});

const notes = { databaseId, tableId: 'notes' };

const scenarios: Array<[string, () => Promise<unknown>, Answer]> = [
  // Users (Users.php)
  [
    'users: an attribute the list does not allow (password)',
    () => users.list({ queries: [Query.equal('password', ['x'])] }),
    refused,
  ],
  [
    'users: accessedAt (in the collection, not in ALLOWED_ATTRIBUTES)',
    () => users.list({ queries: [Query.orderDesc('accessedAt')] }),
    refused,
  ],
  [
    'users: limit(0) (Limit counts from 1)',
    () => users.list({ queries: [Query.limit(0)] }),
    refused,
  ],
  [
    'users: equal on labels, an array',
    () => users.list({ queries: [Query.equal('labels', ['x'])] }),
    refused,
  ],
  ['users: select', () => users.list({ queries: [Query.select(['name'])] }), refused],
  ['users: malformed JSON', () => users.list({ queries: ['{not json'] }), refused],
  [
    'users: a boolean attribute given a string',
    () => users.list({ queries: [Query.equal('status', ['yes'])] }),
    refused,
  ],
  // Files (Files.php)
  [
    'files: an attribute the list does not allow',
    () => storage.listFiles({ bucketId: 'media', queries: [Query.equal('path', ['x'])] }),
    refused,
  ],
  [
    'files: limit(0)',
    () => storage.listFiles({ bucketId: 'media', queries: [Query.limit(0)] }),
    refused,
  ],
  // Functions (Functions.php)
  ['functions: limit(0)', () => functions.list({ queries: [Query.limit(0)] }), refused],
  [
    'functions: an attribute the list does not allow (vars)',
    () => functions.list({ queries: [Query.equal('vars', ['x'])] }),
    refused,
  ],
  [
    'functions: timeout (an integer) given a string',
    () => functions.list({ queries: [Query.equal('timeout', ['10'])] }),
    refused,
  ],
  // Executions (Executions.php)
  [
    'executions: responseBody is not an allowed attribute',
    () =>
      functions.listExecutions({
        functionId: 'beta',
        queries: [Query.equal('responseBody', ['x'])],
      }),
    refused,
  ],
  [
    'executions: an allowed attribute',
    () =>
      functions.listExecutions({
        functionId: 'beta',
        queries: [Query.equal('status', ['completed']), Query.orderDesc('duration')],
      }),
    'ok',
  ],
  [
    'executions: an unknown method',
    () => functions.listExecutions({ functionId: 'beta', queries: ['{"method":"nope"}'] }),
    refused,
  ],
  // Variables (Variables.php)
  [
    'variables: value is not an allowed attribute',
    () => functions.listVariables({ functionId: 'beta', queries: [Query.equal('value', ['x'])] }),
    refused,
  ],
  // Columns (Columns.php)
  [
    'columns: size (an integer) given a string',
    () => tables.listColumns({ ...notes, queries: [Query.equal('size', ['x'])] }),
    refused,
  ],
  [
    'columns: an attribute the list does not allow (default)',
    () => tables.listColumns({ ...notes, queries: [Query.equal('default', ['x'])] }),
    refused,
  ],
  // Rows check their queries in the action: general_query_invalid.
  [
    'rows: limit(0)',
    () => tables.listRows({ ...notes, queries: [Query.limit(0)] }),
    { code: 400, type: 'general_query_invalid' },
  ],
];

describe('list queries Appwrite refuses or accepts', () => {
  test.each(scenarios)('%s', async (_name, run, expected) => {
    expect(await answer(run())).toEqual(expected);
  });
});

describe('what the validators allow works', () => {
  test('functions: startsWith on $id', async () => {
    const page = await functions.list({ queries: [Query.startsWith('$id', 'alpha')] });
    expect(page.functions.map((f) => f.$id)).toEqual(['alpha-1', 'alpha-2']);
    expect(page.total).toBe(2);
  });

  test('functions: range filters and orders on several attributes', async () => {
    const page = await functions.list({
      queries: [Query.greaterThanEqual('timeout', 20), Query.orderAsc('timeout')],
    });
    expect(page.functions.map((f) => f.$id)).toEqual(['beta', 'alpha-1']);
    const both = await functions.list({
      queries: [Query.orderAsc('enabled'), Query.orderDesc('timeout')],
    });
    expect(both.functions.map((f) => f.$id)).toEqual(['alpha-1', 'beta', 'alpha-2']);
  });

  test('variables: a boolean attribute', async () => {
    const page = await functions.listVariables({
      functionId: 'beta',
      queries: [Query.equal('secret', false)],
    });
    expect(page.variables.map((v) => v.key)).toEqual(['K']);
  });

  test('columns: equal on a boolean and contains on a string', async () => {
    const required = await tables.listColumns({
      ...notes,
      queries: [Query.equal('required', true)],
    });
    expect(required.columns.map((c) => (c as { key: string }).key)).toEqual(['title']);
    const keyed = await tables.listColumns({ ...notes, queries: [Query.contains('key', ['itl'])] });
    expect(keyed.columns.map((c) => (c as { key: string }).key)).toEqual(['title']);
  });

  test('users: or, and the negated filters', async () => {
    await users.create({ userId: 'bob', email: 'bob@example.com', name: 'Bob' });
    await users.create({ userId: 'cy', email: 'cy@example.org', name: 'Cy' });
    const either = await users.list({
      queries: [Query.or([Query.equal('name', ['Ann']), Query.endsWith('email', '.org')])],
    });
    expect(either.users.map((u) => u.$id)).toEqual(['ann', 'cy']);
    const not = await users.list({
      queries: [Query.notStartsWith('email', 'ann'), Query.notEndsWith('email', '.org')],
    });
    expect(not.users.map((u) => u.$id)).toEqual(['bob']);
  });

  test('functions: and/or over several attributes', async () => {
    const page = await functions.list({
      queries: [
        Query.or([
          Query.and([Query.startsWith('name', 'alpha'), Query.lessThan('timeout', 20)]),
          Query.equal('$id', ['beta']),
        ]),
      ],
    });
    expect(page.functions.map((f) => f.$id)).toEqual(['alpha-2', 'beta']);
  });

  test('users: contains on labels', async () => {
    await users.updateLabels({ userId: 'ann', labels: ['vip'] });
    const page = await users.list({ queries: [Query.contains('labels', ['vip'])] });
    expect(page.users.map((u) => u.$id)).toEqual(['ann']);
  });
});
