import {
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
import { eventNames } from '../../emulator/core/platform/event-names.ts';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The events the data routes publish on the event bus, once per committed change, which Realtime,
 * function triggers and webhooks will listen to. Each scenario lists the events expected, by first
 * name, and nothing else may fire.
 */

let server: LocalServer;
let admin: TablesDB;
let legacy: Databases;
let user: TablesDB;
let seen: AppwriteEvent[] = [];

beforeAll(async () => {
  server = await startLocalServer();
  const keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  admin = new TablesDB(keyClient);
  legacy = new Databases(keyClient);
  const users = new Users(keyClient);
  await users.create({ userId: 'u1', email: 'u1@example.com', password: 'correct horse battery' });
  const session = await users.createSession({ userId: 'u1' });
  user = new TablesDB(
    new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession(session.secret),
  );
  await admin.create({ databaseId: 'main', name: 'main' });
  await admin.createTable({
    databaseId: 'main',
    tableId: 'notes',
    name: 'notes',
    rowSecurity: true,
    permissions: [Permission.create(Role.users()), Permission.read(Role.label('mods'))],
  });
  await admin.createStringColumn({
    databaseId: 'main',
    tableId: 'notes',
    key: 'body',
    size: 50,
    required: true,
  });
  await admin.createIntegerColumn({
    databaseId: 'main',
    tableId: 'notes',
    key: 'n',
    required: false,
  });
  server.app.emulator.events.subscribe((event) => seen.push(event));
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  seen = [];
});

const base = { databaseId: 'main', tableId: 'notes' };
const firstNames = () => seen.map((e) => eventNames(e)[0]);

describe('row events', () => {
  test('a user creates a row: one create event with the row, its read roles and the user', async () => {
    await user.createRow({ ...base, rowId: 'r1', data: { body: 'hello' } });
    expect(firstNames()).toEqual(['tablesdb.main.tables.notes.rows.r1.create']);
    const [event] = seen;
    expect(event).toMatchObject({
      pattern: 'databases.[databaseId].tables.[tableId].rows.[rowId].create',
      params: { databaseId: 'main', tableId: 'notes', rowId: 'r1' },
      payload: { $id: 'r1', $sequence: '1', $tableId: 'notes', body: 'hello' },
      databaseType: 'tablesdb',
      userId: 'u1',
    });
    // Table read roles first, then the row's own (rowSecurity is on).
    expect(event?.readRoles).toEqual(['label:mods', 'user:u1']);
    expect(eventNames(event as AppwriteEvent)).toContain(
      'databases.main.collections.notes.documents.r1.create',
    );
  });

  const scenarios: [string, () => Promise<unknown>, string[]][] = [
    [
      'update → update',
      () => user.updateRow<Models.DefaultRow>({ ...base, rowId: 'r1', data: { body: 'edited' } }),
      ['tablesdb.main.tables.notes.rows.r1.update'],
    ],
    [
      'increment → update (as Appwrite labels it)',
      () => user.incrementRowColumn({ ...base, rowId: 'r1', column: 'n' }),
      ['tablesdb.main.tables.notes.rows.r1.update'],
    ],
    [
      'upsert → upsert',
      () => admin.upsertRow<Models.DefaultRow>({ ...base, rowId: 'r2', data: { body: 'x' } }),
      ['tablesdb.main.tables.notes.rows.r2.upsert'],
    ],
    [
      'bulk create → one event per row',
      () =>
        admin.createRows({
          ...base,
          rows: [
            { $id: 'b1', body: 'a' },
            { $id: 'b2', body: 'b' },
          ],
        }),
      ['tablesdb.main.tables.notes.rows.b1.create', 'tablesdb.main.tables.notes.rows.b2.create'],
    ],
    [
      'bulk delete → one event per deleted row',
      () => admin.deleteRows({ ...base, queries: [Query.startsWith('$id', 'b')] }),
      ['tablesdb.main.tables.notes.rows.b1.delete', 'tablesdb.main.tables.notes.rows.b2.delete'],
    ],
    [
      'a refused write → nothing',
      () => user.updateRow({ ...base, rowId: 'r2', data: { body: 'no' } }).catch(() => undefined),
      [],
    ],
    [
      'an invalid write → nothing',
      () => admin.createRow({ ...base, rowId: 'bad', data: { nope: 1 } }).catch(() => undefined),
      [],
    ],
    ['a read → nothing', () => admin.listRows(base), []],
    [
      'a legacy document create → the legacy pattern',
      () =>
        legacy.createDocument<Models.DefaultDocument>({
          databaseId: 'main',
          collectionId: 'notes',
          documentId: 'd1',
          data: { body: 'doc' },
        }),
      ['tablesdb.main.tables.notes.rows.d1.create'],
    ],
    [
      'delete → delete',
      () => user.deleteRow({ ...base, rowId: 'r1' }),
      ['tablesdb.main.tables.notes.rows.r1.delete'],
    ],
  ];
  test.each(scenarios)('%s', async (_name, act, expected) => {
    await act();
    expect(firstNames()).toEqual(expected);
  });
});

describe('schema events', () => {
  test('column, index and table changes are announced; the console alone may read them', async () => {
    await admin.createBooleanColumn({ ...base, key: 'flag', required: false });
    await admin.createIndex({ ...base, key: 'by_n', type: 'key' as never, columns: ['n'] });
    await admin.deleteIndex({ ...base, key: 'by_n' });
    await admin.updateTable({ ...base, name: 'Notes' });
    expect(firstNames()).toEqual([
      'tablesdb.main.tables.notes.columns.flag.create',
      'tablesdb.main.tables.notes.indexes.by_n.create',
      'tablesdb.main.tables.notes.indexes.by_n.delete',
      'tablesdb.main.tables.notes.update',
    ]);
    expect(seen.every((e) => e.readRoles.length === 0)).toBe(true);
  });
});
