import { afterEach, describe, expect, test } from 'vitest';
import { openIdentity } from '../../emulator/core/identity/service.ts';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { type AppwriteEvent, EventBus } from '../../emulator/core/platform/events.ts';
import type { Principal } from '../../emulator/core/platform/principal.ts';
import { Storage } from '../../emulator/core/storage/service.ts';
import { openTablesDB } from '../../emulator/core/tablesdb/service.ts';

/**
 * Core writes announce themselves: the identity, TablesDB and Storage services, called directly (no
 * HTTP, no route), publish each change's Appwrite event on the bus they were built with, once the
 * change has committed, with the actor they were told (`{ by }`) and the dialect (`{ legacy }`); a
 * write that fails publishes nothing. The contract suites (tablesdb-events, realtime-*, functions-
 * triggers, functions-webhooks) check the same events through the routes.
 */

const KEY: Principal = { kind: 'key', keyId: 'k', scopes: new Set() };
const GUEST: Principal = { kind: 'guest', roles: ['guests'] };
const ANN: Principal = {
  kind: 'user',
  userId: 'ann',
  sessionId: null,
  roles: ['user:ann', 'users', 'user:ann/unverified', 'users/unverified'],
};

/** What a listener saw: the event, and whether a transaction was still open when it was published. */
type Heard = AppwriteEvent & { inTransaction: boolean };

/** A project's core on an in-memory database: table `main/notes`, bucket `box`, user `ann`. */
function openCore() {
  const db = openDatabase(':memory:');
  const bus = new EventBus();
  const identity = openIdentity(db, bus);
  const tablesdb = openTablesDB(db, bus);
  const storage = new Storage(db, null, bus);
  const { schema } = tablesdb;
  schema.createDatabase({ databaseId: 'main', name: 'main' }, 'tablesdb');
  schema.createTable('main', 'notes', {
    name: 'notes',
    permissions: ['create("users")', 'read("any")'],
  });
  schema.createColumn('main', 'notes', 'string', { key: 'body', size: 20, required: true });
  schema.createColumn('main', 'notes', 'integer', { key: 'n', required: false });
  storage.buckets.create('box', {
    name: 'box',
    permissions: ['create("any")', 'read("any")'],
    fileSecurity: false,
    enabled: true,
    maximumFileSize: 1000,
    allowedFileExtensions: [],
    compression: 'none',
    encryption: false,
    antivirus: false,
    transformations: false,
  });
  const heard: Heard[] = [];
  bus.subscribe((event) => heard.push({ ...event, inTransaction: db.inTransaction }));
  identity.users.create({
    id: 'ann',
    email: 'ann@example.com',
    phone: null,
    name: 'Ann',
    passwordHash: null,
  });
  heard.length = 0;
  return { db, bus, identity, tablesdb, storage, heard };
}

type Core = ReturnType<typeof openCore>;
let opened: Core | null = null;
afterEach(() => {
  opened?.storage.close();
  opened?.db.close();
  opened = null;
});

const upload = (c: Core, fileId: string, by?: string) =>
  c.storage.upload(
    by ? ANN : GUEST,
    {
      bucketId: 'box',
      fileId,
      permissions: undefined,
      file: { name: 'a.txt', data: Buffer.from('hello') },
      contentRange: undefined,
      appwriteId: undefined,
    },
    { by },
  );

/** An event heard: pattern, params (generated ids as `*`) and, when there is one, the actor. */
type Expected = [string, Record<string, string>, string?];

/**
 * Each row: who does what through the core, every event heard, in order (an empty list: nothing
 * fired), and the Appwrite error type when the core refuses the write.
 */
