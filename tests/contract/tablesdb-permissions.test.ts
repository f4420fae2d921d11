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
 * The permission matrix over HTTP with the real node-appwrite: guest, the row's owner, another
 * user, a `label:admin` user and an API key × get / list / create / update / delete × rowSecurity on
 * and off. Each table grants create to `users` and read/update/delete to `label:admin`; the row `n1`
 * is the owner's, with Appwrite's default row permissions (read/update/delete for `user:owner`).
 */

type Actor = 'guest' | 'owner' | 'other' | 'admin' | 'key';
type Act = 'get' | 'list' | 'create' | 'update' | 'delete';

interface Outcome {
  status: number;
  type?: string;
  /** For list: how many rows the caller sees. */
  rows?: number;
}

const SECRET = 'top-secret-body';
/** Strings that must never reach a caller who may not read the row, nor any error body. */
const LEAKS = [SECRET, 'SELECT', 'tdb_', 'sqlite', 'user:owner'];

const ok: Record<Act, Outcome> = {
  get: { status: 200 },
  list: { status: 200, rows: 1 },
  create: { status: 201 },
  update: { status: 200 },
  delete: { status: 204 },
};
const notFound: Outcome = { status: 404, type: 'row_not_found' };
const unauthorized: Outcome = { status: 401, type: 'user_unauthorized' };
const seesNone: Outcome = { status: 200, rows: 0 };

const matrix: Record<'on' | 'off', Record<Actor, Record<Act, Outcome>>> = {
  on: {
    guest: {
      get: notFound,
      list: seesNone,
      create: unauthorized,
      update: unauthorized,
      delete: unauthorized,
    },
    owner: ok,
    other: {
      get: notFound,
      list: seesNone,
      create: ok.create,
      update: unauthorized,
      delete: unauthorized,
    },
    admin: ok,
    key: ok,
  },
  off: {
    // Without rowSecurity the owner's row permissions are ignored: only the table counts.
    guest: {
      get: notFound,
      list: unauthorized,
      create: unauthorized,
      update: unauthorized,
      delete: unauthorized,
    },
    owner: {
      get: notFound,
      list: unauthorized,
      create: ok.create,
      update: unauthorized,
      delete: unauthorized,
    },
    other: {
      get: notFound,
      list: unauthorized,
      create: ok.create,
      update: unauthorized,
      delete: unauthorized,
    },
    admin: ok,
    key: ok,
  },
};

let server: LocalServer;
let admin: TablesDB;
const clients = {} as Record<Actor, TablesDB>;
const db = 'perm';

async function sessionFor(users: Users, id: string, labels: string[]): Promise<TablesDB> {
  await users.create({ userId: id, email: `${id}@example.com`, password: 'correct horse battery' });
  if (labels.length) await users.updateLabels({ userId: id, labels });
  const session = await users.createSession({ userId: id });
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  return new TablesDB(client.setSession(session.secret));
}

beforeAll(async () => {
  server = await startLocalServer();
  const keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  admin = new TablesDB(keyClient);
  const users = new Users(keyClient);
  clients.key = admin;
  clients.guest = new TablesDB(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId),
  );
  clients.owner = await sessionFor(users, 'owner', []);
  clients.other = await sessionFor(users, 'other', []);
  clients.admin = await sessionFor(users, 'admin', ['admin']);
  await admin.create({ databaseId: db, name: 'perm' });
  for (const security of ['on', 'off']) {
    const tableId = `notes_${security}`;
    await admin.createTable({
      databaseId: db,
      tableId,
      name: tableId,
      rowSecurity: security === 'on',
      permissions: [
        Permission.create(Role.users()),
        Permission.read(Role.label('admin')),
        Permission.update(Role.label('admin')),
        Permission.delete(Role.label('admin')),
      ],
    });
    await admin.createStringColumn({
      databaseId: db,
      tableId,
      key: 'body',
      size: 100,
      required: false,
    });
  }
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  // Reset the owner's row in both tables (created as the owner so the default permissions apply).
  for (const tableId of ['notes_on', 'notes_off']) {
    await admin.deleteRow({ databaseId: db, tableId, rowId: 'n1' }).catch(() => undefined);
    await admin.deleteRows({ databaseId: db, tableId });
  }
  await clients.owner.createRow({
    databaseId: db,
    tableId: 'notes_on',
    rowId: 'n1',
    data: { body: SECRET },
  });
  await admin.createRow({
    databaseId: db,
    tableId: 'notes_off',
    rowId: 'n1',
    data: { body: SECRET },
    permissions: [
      Permission.read(Role.user('owner')),
      Permission.update(Role.user('owner')),
      Permission.delete(Role.user('owner')),
    ],
  });
});

