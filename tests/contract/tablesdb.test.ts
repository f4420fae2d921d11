import {
  AppwriteException,
  Client,
  Databases,
  DatabasesIndexType,
  ID,
  type Models,
  Permission,
  Query,
  Role,
  TablesDB,
  TablesDBIndexType,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

// The real node-appwrite 27.1.0 against the local Appwrite, with a full-scope API key.

let server: LocalServer;
let tables: TablesDB;
let databases: Databases;
const db = 'main';

/** The Appwrite error a call rejects with: status and type. */
async function failure(promise: Promise<unknown>): Promise<{ code: number; type: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return { code: error.code, type: error.type };
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startLocalServer();
  const client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  tables = new TablesDB(client);
  databases = new Databases(client);
  await tables.create({ databaseId: db, name: 'Main' });
});

afterAll(async () => {
  await server.close();
});

describe('databases and tables', () => {
  test('database CRUD with list wrappers', async () => {
    const created = await tables.create({ databaseId: 'scratch', name: 'Scratch' });
    expect(created).toMatchObject({
      $id: 'scratch',
      name: 'Scratch',
      enabled: true,
      type: 'tablesdb',
    });
    expect(
      (await tables.list({ queries: [Query.limit(100)] })).databases.map((d) => d.$id),
    ).toContain('scratch');
    expect(await tables.update({ databaseId: 'scratch', name: 'Renamed' })).toMatchObject({
      name: 'Renamed',
    });
    await tables.delete({ databaseId: 'scratch' });
    expect(await failure(tables.get({ databaseId: 'scratch' }))).toEqual({
      code: 404,
      type: 'database_not_found',
    });
    expect(await failure(tables.create({ databaseId: db, name: 'again' }))).toEqual({
      code: 409,
      type: 'database_already_exists',
    });
  });

  test('table CRUD, shapes and errors', async () => {
    const table = await tables.createTable({
      databaseId: db,
      tableId: 'things',
      name: 'Things',
      permissions: [Permission.read(Role.any()), Permission.write(Role.users())],
      rowSecurity: true,
    });
    expect(table).toMatchObject({
      $id: 'things',
      databaseId: db,
      name: 'Things',
      enabled: true,
      rowSecurity: true,
      $permissions: ['read("any")', 'create("users")', 'update("users")', 'delete("users")'],
      columns: [],
      indexes: [],
    });
    const updated = await tables.updateTable({
      databaseId: db,
      tableId: 'things',
      name: 'Things 2',
      rowSecurity: false,
    });
    expect(updated).toMatchObject({ name: 'Things 2', rowSecurity: false });
    expect((await tables.listTables({ databaseId: db })).tables.map((t) => t.$id)).toContain(
      'things',
    );
    await tables.deleteTable({ databaseId: db, tableId: 'things' });
    expect(await failure(tables.getTable({ databaseId: db, tableId: 'things' }))).toEqual({
      code: 404,
      type: 'table_not_found',
    });
    expect(
      await failure(
        tables.createTable({ databaseId: db, tableId: 'x', name: 'x', permissions: ['read(any)'] }),
      ),
    ).toEqual({ code: 400, type: 'general_argument_invalid' });
  });
  test('a table can be created with its columns and indexes in one call (Appwrite 1.9)', async () => {
    const table = await tables.createTable({
      databaseId: db,
      tableId: 'inline',
      name: 'inline',
      columns: [
        { key: 'title', type: 'string', size: 40, required: true },
        { key: 'score', type: 'double', required: false },
        { key: 'state', type: 'string', format: 'enum', elements: ['a', 'b'], required: false },
      ],
      indexes: [{ key: 'by_state', type: 'key', columns: ['state'], orders: ['ASC'] }],
    });
    expect(table.columns.map((c) => [c.key, c.type])).toEqual([
      ['title', 'string'],
      ['score', 'double'],
      ['state', 'string'],
    ]);
    expect(table.indexes.map((i) => [i.key, i.columns])).toEqual([['by_state', ['state']]]);
  });
});

