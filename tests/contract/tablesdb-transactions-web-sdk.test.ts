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
import { Client as ServerClient, TablesDB as ServerTablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Transactions from the browser: the web SDK 28.0.0 in a jsdom window, signed in through
 * `X-Fallback-Cookies`, staging through the row routes and createOperations and committing or
 * rolling back its own transaction. The schema is made with node-appwrite and a key.
 */

const storage = () => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage;

let server: LocalServer;
let tables: TablesDB;
let account: Account;
let userId: string;
const base = { databaseId: 'web', tableId: 'cart' };

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return [error.code, error.type];
    throw error;
  }
  throw new Error('expected the call to fail');
}

const ids = async (transactionId?: string) =>
  (
    await tables.listRows({
      ...base,
      queries: [Query.orderAsc('$id')],
      ...(transactionId ? { transactionId } : {}),
    })
  ).rows.map((r) => r.$id);

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
    name: 'cart',
    rowSecurity: true,
    permissions: [Permission.create(Role.users())],
  });
  await admin.createStringColumn({ ...base, key: 'item', size: 50, required: true });
  await admin.createIntegerColumn({ ...base, key: 'qty', required: false, min: 0, xdefault: 0 });
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  tables = new TablesDB(client);
  account = new Account(client);
  const user = await account.create({
    userId: ID.unique(),
    email: 'shopper@example.com',
    password: 'correct-horse-battery',
  });
  userId = user.$id;
  await account.createEmailPasswordSession({
    email: 'shopper@example.com',
    password: 'correct-horse-battery',
  });
});
afterAll(() => server.close());

describe('web SDK 28 transactions', () => {
  it('stages rows, reads them inside only, and commits them at once', async () => {
    const txn = await tables.createTransaction({ ttl: 120 });
    expect(txn.status).toBe('pending');
    const transactionId = txn.$id;
    const staged = await tables.createRow({
      ...base,
      rowId: 'apple',
      data: { item: 'apple', qty: 1 },
      transactionId,
    });
    expect(staged.$permissions).toEqual([
      `read("user:${userId}")`,
      `update("user:${userId}")`,
      `delete("user:${userId}")`,
    ]);
    await tables.createOperations({
      transactionId,
      operations: [
        {
          action: 'create',
          ...base,
          rowId: 'pear',
          data: { item: 'pear', qty: 2, $permissions: [Permission.read(Role.user(userId))] },
        },
        { action: 'create', ...base, rowId: 'plum', data: { item: 'plum' } },
        { action: 'increment', ...base, rowId: 'apple', data: { column: 'qty', value: 4 } },
      ],
    });
    expect(await ids()).toEqual([]);
    expect(await ids(transactionId)).toEqual(['apple', 'pear']);
    expect((await tables.getRow({ ...base, rowId: 'apple', transactionId })).qty).toBe(5);
    expect(await failure(tables.getRow({ ...base, rowId: 'apple' }))).toEqual([
      404,
      'row_not_found',
    ]);

    const done = await tables.updateTransaction({ transactionId, commit: true });
    expect(done).toMatchObject({ status: 'committed', operations: 4 });
    expect(await ids()).toEqual(['apple', 'pear']);
    expect((await tables.getRow({ ...base, rowId: 'apple' })).qty).toBe(5);
    // createOperations' create without `$permissions` gives the row none, as Appwrite: with row
    // security and no table-level read, nobody but a key reads it back.
    expect(await failure(tables.getRow({ ...base, rowId: 'plum' }))).toEqual([
      404,
      'row_not_found',
    ]);
  });

  it('rolls back, deletes and lists its own transactions', async () => {
    const txn = await tables.createTransaction();
    await tables.deleteRow({ ...base, rowId: 'apple', transactionId: txn.$id });
    expect(await ids(txn.$id)).toEqual(['pear']);
    const rolled = await tables.updateTransaction({ transactionId: txn.$id, rollback: true });
    expect(rolled.status).toBe('failed');
    expect(await ids()).toEqual(['apple', 'pear']);
    const mine = await tables.listTransactions({ queries: [Query.equal('status', 'failed')] });
    expect(mine.transactions.map((t) => t.$id)).toEqual([txn.$id]);
    await tables.deleteTransaction({ transactionId: txn.$id });
    expect(await failure(tables.getTransaction({ transactionId: txn.$id }))).toEqual([
      404,
      'transaction_not_found',
    ]);
  });

  it('refuses what a user may not stage and a guest sees no transaction', async () => {
    const txn = await tables.createTransaction();
    expect(
      await failure(
        tables.createOperations({
          transactionId: txn.$id,
          operations: [{ action: 'bulkDelete', ...base, data: { queries: [] } }],
        }),
      ),
    ).toEqual([401, 'user_unauthorized']);
    expect(
      await failure(
        tables.createRow<Models.DefaultRow>({
          ...base,
          rowId: 'x',
          data: { item: 'x' },
          permissions: [Permission.read(Role.any()), Permission.update(Role.user('someone'))],
          transactionId: txn.$id,
        }),
      ),
    ).toEqual([401, 'user_unauthorized']);
    await account.deleteSession({ sessionId: 'current' });
    expect(await failure(tables.getTransaction({ transactionId: txn.$id }))).toEqual([
      404,
      'transaction_not_found',
    ]);
  });
});