const scenarios: [string, (c: Core) => unknown, Expected[], string?][] = [
  [
    'a key creates a row → rows.[rowId].create, no actor',
    (c) => c.tablesdb.rowWrites.create(KEY, 'main', 'notes', 'r1', { body: 'hi' }, null),
    [
      [
        'databases.[databaseId].tables.[tableId].rows.[rowId].create',
        { databaseId: 'main', tableId: 'notes', rowId: 'r1' },
      ],
    ],
  ],
  [
    'a user creates a row, by: ann → the event names her',
    (c) =>
      c.tablesdb.rowWrites.create(ANN, 'main', 'notes', 'r1', { body: 'hi' }, null, { by: 'ann' }),
    [
      [
        'databases.[databaseId].tables.[tableId].rows.[rowId].create',
        { databaseId: 'main', tableId: 'notes', rowId: 'r1' },
        'ann',
      ],
    ],
  ],
  [
    'a row through the legacy paths → collections.[collectionId].documents.[documentId].create',
    (c) =>
      c.tablesdb.rowWrites.create(KEY, 'main', 'notes', 'r1', { body: 'hi' }, null, {
        legacy: true,
      }),
    [
      [
        'databases.[databaseId].collections.[collectionId].documents.[documentId].create',
        { databaseId: 'main', collectionId: 'notes', documentId: 'r1' },
      ],
    ],
  ],
  [
    'a bulk create of two rows → one create per row',
    (c) =>
      c.tablesdb.rowWrites.createMany(KEY, 'main', 'notes', [
        { $id: 'a', body: 'x' },
        { $id: 'b', body: 'y' },
      ]),
    [
      [
        'databases.[databaseId].tables.[tableId].rows.[rowId].create',
        { databaseId: 'main', tableId: 'notes', rowId: 'a' },
      ],
      [
        'databases.[databaseId].tables.[tableId].rows.[rowId].create',
        { databaseId: 'main', tableId: 'notes', rowId: 'b' },
      ],
    ],
  ],
  [
    'an increment → an update, as Appwrite labels it',
    async (c) => {
      await c.tablesdb.rowWrites.create(KEY, 'main', 'notes', 'r1', { body: 'hi', n: 1 }, null);
      c.heard.length = 0;
      await c.tablesdb.rowWrites.increment(KEY, 'main', 'notes', 'r1', 'n', 2, null, 'up');
    },
    [
      [
        'databases.[databaseId].tables.[tableId].rows.[rowId].update',
        { databaseId: 'main', tableId: 'notes', rowId: 'r1' },
      ],
    ],
  ],
  [
    'a guest may not create rows here → 401, no event',
    (c) => c.tablesdb.rowWrites.create(GUEST, 'main', 'notes', 'r1', { body: 'hi' }, null),
    [],
    'user_unauthorized',
  ],
  [
    'a row that breaks its column (too long) → 400, no event',
    (c) => c.tablesdb.rowWrites.create(KEY, 'main', 'notes', 'r1', { body: 'x'.repeat(21) }, null),
    [],
    'row_invalid_structure',
  ],
  [
    'a table created with a column and an index → one table create, none per column',
    (c) =>
      c.tablesdb.schemaWrites.createTable(
        'main',
        'tags',
        { name: 'tags' },
        [{ key: 'label', type: 'string', size: 10 }],
        [{ key: 'by_label', type: 'key', columns: ['label'] }],
        { by: 'ann' },
      ),
    [
      [
        'databases.[databaseId].tables.[tableId].create',
        { databaseId: 'main', tableId: 'tags' },
        'ann',
      ],
    ],
  ],
  [
    'a column dropped through the legacy paths → collections.[collectionId].attributes.[attributeId].delete',
    (c) => c.tablesdb.schemaWrites.deleteColumn('main', 'notes', 'n', { legacy: true }),
    [
      [
        'databases.[databaseId].collections.[collectionId].attributes.[attributeId].delete',
        { databaseId: 'main', collectionId: 'notes', attributeId: 'n' },
      ],
    ],
  ],
  [
    'a column that already exists → 409, no event',
    (c) =>
      c.tablesdb.schemaWrites.createColumn('main', 'notes', 'string', { key: 'body', size: 5 }),
    [],
    'column_already_exists',
  ],
  [
    'a user created → users.[userId].create',
    (c) =>
      c.identity.users.create(
        { id: 'bob', email: null, phone: null, name: '', passwordHash: null },
        { by: 'ann' },
      ),
    [['users.[userId].create', { userId: 'bob' }, 'ann']],
  ],
  [
    'a user whose email is taken → 409, no event',
    (c) =>
      c.identity.users.create({
        id: 'bob',
        email: 'ann@example.com',
        phone: null,
        name: '',
        passwordHash: null,
      }),
    [],
    'user_already_exists',
  ],
  [
    'a rename → users.[userId].update.name',
    (c) => c.identity.users.update('ann', { name: 'Anne' }, { event: 'update.name', by: 'ann' }),
    [['users.[userId].update.name', { userId: 'ann' }, 'ann']],
  ],
  [
    'an update of a missing user → 404, no event',
    (c) => c.identity.users.update('ghost', { name: 'x' }, { event: 'update.name' }),
    [],
    'user_not_found',
  ],
  [
    'a user deleted with no event (DELETE /account has no label) → nothing',
    (c) => c.identity.users.delete('ann', { event: null }),
    [],
  ],
  [
    'a session opened, then closed → its create and delete',
    (c) => {
      const { session } = c.identity.sessions.create('ann', { name: 'email', uid: '' }, '', '', []);
      c.identity.sessions.delete('ann', session.id, { by: 'ann' });
    },
    [
      ['users.[userId].sessions.[sessionId].create', { userId: 'ann', sessionId: '*' }],
      ['users.[userId].sessions.[sessionId].delete', { userId: 'ann', sessionId: '*' }, 'ann'],
    ],
  ],
  [
    'signing out everywhere, each session announced → one delete per session',
    (c) => {
      c.identity.sessions.create('ann', { name: 'email', uid: '' }, '', '', []);
      c.identity.sessions.create('ann', { name: 'email', uid: '' }, '', '', []);
      c.heard.length = 0;
      c.identity.sessions.deleteAll('ann', { event: 'sessions.[sessionId].delete' });
    },
    [
      ['users.[userId].sessions.[sessionId].delete', { userId: 'ann', sessionId: '*' }],
      ['users.[userId].sessions.[sessionId].delete', { userId: 'ann', sessionId: '*' }],
    ],
  ],
  [
    'a verification link used → users.[userId].verification.[tokenId].update',
    (c) => {
      const { secret } = c.identity.tokens.create('ann', 'verification');
      c.identity.tokens.consume('ann', 'verification', secret, { by: 'ann' });
    },
    [['users.[userId].verification.[tokenId].update', { userId: 'ann', tokenId: '*' }, 'ann']],
  ],
  [
    'a verification link with a wrong secret → nothing',
    (c) => {
      c.identity.tokens.create('ann', 'verification');
      c.identity.tokens.consume('ann', 'verification', 'wrong');
    },
    [],
  ],
  [
    'a file uploaded, renamed, deleted → its create, update and delete',
    async (c) => {
      await upload(c, 'f1', 'ann');
      c.storage.updateFile('box', 'f1', KEY, { name: 'b.txt' });
      await c.storage.deleteFile('box', 'f1', KEY, { by: 'ann' });
    },
    [
      ['buckets.[bucketId].files.[fileId].create', { bucketId: 'box', fileId: 'f1' }, 'ann'],
      ['buckets.[bucketId].files.[fileId].update', { bucketId: 'box', fileId: 'f1' }],
      ['buckets.[bucketId].files.[fileId].delete', { bucketId: 'box', fileId: 'f1' }, 'ann'],
    ],
  ],
  [
    'a guest renaming a file the bucket does not let them update → 401, no event',
    async (c) => {
      await upload(c, 'f1');
      c.heard.length = 0;
      c.storage.updateFile('box', 'f1', GUEST, { name: 'b.txt' });
    },
    [],
    'user_unauthorized',
  ],
];