/** Runs one action and reports status, type, rows seen and the raw body text. */
async function attempt(actor: Actor, act: Act, tableId: string) {
  const t = clients[actor];
  const base = { databaseId: db, tableId };
  const okStatus = ok[act].status;
  try {
    let result: unknown;
    switch (act) {
      case 'get':
        result = await t.getRow({ ...base, rowId: 'n1' });
        break;
      case 'list':
        result = await t.listRows({ ...base, queries: [Query.limit(10)] });
        break;
      case 'create':
        result = await t.createRow<Models.DefaultRow>({
          ...base,
          rowId: 'unique()',
          data: { body: 'fresh' },
        });
        break;
      case 'update':
        result = await t.updateRow<Models.DefaultRow>({
          ...base,
          rowId: 'n1',
          data: { body: 'changed' },
        });
        break;
      case 'delete':
        result = await t.deleteRow({ ...base, rowId: 'n1' });
        break;
    }
    const list = result as { rows?: unknown[]; total?: number } | undefined;
    return {
      status: okStatus,
      type: undefined,
      rows: list?.rows?.length,
      total: list?.total,
      body: JSON.stringify(result ?? ''),
    };
  } catch (error) {
    if (!(error instanceof AppwriteException)) throw error;
    return {
      status: error.code,
      type: error.type,
      rows: undefined,
      total: undefined,
      body: error.response,
    };
  }
}

describe('permission matrix over HTTP (node-appwrite with sessions and a key)', () => {
  const cases = (['on', 'off'] as const).flatMap((security) =>
    (['guest', 'owner', 'other', 'admin', 'key'] as Actor[]).flatMap((actor) =>
      (['get', 'list', 'create', 'update', 'delete'] as Act[]).map((act) => {
        const expected = matrix[security][actor][act];
        const label = `${expected.status}${expected.type ? ` ${expected.type}` : ''}${expected.rows !== undefined ? ` (${expected.rows} rows)` : ''}`;
        return [security, actor, act, label, expected] as const;
      }),
    ),
  );

  test.each(cases)('rowSecurity %s: %s %s → %s', async (security, actor, act, _label, expected) => {
    const tableId = `notes_${security}`;
    const got = await attempt(actor, act, tableId);
    expect({ status: got.status, type: got.type }).toEqual({
      status: expected.status,
      type: expected.type,
    });
    if (expected.rows !== undefined) {
      expect(got.rows).toBe(expected.rows);
      expect(got.total).toBe(expected.rows);
    }
    const mayRead = matrix[security][actor].get.status === 200;
    for (const leak of LEAKS) {
      // Callers who may read the row (or made it) see its body and permissions in a success.
      const own = mayRead || actor === 'owner';
      if (own && (leak === SECRET || leak === 'user:owner') && got.status < 400) continue;
      expect(got.body).not.toContain(leak);
    }
    // A refused write changes nothing.
    if (got.status >= 400 && (act === 'update' || act === 'delete')) {
      expect((await admin.getRow({ databaseId: db, tableId, rowId: 'n1' })).body).toBe(SECRET);
    }
  });
});

describe('granting over HTTP', () => {
  test('a user may not grant a role they do not hold; the row is not created', async () => {
    const attemptGrant = clients.other.createRow({
      databaseId: db,
      tableId: 'notes_on',
      rowId: 'g1',
      data: { body: 'x' },
      permissions: [Permission.read(Role.label('admin'))],
    });
    await expect(attemptGrant).rejects.toMatchObject({ code: 401, type: 'user_unauthorized' });
    await expect(
      admin.getRow({ databaseId: db, tableId: 'notes_on', rowId: 'g1' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  test('a user can share a row with everyone, and then anyone reads it', async () => {
    await clients.owner.updateRow({
      databaseId: db,
      tableId: 'notes_on',
      rowId: 'n1',
      permissions: [Permission.read(Role.any()), Permission.update(Role.user('owner'))],
    });
    const row = await clients.guest.getRow({ databaseId: db, tableId: 'notes_on', rowId: 'n1' });
    expect(row.$permissions).toEqual(['read("any")', 'update("user:owner")']);
    expect((await clients.other.listRows({ databaseId: db, tableId: 'notes_on' })).total).toBe(1);
  });

  test('bulk routes are for API keys', async () => {
    await expect(
      clients.owner.createRows({ databaseId: db, tableId: 'notes_on', rows: [{ body: 'x' }] }),
    ).rejects.toMatchObject({ code: 401 });
  });
});
