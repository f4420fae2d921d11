import {
  AppwriteException,
  Client,
  Databases,
  type Models,
  Permission,
  Query,
  Role,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { isoDate } from '../../emulator/core/platform/time.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * TablesDB transactions through node-appwrite 27.1.0, as Appwrite 1.9.5 has them: staging through
 * the row routes and createOperations, reads inside and outside, a commit that writes all or
 * nothing and announces only after, rollback, expiry, the 100-operation limit, conflicts, and the
 * permission checks of both the staging and the commit. Events are read from the event bus that
 * Realtime, triggers and webhooks listen to.
 */

let server: LocalServer;
let admin: TablesDB;
let alice: TablesDB;
let bob: TablesDB;
let aliceId: string;
let seen: AppwriteEvent[] = [];
const db = { databaseId: 'shop' };
const items = { databaseId: 'shop', tableId: 'items' };

async function failure(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return [error.code, error.type as string];
    throw error;
  }
  throw new Error('expected the call to fail');
}

function clientFor(setup: (client: Client) => Client): Client {
  return setup(new Client().setEndpoint(server.endpoint).setProject(server.projectId));
}

async function rowIds(tables: TablesDB, transactionId?: string): Promise<string[]> {
  const list = await tables.listRows({
    ...items,
    queries: [Query.orderAsc('$id')],
    ...(transactionId ? { transactionId } : {}),
  });
  return list.rows.map((r) => r.$id);
}

/** The row events for `items`, as `action rowId`. */
function itemEvents(): string[] {
  return seen
    .filter((e) => e.params.tableId === 'items')
    .map((e) => `${e.pattern.split('.').pop()} ${e.params.rowId}`);
}

beforeAll(async () => {
  server = await startLocalServer();
  const key = clientFor((c) => c.setKey(server.apiKey));
  admin = new TablesDB(key);
  const users = new Users(key);
  for (const name of ['alice', 'bob']) {
    await users.create({ userId: name, email: `${name}@example.com`, password: 'correct horse' });
  }
  aliceId = 'alice';
  const sessionOf = async (userId: string) =>
    new TablesDB(clientFor((c) => c).setSession((await users.createSession({ userId })).secret));
  alice = await sessionOf('alice');
  bob = await sessionOf('bob');
  await admin.create({ ...db, name: 'shop' });
  await admin.createTable({
    ...items,
    name: 'items',
    rowSecurity: true,
    permissions: [
      Permission.read(Role.any()),
      Permission.create(Role.users()),
      Permission.update(Role.user('alice')),
    ],
  });
  await admin.createStringColumn({ ...items, key: 'name', size: 50, required: false });
  await admin.createIntegerColumn({ ...items, key: 'stock', required: false, min: 0, max: 100 });
  server.app.emulator.events.subscribe((event) => seen.push(event));
});
afterAll(() => server.close());

beforeEach(async () => {
  await admin.deleteRows({ ...items });
  seen = [];
});

describe('a transaction', () => {
  test('is created pending with a TTL of 300 s by default, 60–3600 s when given', async () => {
    const before = Date.now();
    const txn = await admin.createTransaction();
    expect(txn).toMatchObject({ status: 'pending', operations: 0 });
    const ttl = Date.parse(txn.expiresAt) - Date.parse(txn.$createdAt);
    expect(ttl).toBe(300_000);
    expect(Date.parse(txn.$createdAt)).toBeGreaterThanOrEqual(before - 1000);
    const short = await admin.createTransaction({ ttl: 60 });
    expect(Date.parse(short.expiresAt) - Date.parse(short.$createdAt)).toBe(60_000);
    expect(await failure(admin.createTransaction({ ttl: 59 }))).toEqual([
      400,
      'general_argument_invalid',
    ]);
    expect(await failure(admin.createTransaction({ ttl: 3601 }))).toEqual([
      400,
      'general_argument_invalid',
    ]);
    expect(await admin.getTransaction({ transactionId: txn.$id })).toEqual(txn);
  });

  test("is a user's own: another user neither gets nor lists nor uses it (404)", async () => {
    const mine = await alice.createTransaction();
    expect((await alice.getTransaction({ transactionId: mine.$id })).$id).toBe(mine.$id);
    expect(await failure(bob.getTransaction({ transactionId: mine.$id }))).toEqual([
      404,
      'transaction_not_found',
    ]);
    const bobs = await bob.listTransactions();
    expect(bobs.transactions.map((t) => t.$id)).not.toContain(mine.$id);
    expect(await failure(bob.updateTransaction({ transactionId: mine.$id, commit: true }))).toEqual(
      [404, 'transaction_not_found'],
    );
    expect(
      await failure(
        bob.createRow<Models.DefaultRow>({
          ...items,
          rowId: 'x',
          data: { name: 'x' },
          transactionId: mine.$id,
        }),
      ),
    ).toEqual([404, 'transaction_not_found']);
    // A key sees every transaction.
    const all = await admin.listTransactions({ queries: [Query.equal('status', 'pending')] });
    expect(all.transactions.map((t) => t.$id)).toContain(mine.$id);
    await alice.deleteTransaction({ transactionId: mine.$id });
    expect(await failure(alice.getTransaction({ transactionId: mine.$id }))).toEqual([
      404,
      'transaction_not_found',
    ]);
  });
});