/** Session and token ids are made up by the core: shown as `*`. */
function generatedIdsMasked(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, k === 'sessionId' || k === 'tokenId' ? '*' : v]),
  );
}

describe('core writes publish their own events, after commit', () => {
  test.each(scenarios)('%s', async (_name, act, expected, refused) => {
    const c = openCore();
    opened = c;
    let thrown: string | undefined;
    try {
      await act(c);
    } catch (error) {
      thrown = (error as { type?: string }).type ?? String(error);
    }
    expect(thrown).toBe(refused);
    const seen = c.heard.map((e) => [
      e.pattern,
      generatedIdsMasked(e.params),
      ...(e.userId === undefined ? [] : [e.userId]),
    ]);
    expect(seen).toEqual(expected);
    // Published once committed: no transaction was open when a listener heard it.
    expect(c.heard.filter((e) => e.inTransaction)).toEqual([]);
  });

  test('a used verification link is heard after the user it verifies is verified', () => {
    const c = openCore();
    opened = c;
    const verifiedWhenHeard: boolean[] = [];
    const { secret } = c.identity.tokens.create('ann', 'verification');
    // A second listener reads the user as the event arrives.
    c.bus.subscribe(() =>
      verifiedWhenHeard.push(c.identity.users.get('ann')?.emailVerification ?? false),
    );
    c.identity.tokens.consume('ann', 'verification', secret, {
      apply: () => c.identity.users.update('ann', { emailVerification: true }, { event: null }),
    });
    expect(c.heard.map((e) => e.pattern)).toEqual(['users.[userId].verification.[tokenId].update']);
    expect(verifiedWhenHeard).toEqual([true]);
  });
});
