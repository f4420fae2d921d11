import {
  AppwriteException,
  Client,
  type Models,
  Permission,
  Query,
  Role,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Row routes whose answers apps rely on, matched to Appwrite 1.9.5's controllers
 * (src/Appwrite/Platform/Modules/Databases/Http/Databases/Collections/Documents/*, which TablesDB's
 * routes extend) and utopia-php/database 6.0.0, with the real node-appwrite 27.1.0. Each scenario
 * names the call and Appwrite's answer; `after` checks what the table holds afterwards.
 */

let server: LocalServer;
let key: TablesDB;
let session: TablesDB;
const databaseId = 'parity';
const tableId = 'notes';
const base = { databaseId, tableId };

/** The Appwrite error a call rejects with, or `ok` when it succeeds. */
async function outcome(promise: Promise<unknown>): Promise<{ code: number; type: string } | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppwriteException) return { code: error.code, type: error.type };
    throw error;
  }
}

const rowsOf = (n: number, prefix = 'n') =>
  Array.from({ length: n }, (_, i) => ({ $id: `${prefix}${i}`, title: `t${i}`, views: i }));

async function count(): Promise<number> {
  return (await key.listRows({ ...base, queries: [Query.limit(1)] })).total;
}

beforeAll(async () => {
  server = await startLocalServer();
  const keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  key = new TablesDB(keyClient);
  const users = new Users(keyClient);
  await users.create({
    userId: 'ann',
    email: 'ann@example.com',
    password: 'correct horse battery',
  });
  const { secret } = await users.createSession({ userId: 'ann' });
  session = new TablesDB(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setSession(secret),
  );
  await key.create({ databaseId, name: 'parity' });
  await key.createTable({
    ...base,
    name: 'notes',
    permissions: [
      Permission.create(Role.users()),
      Permission.read(Role.users()),
      Permission.update(Role.users()),
      Permission.delete(Role.users()),
    ],
  });
  await key.createStringColumn({ ...base, key: 'title', size: 50, required: true });
  await key.createStringColumn({ ...base, key: 'body', size: 50, required: false });
  await key.createIntegerColumn({ ...base, key: 'views', required: false });
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await key.deleteRows({ ...base });
  await key.createRow({ ...base, rowId: 'r1', data: { title: 'first', body: 'kept', views: 1 } });
});

interface Scenario {
  name: string;
  run: () => Promise<unknown>;
  answer: { code: number; type: string } | 'ok';
  /** Rows in the table afterwards (one, `r1`, before each scenario). */
  rows?: number;
}

const scenarios: Scenario[] = [
  {
    name: 'createRows with 101 rows → 400 general_argument_invalid (rows: ArrayList(JSON, 100)), none written',
    run: () => key.createRows({ ...base, rows: rowsOf(101) }),
    answer: { code: 400, type: 'general_argument_invalid' },
    rows: 1,
  },
  {
    name: 'createRows with 100 rows → 201',
    run: () => key.createRows({ ...base, rows: rowsOf(100) }),
    answer: 'ok',
    rows: 101,
  },
  {
    name: 'upsertRows with 101 rows → 400 general_argument_invalid, none written',
    run: () => key.upsertRows({ ...base, rows: rowsOf(101) }),
    answer: { code: 400, type: 'general_argument_invalid' },
    rows: 1,
  },
  {
    name: 'upsertRows with one $id twice → 409 row_already_exists, none written',
    run: () =>
      key.upsertRows({
        ...base,
        rows: [
          { $id: 'twice', title: 'a' },
          { $id: 'other', title: 'b' },
          { $id: 'twice', title: 'c' },
        ],
      }),
    answer: { code: 409, type: 'row_already_exists' },
    rows: 1,
  },
  {
    name: 'updateRows with empty data → 400 row_missing_payload',
    run: () => key.updateRows({ ...base, data: {} }),
    answer: { code: 400, type: 'row_missing_payload' },
  },
  {
    name: 'updateRows without data → 400 row_missing_payload',
    run: () => key.updateRows({ ...base }),
    answer: { code: 400, type: 'row_missing_payload' },
  },
  {
    name: 'incrementRowColumn by 0 → 400 general_argument_invalid',
    run: () => key.incrementRowColumn({ ...base, rowId: 'r1', column: 'views', value: 0 }),
    answer: { code: 400, type: 'general_argument_invalid' },
  },
  {
    name: 'decrementRowColumn by -1 → 400 general_argument_invalid',
    run: () => key.decrementRowColumn({ ...base, rowId: 'r1', column: 'views', value: -1 }),
    answer: { code: 400, type: 'general_argument_invalid' },
  },
  {
    name: 'incrementRowColumn on a missing row → 404 column_not_found',
    run: () => key.incrementRowColumn({ ...base, rowId: 'ghost', column: 'views', value: 1 }),
    answer: { code: 404, type: 'column_not_found' },
  },
  {
    name: 'decrementRowColumn on a missing row → 404 column_not_found',
    run: () => key.decrementRowColumn({ ...base, rowId: 'ghost', column: 'views', value: 1 }),
    answer: { code: 404, type: 'column_not_found' },
  },
  {
    name: 'upsertRow on an existing row without its required column → 400 row_invalid_structure',
    run: () => key.upsertRow<Models.DefaultRow>({ ...base, rowId: 'r1', data: { views: 5 } }),
    answer: { code: 400, type: 'row_invalid_structure' },
  },
  {
    name: 'upsertRow with neither data nor permissions → 400 row_missing_payload',
    run: () => key.upsertRow({ ...base, rowId: 'r1' }),
    answer: { code: 400, type: 'row_missing_payload' },
  },
  {
    name: 'upsertRows on an existing row without its required column → 400 row_invalid_structure',
    run: () => key.upsertRows({ ...base, rows: [{ $id: 'r1', views: 5 }] }),
    answer: { code: 400, type: 'row_invalid_structure' },
  },
  {
    name: 'getRow with a query other than select → 400 general_query_invalid (Document validator)',
    run: () => key.getRow({ ...base, rowId: 'r1', queries: [Query.equal('title', ['first'])] }),
    answer: { code: 400, type: 'general_query_invalid' },
  },
  {
    name: 'getRow with select → 200',
    run: () => key.getRow({ ...base, rowId: 'r1', queries: [Query.select(['title'])] }),
    answer: 'ok',
  },
  {
    name: 'createRows from a session → 401 general_unauthorized_scope',
    run: () => session.createRows({ ...base, rows: [{ title: 'x' }] }),
    answer: { code: 401, type: 'general_unauthorized_scope' },
    rows: 1,
  },
  {
    name: 'upsertRows from a session → 404 database_not_found (read under the user’s permissions)',
    run: () => session.upsertRows({ ...base, rows: [{ $id: 'x', title: 'x' }] }),
    answer: { code: 404, type: 'database_not_found' },
    rows: 1,
  },
  {
    name: 'updateRows from a session → 404 database_not_found',
    run: () => session.updateRows({ ...base, data: { title: 'x' } }),
    answer: { code: 404, type: 'database_not_found' },
  },
  {
    name: 'deleteRows from a session → 404 database_not_found',
    run: () => session.deleteRows({ ...base }),
    answer: { code: 404, type: 'database_not_found' },
    rows: 1,
  },
];