describe('staging and committing', () => {
  test('row routes stage; outside reads see nothing, inside reads see the staged rows; the commit writes them and only then announces', async () => {
    await admin.createRow({ ...items, rowId: 'old', data: { name: 'old', stock: 5 } });
    seen = [];
    const txn = await alice.createTransaction();
    const transactionId = txn.$id;
    const staged = await alice.createRow({
      ...items,
      rowId: 'new',
      data: { name: 'new', stock: 1 },
      transactionId,
    });
    expect(staged).toMatchObject({ $id: 'new', $tableId: 'items', name: 'new', stock: 1 });
    expect(staged.$permissions).toEqual([
      `read("user:${aliceId}")`,
      `update("user:${aliceId}")`,
      `delete("user:${aliceId}")`,
    ]);
    const updated = await alice.updateRow({
      ...items,
      rowId: 'old',
      data: { name: 'renamed' },
      transactionId,
    });
    expect(updated).toMatchObject({ $id: 'old', name: 'renamed', stock: 5 });
    await alice.incrementRowColumn({
      ...items,
      rowId: 'old',
      column: 'stock',
      value: 2,
      transactionId,
    });
    expect((await alice.getTransaction({ transactionId })).operations).toBe(3);

    // Outside the transaction nothing changed, and nothing was announced.
    expect(await rowIds(alice)).toEqual(['old']);
    expect((await alice.getRow({ ...items, rowId: 'old' })).name).toBe('old');
    expect(await failure(alice.getRow({ ...items, rowId: 'new' }))).toEqual([404, 'row_not_found']);
    expect(itemEvents()).toEqual([]);

    // Inside, the staged writes are there.
    expect(await rowIds(alice, transactionId)).toEqual(['new', 'old']);
    const inside = await alice.getRow({ ...items, rowId: 'old', transactionId });
    expect(inside).toMatchObject({ name: 'renamed', stock: 7 });
    expect((await alice.getRow({ ...items, rowId: 'new', transactionId })).stock).toBe(1);

    const committed = await alice.updateTransaction({ transactionId, commit: true });
    expect(committed).toMatchObject({ $id: transactionId, status: 'committed', operations: 3 });
    expect(await rowIds(alice)).toEqual(['new', 'old']);
    expect(await alice.getRow({ ...items, rowId: 'old' })).toMatchObject({
      name: 'renamed',
      stock: 7,
    });
    expect(itemEvents()).toEqual(['create new', 'update old', 'update old']);
    expect(
      seen.filter((e) => e.params.tableId === 'items').every((e) => e.userId === aliceId),
    ).toBe(true);
    // A committed transaction is done with.
    expect(await failure(alice.updateTransaction({ transactionId, commit: true }))).toEqual([
      400,
      'transaction_not_ready',
    ]);
    expect(
      await failure(
        alice.createRow<Models.DefaultRow>({
          ...items,
          rowId: 'late',
          data: { name: 'x' },
          transactionId,
        }),
      ),
    ).toEqual([400, 'transaction_not_ready']);
  });

  test('createOperations takes every action Appwrite accepts; the commit applies them in order', async () => {
    for (const [rowId, stock] of [
      ['keep', 10],
      ['gone', 3],
      ['up', 4],
    ] as const) {
      await admin.createRow({ ...items, rowId, data: { name: rowId, stock } });
    }
    seen = [];
    const txn = await admin.createTransaction();
    const op = (action: string, rowId: string, data?: object) => ({
      action,
      ...items,
      rowId,
      ...(data ? { data } : {}),
    });
    const after = await admin.createOperations({
      transactionId: txn.$id,
      operations: [
        op('create', 'fresh', { name: 'fresh', stock: 1 }),
        op('update', 'fresh', { name: 'fresher' }),
        op('increment', 'keep', { column: 'stock', value: 5 }),
        op('decrement', 'keep', { column: 'stock', value: 2, min: 0 }),
        op('upsert', 'up', { name: 'upserted', stock: 40 }),
        op('upsert', 'brand', { name: 'brand', stock: 2 }),
        op('delete', 'gone'),
        {
          action: 'bulkUpdate',
          ...items,
          data: { queries: [Query.equal('$id', ['keep'])], data: { name: 'bulk' } },
        },
      ],
    });
    expect(after).toMatchObject({ status: 'pending', operations: 8 });
    expect(await rowIds(admin)).toEqual(['gone', 'keep', 'up']);
    await admin.updateTransaction({ transactionId: txn.$id, commit: true });
    const rows = Object.fromEntries(
      (await admin.listRows({ ...items })).rows.map((r) => [r.$id, [r.name, r.stock]]),
    );
    expect(rows).toEqual({
      brand: ['brand', 2],
      fresh: ['fresher', 1],
      keep: ['bulk', 13],
      up: ['upserted', 40],
    });
    // Bulk operations announce nothing; an upsert is announced as an update; the delete with the row.
    expect(itemEvents()).toEqual([
      'create fresh',
      'update fresh',
      'update keep',
      'update keep',
      'update up',
      'update brand',
      'delete gone',
    ]);
    const deleted = seen.find((e) => e.pattern.endsWith('.delete'));
    expect(deleted?.payload).toMatchObject({ $id: 'gone', name: 'gone', stock: 3 });
  });

  test('createOperations checks each operation as Appwrite does', async () => {
    const txn = await admin.createTransaction();
    const transactionId = txn.$id;
    const invalid = [
      [{ action: 'create', ...items, data: {} }],
      [{ action: 'explode', ...items, rowId: 'a', data: {} }],
      [{ action: 'create', databaseId: 'shop', rowId: 'a', data: {} }],
      [{ action: 'increment', ...items, rowId: 'a', data: { value: 1 } }],
      [{ action: 'bulkDelete', ...items, data: {} }],
    ];
    for (const operations of invalid) {
      expect(await failure(admin.createOperations({ transactionId, operations }))).toEqual([
        400,
        'general_argument_invalid',
      ]);
    }
    expect(await failure(admin.createOperations({ transactionId, operations: [] }))).toEqual([
      400,
      'general_bad_request',
    ]);
    const missing = (extra: object) => [{ action: 'update', rowId: 'nope', data: {}, ...extra }];
    expect(
      await failure(admin.createOperations({ transactionId, operations: missing(items) })),
    ).toEqual([404, 'document_not_found']);
    expect(
      await failure(
        admin.createOperations({
          transactionId,
          operations: missing({ databaseId: 'shop', tableId: 'nope' }),
        }),
      ),
    ).toEqual([404, 'collection_not_found']);
    expect(
      await failure(
        admin.createOperations({
          transactionId,
          operations: missing({ databaseId: 'nope', tableId: 'items' }),
        }),
      ),
    ).toEqual([404, 'database_not_found']);
    // An update of a row created earlier in the same list is fine.
    await admin.createOperations({
      transactionId,
      operations: [
        { action: 'create', ...items, rowId: 'made', data: { name: 'a' } },
        { action: 'update', ...items, rowId: 'made', data: { name: 'b' } },
      ],
    });
    expect((await admin.getTransaction({ transactionId })).operations).toBe(2);
    expect(
      await failure(admin.createOperations({ transactionId: 'nope', operations: missing(items) })),
    ).toEqual([404, 'transaction_not_found']);
  });

  test('a user stages only what they may: bulk actions, tables without the permission and roles they do not hold are 401', async () => {
    await admin.createRow({
      ...items,
      rowId: 'theirs',
      data: { name: 'theirs' },
      permissions: [Permission.read(Role.any())],
    });
    const txn = await bob.createTransaction();
    const transactionId = txn.$id;
    const refused = [
      { action: 'bulkCreate', ...items, data: [{ name: 'x' }] },
      { action: 'update', ...items, rowId: 'theirs', data: { name: 'mine now' } },
      { action: 'delete', ...items, rowId: 'theirs' },
      {
        action: 'create',
        ...items,
        rowId: 'x',
        data: { name: 'x', $permissions: [Permission.read(Role.user('alice'))] },
      },
    ];
    for (const operation of refused) {
      expect(
        await failure(bob.createOperations({ transactionId, operations: [operation] })),
      ).toEqual([401, 'user_unauthorized']);
    }
    expect((await bob.getTransaction({ transactionId })).operations).toBe(0);
  });
});