describe('columns and indexes', () => {
  beforeAll(async () => {
    await tables.createTable({ databaseId: db, tableId: 'cols', name: 'cols' });
  });

  test('each column type answers 202 with the model appwrite-cli compares', async () => {
    const base = { databaseId: db, tableId: 'cols' };
    const models = [
      await tables.createStringColumn({
        ...base,
        key: 's',
        size: 20,
        required: false,
        xdefault: 'hi',
      }),
      await tables.createEmailColumn({ ...base, key: 'e', required: false }),
      await tables.createUrlColumn({ ...base, key: 'u', required: false }),
      await tables.createIpColumn({ ...base, key: 'ip', required: false }),
      await tables.createEnumColumn({ ...base, key: 'en', elements: ['a', 'b'], required: false }),
      await tables.createIntegerColumn({ ...base, key: 'i', required: false, min: 0, max: 10 }),
      await tables.createFloatColumn({ ...base, key: 'f', required: false }),
      await tables.createBooleanColumn({ ...base, key: 'b', required: false, xdefault: true }),
      await tables.createDatetimeColumn({ ...base, key: 'd', required: false }),
      await tables.createStringColumn({
        ...base,
        key: 'tags',
        size: 10,
        required: false,
        array: true,
      }),
    ];
    expect(models.map((m) => [m.key, m.type, (m as { format?: string }).format])).toEqual([
      ['s', 'string', undefined],
      ['e', 'string', 'email'],
      ['u', 'string', 'url'],
      ['ip', 'string', 'ip'],
      ['en', 'string', 'enum'],
      ['i', 'integer', undefined],
      ['f', 'double', undefined],
      ['b', 'boolean', undefined],
      ['d', 'datetime', ''],
      ['tags', 'string', undefined],
    ]);
    expect(models.every((m) => m.status === 'available')).toBe(true);
    const status = await call(server, 'POST', `/tablesdb/${db}/tables/cols/columns/integer`, {
      headers: { 'x-appwrite-key': server.apiKey },
      body: { key: 'raw', required: false },
    });
    expect(status.status).toBe(202);
    const list = await tables.listColumns({ databaseId: db, tableId: 'cols' });
    expect(list.total).toBe(11);
  });

  test('column update, rename and delete', async () => {
    const base = { databaseId: db, tableId: 'cols' };
    const updated = await tables.updateIntegerColumn({
      ...base,
      key: 'i',
      required: false,
      min: 1,
      max: 5,
      xdefault: 2,
    });
    expect(updated).toMatchObject({ min: 1, max: 5, default: 2 });
    const renamed = await tables.updateStringColumn({
      ...base,
      key: 's',
      required: false,
      // The SDK insists on `xdefault` at run time but types it without null; null clears the default.
      xdefault: null as never,
      newKey: 'title',
    });
    expect(renamed.key).toBe('title');
    expect(await failure(tables.getColumn({ ...base, key: 's' }))).toEqual({
      code: 404,
      type: 'column_not_found',
    });
    expect(
      await failure(tables.createStringColumn({ ...base, key: 'title', size: 5, required: false })),
    ).toEqual({ code: 409, type: 'column_already_exists' });
    expect(
      await failure(
        tables.createIntegerColumn({ ...base, key: 'bad', required: true, xdefault: 1 }),
      ),
    ).toEqual({ code: 400, type: 'column_default_unsupported' });
    await tables.deleteColumn({ ...base, key: 'raw' });
    expect(await failure(tables.getColumn({ ...base, key: 'raw' }))).toEqual({
      code: 404,
      type: 'column_not_found',
    });
  });

  test('indexes: create 202, TablesDB shape in getTable, errors', async () => {
    const base = { databaseId: db, tableId: 'cols' };
    const index = await tables.createIndex({
      ...base,
      key: 'by_i',
      type: TablesDBIndexType.Key,
      columns: ['i'],
      orders: ['DESC' as never],
    });
    expect(index).toMatchObject({
      key: 'by_i',
      type: 'key',
      status: 'available',
      columns: ['i'],
      orders: ['DESC'],
    });
    await tables.createIndex({
      ...base,
      key: 'ft',
      type: TablesDBIndexType.Fulltext,
      columns: ['title'],
    });
    const table = await tables.getTable(base);
    expect(table.indexes.map((i) => i.key)).toEqual(['by_i', 'ft']);
    expect(table.indexes[0]).not.toHaveProperty('attributes');
    expect((await tables.listIndexes(base)).total).toBe(2);
    expect(
      await failure(
        tables.createIndex({ ...base, key: 'by_i', type: TablesDBIndexType.Key, columns: ['i'] }),
      ),
    ).toEqual({ code: 409, type: 'column_index_already_exists' });
    expect(
      await failure(
        tables.createIndex({ ...base, key: 'x', type: TablesDBIndexType.Key, columns: ['ghost'] }),
      ),
    ).toEqual({ code: 400, type: 'column_unknown' });
    await tables.deleteIndex({ ...base, key: 'ft' });
    expect(await failure(tables.getIndex({ ...base, key: 'ft' }))).toEqual({
      code: 404,
      type: 'column_index_not_found',
    });
  });
});

