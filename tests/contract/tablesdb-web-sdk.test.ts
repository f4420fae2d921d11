// @vitest-environment jsdom
import {
  Account,
  AppwriteException,
  Client,
  ID,
  type Models,
  Permission,
  Query,
  Role,
  TablesDB,
} from 'appwrite';
import {
  Client as ServerClient,
  TablesDB as ServerTablesDB,
  TablesDBIndexType,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * TablesDB through the real web SDK 28.0.0 in a jsdom window, signed in through the
 * `X-Fallback-Cookies` path (Node's fetch keeps no cookies). The schema is made with node-appwrite
 * and an API key, as a project's deploy would.
 */

const storage = () => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage;

let server: LocalServer;
let tables: TablesDB;
let account: Account;
const base = { databaseId: 'web', tableId: 'notes' };

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
  storage().clear();
  const admin = new ServerTablesDB(
    new ServerClient()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setKey(server.apiKey),
  );
  await admin.create({ databaseId: 'web', name: 'web' });
  await admin.createTable({
    ...base,
    name: 'notes',
    rowSecurity: true,
    permissions: [Permission.create(Role.users())],
  });
  await admin.createStringColumn({ ...base, key: 'body', size: 200, required: true });
  await admin.createIntegerColumn({ ...base, key: 'likes', required: false, min: 0, xdefault: 0 });
  await admin.createIndex({
    ...base,
    key: 'ft',
    type: TablesDBIndexType.Fulltext,
    columns: ['body'],
  });
  await admin.createRow({
    ...base,
    rowId: 'public',
    data: { body: 'hello everyone' },
    permissions: [Permission.read(Role.any())],
  });
  await admin.createRow({
    ...base,
    rowId: 'hidden',
    data: { body: 'for admins only' },
    permissions: [],
  });
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  tables = new TablesDB(client);
  account = new Account(client);
});
afterAll(() => server.close());

describe('web SDK TablesDB', () => {
  it('a guest reads public rows only and cannot create', async () => {
    const list = await tables.listRows({ ...base });
    expect(list.rows.map((r) => r.$id)).toEqual(['public']);
    expect(JSON.stringify(list)).not.toContain('for admins only');
    expect(await failure(tables.getRow({ ...base, rowId: 'hidden' }))).toEqual([
      404,
      'row_not_found',
    ]);
    expect(
      await failure(
        tables.createRow<Models.DefaultRow>({ ...base, rowId: ID.unique(), data: { body: 'x' } }),
      ),
    ).toEqual([401, 'user_unauthorized']);
  });

  it('a signed-in user creates, reads, updates, increments, searches and deletes their own rows', async () => {
    const user = await account.create({
      userId: ID.unique(),
      email: 'tables@example.com',
      password: 'correct-horse-battery',
    });
    await account.createEmailPasswordSession({
      email: 'tables@example.com',
      password: 'correct-horse-battery',
    });
    const row = await tables.createRow({ ...base, rowId: 'mine', data: { body: 'my first note' } });
    expect(row.$permissions).toEqual([
      `read("user:${user.$id}")`,
      `update("user:${user.$id}")`,
      `delete("user:${user.$id}")`,
    ]);
    expect(row.$sequence).toBe('3');
    expect(
      (await tables.updateRow({ ...base, rowId: 'mine', data: { body: 'my edited note' } })).body,
    ).toBe('my edited note');
    expect(
      (await tables.incrementRowColumn({ ...base, rowId: 'mine', column: 'likes' })).likes,
    ).toBe(1);
    const found = await tables.listRows({ ...base, queries: [Query.search('body', 'edited')] });
    expect(found.rows.map((r) => r.$id)).toEqual(['mine']);
    const visible = await tables.listRows({ ...base, queries: [Query.orderDesc('$createdAt')] });
    expect(visible.rows.map((r) => r.$id)).toEqual(['mine', 'public']);
    expect(
      await failure(
        tables.updateRow<Models.DefaultRow>({
          ...base,
          rowId: 'public',
          data: { body: 'defaced' },
        }),
      ),
    ).toEqual([401, 'user_unauthorized']);
    await tables.deleteRow({ ...base, rowId: 'mine' });
    expect(await failure(tables.getRow({ ...base, rowId: 'mine' }))).toEqual([
      404,
      'row_not_found',
    ]);
  });
});