describe('all or nothing', () => {
  test('a failure in the middle of a commit writes nothing and fails the transaction', async () => {
    await admin.createRow({ ...items, rowId: 'taken', data: { name: 'taken', stock: 1 } });
    seen = [];
    const txn = await admin.createTransaction();
    await admin.createOperations({
      transactionId: txn.$id,
      operations: [
        { action: 'create', ...items, rowId: 'first', data: { name: 'first' } },
        { action: 'increment', ...items, rowId: 'taken', data: { column: 'stock', value: 1 } },
        { action: 'create', ...items, rowId: 'taken', data: { name: 'duplicate' } },
        { action: 'create', ...items, rowId: 'last', data: { name: 'last' } },
      ],
    });
    expect(
      await failure(admin.updateTransaction({ transactionId: txn.$id, commit: true })),
    ).toEqual([409, 'transaction_conflict']);
    expect(await rowIds(admin)).toEqual(['taken']);
    expect((await admin.getRow({ ...items, rowId: 'taken' })).stock).toBe(1);
    expect((await admin.getTransaction({ transactionId: txn.$id })).status).toBe('failed');
    expect(itemEvents()).toEqual([]);
  });

  test('a bound passed in the middle is 400 attribute_limit_exceeded and writes nothing', async () => {
    await admin.createRow({ ...items, rowId: 'full', data: { name: 'full', stock: 99 } });
    const txn = await admin.createTransaction();
    await admin.createRow({ ...items, rowId: 'a', data: { name: 'a' }, transactionId: txn.$id });
    await admin.incrementRowColumn({
      ...items,
      rowId: 'full',
      column: 'stock',
      value: 5,
      transactionId: txn.$id,
    });
    expect(
      await failure(admin.updateTransaction({ transactionId: txn.$id, commit: true })),
    ).toEqual([400, 'attribute_limit_exceeded']);
    expect(await rowIds(admin)).toEqual(['full']);
  });

  test('the commit checks the committer as a direct write would: a table closed since staging refuses it all', async () => {
    const txn = await alice.createTransaction();
    await alice.createRow({ ...items, rowId: 'a', data: { name: 'a' }, transactionId: txn.$id });
    await admin.updateTable({
      ...items,
      name: 'items',
      permissions: [Permission.read(Role.any())],
    });
    try {
      expect(
        await failure(alice.updateTransaction({ transactionId: txn.$id, commit: true })),
      ).toEqual([401, 'user_unauthorized']);
    } finally {
      await admin.updateTable({
        ...items,
        name: 'items',
        rowSecurity: true,
        permissions: [
          Permission.read(Role.any()),
          Permission.create(Role.users()),
          Permission.update(Role.user('alice')),
        ],
      });
    }
    expect(await rowIds(admin)).toEqual([]);
  });

  test('a row changed after an update was staged is a conflict (409), and nothing is written', async () => {
    await admin.createRow({ ...items, rowId: 'shared', data: { name: 'v1', stock: 1 } });
    const first = await admin.createTransaction();
    const second = await admin.createTransaction();
    for (const [txn, name] of [
      [first, 'first'],
      [second, 'second'],
    ] as const) {
      await admin.createOperations({
        transactionId: txn.$id,
        operations: [
          { action: 'create', ...items, rowId: `by-${name}`, data: { name } },
          { action: 'update', ...items, rowId: 'shared', data: { name } },
        ],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    await admin.updateTransaction({ transactionId: first.$id, commit: true });
    expect(
      await failure(admin.updateTransaction({ transactionId: second.$id, commit: true })),
    ).toEqual([409, 'transaction_conflict']);
    expect(await rowIds(admin)).toEqual(['by-first', 'shared']);
    expect((await admin.getRow({ ...items, rowId: 'shared' })).name).toBe('first');
  });
});

describe('rollback, expiry and the limit', () => {
  test('a rollback leaves nothing, and the transaction is done with', async () => {
    const txn = await admin.createTransaction();
    await admin.createRow({ ...items, rowId: 'a', data: { name: 'a' }, transactionId: txn.$id });
    await admin.createOperations({
      transactionId: txn.$id,
      operations: [{ action: 'create', ...items, rowId: 'b', data: { name: 'b' } }],
    });
    const rolled = await admin.updateTransaction({ transactionId: txn.$id, rollback: true });
    expect(rolled).toMatchObject({ status: 'failed', operations: 2 });
    expect(await rowIds(admin)).toEqual([]);
    expect(await rowIds(admin, txn.$id)).toEqual([]);
    expect(itemEvents()).toEqual([]);
    expect(
      await failure(admin.updateTransaction({ transactionId: txn.$id, commit: true })),
    ).toEqual([400, 'transaction_not_ready']);
    expect(await failure(admin.updateTransaction({ transactionId: txn.$id }))).toEqual([
      400,
      'general_bad_request',
    ]);
    expect(
      await failure(
        admin.updateTransaction({ transactionId: txn.$id, commit: true, rollback: true }),
      ),
    ).toEqual([400, 'general_bad_request']);
  });

  test('an expired transaction refuses staging and commit (410) and writes nothing', async () => {
    const txn = await admin.createTransaction({ ttl: 60 });
    await admin.createRow({ ...items, rowId: 'a', data: { name: 'a' }, transactionId: txn.$id });
    // Sixty seconds are too long to wait: move its expiry into the past.
    server.app.emulator.db
      .prepare('UPDATE tdb_transactions SET expires_at = ? WHERE id = ?')
      .run(isoDate(Date.now() - 1000), txn.$id);
    const expired: [number, string] = [410, 'transaction_expired'];
    expect(
      await failure(
        admin.createRow<Models.DefaultRow>({
          ...items,
          rowId: 'b',
          data: { name: 'b' },
          transactionId: txn.$id,
        }),
      ),
    ).toEqual(expired);
    expect(
      await failure(
        admin.createOperations({
          transactionId: txn.$id,
          operations: [{ action: 'create', ...items, rowId: 'c', data: { name: 'c' } }],
        }),
      ),
    ).toEqual(expired);
    expect(
      await failure(admin.updateTransaction({ transactionId: txn.$id, commit: true })),
    ).toEqual(expired);
    expect(await rowIds(admin)).toEqual([]);
    expect((await admin.getTransaction({ transactionId: txn.$id })).status).toBe('pending');
  });

  test('101 operations are refused (400 transaction_limit_exceeded), at once or one by one', async () => {
    const make = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        action: 'create',
        ...items,
        rowId: `r${from + i}`,
        data: { name: `r${from + i}` },
      }));
    const once = await admin.createTransaction();
    expect(
      await failure(admin.createOperations({ transactionId: once.$id, operations: make(0, 101) })),
    ).toEqual([400, 'transaction_limit_exceeded']);
    expect((await admin.getTransaction({ transactionId: once.$id })).operations).toBe(0);

    const txn = await admin.createTransaction();
    await admin.createOperations({ transactionId: txn.$id, operations: make(0, 50) });
    const full = await admin.createOperations({ transactionId: txn.$id, operations: make(50, 50) });
    expect(full.operations).toBe(100);
    expect(
      await failure(admin.createOperations({ transactionId: txn.$id, operations: make(100, 1) })),
    ).toEqual([400, 'transaction_limit_exceeded']);
    expect(
      await failure(
        admin.createRow<Models.DefaultRow>({
          ...items,
          rowId: 'r100',
          data: { name: 'x' },
          transactionId: txn.$id,
        }),
      ),
    ).toEqual([400, 'transaction_limit_exceeded']);
    await admin.updateTransaction({ transactionId: txn.$id, commit: true });
    expect((await admin.listRows({ ...items, queries: [Query.limit(1)] })).total).toBe(100);
  });
});

describe('the legacy Databases paths', () => {
  test('createTransaction, createDocument with it and commit work as on TablesDB', async () => {
    const legacy = new Databases(clientFor((c) => c.setKey(server.apiKey)));
    const txn = await legacy.createTransaction();
    const staged = (await legacy.createDocument<Models.DefaultDocument>({
      databaseId: 'shop',
      collectionId: 'items',
      documentId: 'doc',
      data: { name: 'doc' },
      transactionId: txn.$id,
    })) as Models.Document;
    expect(staged.$collectionId).toBe('items');
    await legacy.createOperations({
      transactionId: txn.$id,
      operations: [
        {
          action: 'increment',
          databaseId: 'shop',
          collectionId: 'items',
          documentId: 'doc',
          data: { attribute: 'stock', value: 3 },
        },
      ],
    });
    await legacy.updateTransaction({ transactionId: txn.$id, commit: true });
    expect((await admin.getRow({ ...items, rowId: 'doc' })).stock).toBe(3);
    expect(seen.map((e) => e.pattern)).toContain(
      'databases.[databaseId].collections.[collectionId].documents.[documentId].create',
    );
  });
});