describe('rows', () => {
  const base = { databaseId: db, tableId: 'tasks' };
  beforeAll(async () => {
    await tables.createTable({
      ...base,
      name: 'tasks',
      permissions: [Permission.read(Role.any())],
    });
    await tables.createStringColumn({ ...base, key: 'title', size: 50, required: true });
    await tables.createIntegerColumn({
      ...base,
      key: 'points',
      required: false,
      min: 0,
      max: 100,
      xdefault: 0,
    });
    await tables.createBooleanColumn({ ...base, key: 'done', required: false, xdefault: false });
    await tables.createIndex({
      ...base,
      key: 'ft',
      type: TablesDBIndexType.Fulltext,
      columns: ['title'],
    });
    await tables.createIndex({
      ...base,
      key: 'by_points',
      type: TablesDBIndexType.Key,
      columns: ['points'],
    });
  });

  test('create, get, update, upsert, delete', async () => {
    const row = await tables.createRow({ ...base, rowId: 'r1', data: { title: 'Buy milk' } });
    expect(row).toMatchObject({
      $id: 'r1',
      $tableId: 'tasks',
      $databaseId: db,
      title: 'Buy milk',
      points: 0,
      done: false,
      $permissions: [],
    });
    expect(typeof row.$sequence).toBe('string');
    expect(row.$createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    expect(await tables.getRow({ ...base, rowId: 'r1' })).toEqual(row);
    const updated = await tables.updateRow({ ...base, rowId: 'r1', data: { done: true } });
    expect(updated).toMatchObject({ title: 'Buy milk', done: true });
    expect(await tables.upsertRow({ ...base, rowId: 'r2', data: { title: 'New' } })).toMatchObject({
      $id: 'r2',
      title: 'New',
    });
    // An upsert of a row that exists still sends its required columns (title): Appwrite carries
    // over only the optional ones (tablesdb-rows-parity.test.ts).
    expect(
      await tables.upsertRow({ ...base, rowId: 'r2', data: { title: 'Newer', points: 5 } }),
    ).toMatchObject({ title: 'Newer', points: 5 });
    await tables.deleteRow({ ...base, rowId: 'r2' });
    expect(await failure(tables.getRow({ ...base, rowId: 'r2' }))).toEqual({
      code: 404,
      type: 'row_not_found',
    });
    expect(
      await failure(
        tables.createRow<Models.DefaultRow>({ ...base, rowId: 'r1', data: { title: 'dup' } }),
      ),
    ).toEqual({ code: 409, type: 'row_already_exists' });
    expect(
      await failure(
        tables.createRow<Models.DefaultRow>({
          ...base,
          rowId: ID.unique(),
          data: { title: 'x', nope: 1 },
        }),
      ),
    ).toEqual({ code: 400, type: 'row_invalid_structure' });
    expect(
      await failure(
        tables.createRow<Models.DefaultRow>({ ...base, rowId: ID.unique(), data: { points: 1 } }),
      ),
    ).toEqual({ code: 400, type: 'row_invalid_structure' });
    expect(
      await failure(
        tables.updateRow<Models.DefaultRow>({ ...base, rowId: 'ghost', data: { points: 1 } }),
      ),
    ).toEqual({ code: 404, type: 'row_not_found' });
    expect(await failure(tables.listRows({ databaseId: db, tableId: 'ghost' }))).toEqual({
      code: 404,
      type: 'table_not_found',
    });
  });

  test('bulk create, update, upsert and delete; increment and decrement', async () => {
    const created = await tables.createRows({
      ...base,
      rows: [
        { $id: 'b1', title: 'alpha', points: 10 },
        { $id: 'b2', title: 'beta', points: 20 },
        { $id: 'b3', title: 'gamma', points: 30 },
      ],
    });
    expect(created.total).toBe(3);
    const updated = await tables.updateRows({
      ...base,
      data: { done: true },
      queries: [Query.greaterThan('points', 15)],
    });
    expect(updated.rows.map((r) => r.$id).sort()).toEqual(['b2', 'b3']);
    const upserted = await tables.upsertRows({
      ...base,
      rows: [
        { $id: 'b1', title: 'alpha!' },
        { $id: 'b4', title: 'delta' },
      ],
    });
    expect(upserted.rows.map((r) => r.title)).toEqual(['alpha!', 'delta']);
    expect(
      (await tables.incrementRowColumn({ ...base, rowId: 'b1', column: 'points', value: 5 }))
        .points,
    ).toBe(15);
    expect(
      (
        await tables.decrementRowColumn({
          ...base,
          rowId: 'b1',
          column: 'points',
          value: 15,
          min: 0,
        })
      ).points,
    ).toBe(0);
    expect(
      await failure(
        tables.decrementRowColumn({ ...base, rowId: 'b1', column: 'points', value: 1 }),
      ),
    ).toEqual({ code: 400, type: 'column_limit_exceeded' });
    expect(
      await failure(
        tables.incrementRowColumn({ ...base, rowId: 'b3', column: 'points', value: 71 }),
      ),
    ).toEqual({ code: 400, type: 'column_limit_exceeded' });
    const deleted = await tables.deleteRows({ ...base, queries: [Query.startsWith('$id', 'b')] });
    expect(deleted.total).toBe(4);
    expect(await failure(tables.getRow({ ...base, rowId: 'b1' }))).toEqual({
      code: 404,
      type: 'row_not_found',
    });
  });

  test('queries through the SDK: filters, search, order, cursor, select, total=false', async () => {
    await tables.createRows({
      ...base,
      rows: Array.from({ length: 30 }, (_, i) => ({
        $id: `q${String(i).padStart(2, '0')}`,
        title: `query row ${i % 2 ? 'odd' : 'even'}`,
        points: i,
      })),
    });
    const page = await tables.listRows({
      ...base,
      queries: [Query.equal('points', [3, 4]), Query.orderDesc('points')],
    });
    expect(page.rows.map((r) => r.$id)).toEqual(['q04', 'q03']);
    expect(page.total).toBe(2);
    const search = await tables.listRows({
      ...base,
      queries: [Query.search('title', 'odd'), Query.limit(100)],
    });
    expect(search.total).toBe(15);
    const first = await tables.listRows({
      ...base,
      queries: [Query.startsWith('$id', 'q'), Query.limit(10)],
    });
    const next = await tables.listRows({
      ...base,
      queries: [
        Query.startsWith('$id', 'q'),
        Query.limit(10),
        Query.cursorAfter(first.rows[9]?.$id ?? ''),
      ],
    });
    expect(next.rows[0]?.$id).toBe('q10');
    const all = await tables.listRows({ ...base, queries: [Query.startsWith('$id', 'q')] });
    expect(all.rows).toHaveLength(25);
    expect(all.total).toBe(30);
    const noTotal = await tables.listRows({ ...base, queries: [Query.limit(1)], total: false });
    expect(noTotal.total).toBe(0);
    const selected = await tables.listRows({
      ...base,
      queries: [Query.select(['title']), Query.limit(1)],
    });
    expect(selected.rows[0]).not.toHaveProperty('points');
    expect(await failure(tables.listRows({ ...base, queries: [Query.equal('ghost', 1)] }))).toEqual(
      { code: 400, type: 'general_query_invalid' },
    );
    expect(await failure(tables.listRows({ ...base, queries: ['not json'] }))).toEqual({
      code: 400,
      type: 'general_query_invalid',
    });
    expect(
      await failure(tables.listRows({ ...base, queries: [Query.cursorAfter('ghost')] })),
    ).toEqual({ code: 400, type: 'general_cursor_not_found' });
    expect(
      await failure(tables.listRows({ ...base, queries: [Query.search('ghost', 'x')] })),
    ).toEqual({ code: 400, type: 'general_query_invalid' });
  });
});

describe('legacy Databases paths (what appwrite-cli 12 uses)', () => {
  beforeAll(async () => {
    await tables.createTable({
      databaseId: db,
      tableId: 'legacy',
      name: 'legacy',
      permissions: [],
    });
  });

  test('attributes and indexes speak the legacy shape and error names', async () => {
    const base = { databaseId: db, collectionId: 'legacy' };
    const attr = await databases.createStringAttribute({
      ...base,
      key: 'title',
      size: 20,
      required: false,
    });
    expect(attr).toMatchObject({ key: 'title', type: 'string', status: 'available', size: 20 });
    await databases.createEmailAttribute({ ...base, key: 'mail', required: false });
    const list = await databases.listAttributes(base);
    expect(list.attributes.map((a) => [a.key, a.status])).toEqual([
      ['title', 'available'],
      ['mail', 'available'],
    ]);
    const index = await databases.createIndex({
      ...base,
      key: 'idx_title',
      type: DatabasesIndexType.Key,
      attributes: ['title'],
      orders: ['ASC' as never],
    });
    expect(index).toMatchObject({ key: 'idx_title', attributes: ['title'], orders: ['ASC'] });
    expect(index).not.toHaveProperty('columns');
    expect((await databases.listIndexes(base)).indexes[0]).toMatchObject({ attributes: ['title'] });
    // TablesDB still reads it with `columns` (appwrite-cli re-push stays a no-op).
    const table = await tables.getTable({ databaseId: db, tableId: 'legacy' });
    expect(table.indexes[0]).toMatchObject({ key: 'idx_title', columns: ['title'] });
    expect(table.indexes[0]).not.toHaveProperty('attributes');
    expect(await failure(databases.getDocument({ ...base, documentId: 'ghost' }))).toEqual({
      code: 404,
      type: 'document_not_found',
    });
    expect(await failure(databases.getAttribute({ ...base, key: 'ghost' }))).toEqual({
      code: 404,
      type: 'attribute_not_found',
    });
    expect(
      await failure(databases.getCollection({ databaseId: db, collectionId: 'ghost' })),
    ).toEqual({ code: 404, type: 'collection_not_found' });
    expect(
      await failure(
        databases.createIndex({
          ...base,
          key: 'idx_title',
          type: DatabasesIndexType.Key,
          attributes: ['title'],
        }),
      ),
    ).toEqual({ code: 409, type: 'index_already_exists' });
    const doc = await databases.createDocument({
      ...base,
      documentId: 'd1',
      data: { title: 'hello' },
    });
    expect(doc).toMatchObject({ $id: 'd1', $collectionId: 'legacy', title: 'hello' });
    expect(doc).not.toHaveProperty('$tableId');
  });

  test('$sequence is an integer for response format 1.8.0 (appwrite-cli) and a string for 1.9.5', async () => {
    const path = `/tablesdb/${db}/tables/legacy/rows/d1`;
    const headers = { 'x-appwrite-key': server.apiKey };
    const cli = await call(server, 'GET', path, {
      headers: { ...headers, 'x-appwrite-response-format': '1.8.0' },
    });
    const sdk = await call(server, 'GET', path, {
      headers: { ...headers, 'x-appwrite-response-format': '1.9.5' },
    });
    expect(typeof cli.json.$sequence).toBe('number');
    expect(typeof sdk.json.$sequence).toBe('string');
  });
});

test('transaction paths are not mistaken for a database id; an unknown transaction is 404', async () => {
  expect((await tables.listTransactions({})).total).toBeGreaterThanOrEqual(0);
  expect(await failure(tables.getTransaction({ transactionId: 'abc' }))).toEqual({
    code: 404,
    type: 'transaction_not_found',
  });
  expect(
    await failure(
      tables.createRow<Models.DefaultRow>({
        databaseId: db,
        tableId: 'tasks',
        rowId: 'tx',
        data: { title: 'x' },
        transactionId: 'abc',
      }),
    ),
  ).toEqual({ code: 404, type: 'transaction_not_found' });
});

describe('scopes', () => {
  const scenarios: [string, string[], string, string, unknown, number][] = [
    [
      'rows.read cannot create a row',
      ['rows.read'],
      'POST',
      `/tablesdb/${db}/tables/tasks/rows`,
      { rowId: 'unique()', data: { title: 'x' } },
      401,
    ],
    [
      'rows.write can create a row',
      ['rows.write'],
      'POST',
      `/tablesdb/${db}/tables/tasks/rows`,
      { rowId: 'unique()', data: { title: 'x' } },
      201,
    ],
    [
      'documents.write also counts on TablesDB',
      ['documents.write'],
      'POST',
      `/tablesdb/${db}/tables/tasks/rows`,
      { rowId: 'unique()', data: { title: 'y' } },
      201,
    ],
    [
      'rows.write cannot add a column',
      ['rows.write'],
      'POST',
      `/tablesdb/${db}/tables/tasks/columns/boolean`,
      { key: 'z', required: false },
      401,
    ],
    [
      'tables.read cannot delete a table',
      ['tables.read'],
      'DELETE',
      `/tablesdb/${db}/tables/tasks`,
      undefined,
      401,
    ],
    ['databases.read can list databases', ['databases.read'], 'GET', '/tablesdb', undefined, 200],
    ['a guest cannot list tables', [], 'GET', `/tablesdb/${db}/tables`, undefined, 401],
  ];
  test.each(scenarios)('%s', async (_name, scopes, method, path, body, status) => {
    const headers: Record<string, string> = scopes.length
      ? { 'x-appwrite-key': server.keyWith(scopes) }
      : {};
    const response = await call(server, method, path, { headers, body });
    expect(response.status).toBe(status);
    if (status === 401) expect(response.json.type).toBe('general_unauthorized_scope');
  });
});