describe('row routes answer as Appwrite 1.9.5', () => {
  test.each(scenarios)('$name', async ({ run, answer, rows }) => {
    expect(await outcome(run())).toEqual(answer);
    if (rows !== undefined) expect(await count()).toBe(rows);
  });

  test('upsertRow on an existing row keeps the optional columns it does not send', async () => {
    const row = await key.upsertRow<Models.DefaultRow>({
      ...base,
      rowId: 'r1',
      data: { title: 'again' },
    });
    expect(row).toMatchObject({ title: 'again', body: 'kept', views: 1 });
  });

  test('an update that changes nothing keeps $updatedAt (utopia-php/database updateDocument)', async () => {
    const before = await key.getRow({ ...base, rowId: 'r1' });
    await new Promise((resolve) => setTimeout(resolve, 5)); // the clock moves on
    const same = await key.updateRow({ ...base, rowId: 'r1', data: { title: 'first', views: 1 } });
    expect(same.$updatedAt).toBe(before.$updatedAt);
    expect((await key.getRow({ ...base, rowId: 'r1' })).$updatedAt).toBe(before.$updatedAt);
    const upserted = await key.upsertRow({ ...base, rowId: 'r1', data: { title: 'first' } });
    expect(upserted.$updatedAt).toBe(before.$updatedAt);
  });

  test('an update that changes nothing needs only read permission', async () => {
    const readOnly = { databaseId, tableId: 'readonly' };
    await key.createTable({
      ...readOnly,
      name: 'readonly',
      permissions: [Permission.read(Role.users())],
    });
    await key.createStringColumn({ ...readOnly, key: 'title', size: 50, required: false });
    await key.createRow({ ...readOnly, rowId: 'x', data: { title: 'same' } });
    expect(
      await outcome(
        session.updateRow<Models.DefaultRow>({ ...readOnly, rowId: 'x', data: { title: 'same' } }),
      ),
    ).toBe('ok');
    expect(
      await outcome(
        session.updateRow<Models.DefaultRow>({ ...readOnly, rowId: 'x', data: { title: 'other' } }),
      ),
    ).toEqual({ code: 401, type: 'user_unauthorized' });
  });

  test('upsertRows skips the rows it would not change: not in the answer nor its total', async () => {
    const answer = await key.upsertRows({
      ...base,
      rows: [
        { $id: 'r1', title: 'first', body: 'kept', views: 1 },
        { $id: 'new', title: 'fresh' },
      ],
    });
    expect([answer.total, answer.rows.map((r) => r.$id)]).toEqual([1, ['new']]);
  });

  test('updateRows and deleteRows count every row but answer the first 100', async () => {
    await key.createRows({ ...base, rows: rowsOf(100, 'a') });
    await key.createRows({ ...base, rows: rowsOf(49, 'b') });
    const updated = await key.updateRows({ ...base, data: { body: 'bulk' } });
    expect([updated.total, updated.rows.length]).toEqual([150, 100]);
    expect(
      (await key.listRows({ ...base, queries: [Query.equal('body', 'bulk'), Query.limit(1)] }))
        .total,
    ).toBe(150);
    const deleted = await key.deleteRows({ ...base });
    expect([deleted.total, deleted.rows.length]).toEqual([150, 100]);
    expect(await count()).toBe(0);
  });
});

describe('column routes answer as Appwrite 1.9.5', () => {
  test('shrinking a string column below a value it holds → 400 column_invalid_resize', async () => {
    const resize = { databaseId, tableId: 'resize' };
    await key.createTable({ ...resize, name: 'resize' });
    await key.createStringColumn({ ...resize, key: 'text', size: 20, required: false });
    await key.createRow({ ...resize, rowId: 'long', data: { text: 'fifteen chars!!' } });
    const shrink = (size: number) =>
      key.updateStringColumn({
        ...resize,
        key: 'text',
        required: false,
        xdefault: null as never,
        size,
      });
    expect(await outcome(shrink(10))).toEqual({ code: 400, type: 'column_invalid_resize' });
    expect(await outcome(shrink(15))).toBe('ok');
    expect((await key.getColumn({ ...resize, key: 'text' })) as { size: number }).toMatchObject({
      size: 15,
    });
  });
});
