// @vitest-environment jsdom
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Account, Channel, Client, Realtime } from 'appwrite';
import type { FastifyInstance } from 'fastify';
import * as server from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { buildApp } from '../../emulator/app.ts';

/**
 * Realtime through the real web SDK 28.0.0 `Realtime` class in a jsdom window: subscribe, receive,
 * update, unsubscribe, permission filtering, sign-out on an open socket, and reconnection after a
 * server restart on the same data folder and port. Rows are written with node-appwrite and an API key,
 * as a function would.
 */

const g = globalThis as unknown as {
  WebSocket?: unknown;
  localStorage: { getItem(key: string): string | null; clear(): void };
};
// The SDK opens `new WebSocket(url)` on the global. jsdom's own (undici's) dispatches events that
// Node's EventTarget rejects inside vitest's jsdom environment, so the window gets ws's instead.
g.WebSocket = NodeWebSocket;

const PROJECT = 'rt-project';
const DB = 'main';
const dataDir = mkdtempSync(join(tmpdir(), 'appwrite-local-realtime-'));
let app: FastifyInstance;
let port = 0;
let endpoint = '';
let tables: server.TablesDB;
let users: server.Users;
const opened: Realtime[] = [];

/** The web SDK's event, as the callback receives it. */
interface Heard {
  events: string[];
  channels: string[];
  payload: Record<string, unknown>;
  subscriptions: string[];
}

/** Collects what one subscription hears. */
class Inbox {
  readonly heard: Heard[] = [];
  readonly push = (message: unknown) => void this.heard.push(message as Heard);
  ids = () => this.heard.map((h) => h.payload.$id);
  has = (rowId: string) => this.ids().includes(rowId);
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the server holds `count` subscriptions (the SDK subscribes after `connected`). */
const subscriptions = (count: number) =>
  until(() => app.realtime.subscriptionCount() === count, `${count} subscriptions`);

async function start(): Promise<void> {
  app = await buildApp({ projectId: PROJECT, dataDir });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  endpoint = `http://127.0.0.1:${port}/v1`;
}

function admin(): server.Client {
  const key = app.emulator.identity.keys.createFullScope().secret;
  return new server.Client().setEndpoint(endpoint).setProject(PROJECT).setKey(key);
}

/** A Realtime for a web client, signed in with `session` (a session value) or as a guest. */
function realtimeFor(session?: string): Realtime {
  const client = new Client().setEndpoint(endpoint).setProject(PROJECT);
  if (session) client.setSession(session);
  const realtime = new Realtime(client);
  opened.push(realtime);
  return realtime;
}

async function table(tableId: string, permissions: string[], rowSecurity: boolean) {
  await tables.createTable({ databaseId: DB, tableId, name: tableId, permissions, rowSecurity });
  await tables.createStringColumn({
    databaseId: DB,
    tableId,
    key: 'title',
    size: 64,
    required: false,
  });
}

const row = (tableId: string, rowId: string, permissions?: string[], title = rowId) =>
  tables.createRow({ databaseId: DB, tableId, rowId, data: { title }, permissions });

/** Fires a row without waiting (polling loops); a failure while the server restarts is fine. */
const probe = (tableId: string, rowId: string, permissions?: string[]) =>
  void row(tableId, rowId, permissions).catch(() => undefined);

async function signedInUser(id: string, labels: string[] = []): Promise<string> {
  await users.create({ userId: id, email: `${id}@example.com`, password: 'password-123456' });
  if (labels.length > 0) await users.updateLabels({ userId: id, labels });
  return (await users.createSession({ userId: id })).secret;
}

const { read } = server.Permission;
const { Role } = server;

beforeAll(async () => {
  g.localStorage.clear();
  await start();
  const client = admin();
  tables = new server.TablesDB(client);
  users = new server.Users(client);
  await tables.create({ databaseId: DB, name: DB });
  await table('public', [read(Role.any())], false);
  await table('other', [read(Role.any())], false);
});

afterAll(async () => {
  for (const realtime of opened) await realtime.disconnect();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('web SDK Realtime: subscribe, update, unsubscribe', () => {
  it('a row created with an API key reaches the subscriber with Appwrite names and channels', async () => {
    const inbox = new Inbox();
    const realtime = realtimeFor();
    const sub = await realtime.subscribe(Channel.tablesdb(DB).table('public').row(), inbox.push);
    await subscriptions(1);
    await row('public', 'r1');
    await until(() => inbox.has('r1'), 'r1');
    const [event] = inbox.heard;
    expect(event?.events[0]).toBe('tablesdb.main.tables.public.rows.r1.create');
    expect(event?.events).toHaveLength(64);
    expect(event?.events).toContain('databases.*.collections.*.documents.*.create');
    expect([...(event?.channels ?? [])].sort()).toEqual(
      [
        'documents',
        'documents.create',
        'databases.main.collections.public.documents',
        'databases.main.collections.public.documents.create',
        'databases.main.collections.public.documents.r1',
        'databases.main.collections.public.documents.r1.create',
        'rows',
        'rows.create',
        'databases.main.tables.public.rows',
        'databases.main.tables.public.rows.create',
        'databases.main.tables.public.rows.r1',
        'databases.main.tables.public.rows.r1.create',
        'tablesdb.main.tables.public.rows',
        'tablesdb.main.tables.public.rows.create',
        'tablesdb.main.tables.public.rows.r1',
        'tablesdb.main.tables.public.rows.r1.create',
      ].sort(),
    );
    expect(event?.payload).toMatchObject({ $id: 'r1', $tableId: 'public', title: 'r1' });
    expect(event?.subscriptions).toHaveLength(1);

    await tables.updateRow({
      databaseId: DB,
      tableId: 'public',
      rowId: 'r1',
      data: { title: 'edited' },
    });
    await until(() => inbox.heard.length === 2, 'the update');
    expect(inbox.heard[1]?.events[0]).toBe('tablesdb.main.tables.public.rows.r1.update');
    expect(inbox.heard[1]?.payload.title).toBe('edited');

    // update(): the same subscription now listens to another table only.
    await sub.update({ channels: [Channel.tablesdb(DB).table('other').row()] });
    let n = 0;
    await until(() => {
      probe('other', `probe${++n}`);
      return inbox.ids().some((id) => String(id).startsWith('probe'));
    }, 'the updated subscription');
    await row('public', 'after-update');
    await row('other', 'sentinel-1');
    await until(() => inbox.has('sentinel-1'), 'sentinel-1');
    expect(inbox.has('after-update')).toBe(false);

    // unsubscribe(): nothing more arrives, while another subscriber still hears the table.
    const witness = new Inbox();
    const other = realtimeFor();
    await other.subscribe('rows', witness.push);
    await subscriptions(2);
    await sub.unsubscribe();
    await subscriptions(1);
    const before = inbox.heard.length;
    await row('other', 'after-unsubscribe');
    await until(() => witness.has('after-unsubscribe'), 'the witness');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(inbox.heard.length).toBe(before);
    await other.disconnect();
    await realtime.disconnect();
    await subscriptions(0);
  });

  it('the deprecated client.subscribe works too', async () => {
    const inbox = new Inbox();
    const client = new Client().setEndpoint(endpoint).setProject(PROJECT);
    const stop = client.subscribe('rows', inbox.push);
    await subscriptions(1);
    await row('public', 'legacy-api');
    await until(() => inbox.has('legacy-api'), 'legacy-api');
    expect(inbox.heard[0]?.events[0]).toBe('tablesdb.main.tables.public.rows.legacy-api.create');
    stop();
    await subscriptions(0);
  });

  it('action channels and realtime queries narrow what a subscription hears', async () => {
    const updates = new Inbox();
    const titled = new Inbox();
    const realtime = realtimeFor();
    await realtime.subscribe(Channel.tablesdb(DB).table('public').row().update(), updates.push);
    await realtime.subscribe('rows', titled.push, [server.Query.equal('title', ['wanted'])]);
    await subscriptions(2);
    await row('public', 'q1', undefined, 'unwanted');
    await row('public', 'q2', undefined, 'wanted');
    await tables.updateRow({
      databaseId: DB,
      tableId: 'public',
      rowId: 'q1',
      data: { title: 'x' },
    });
    await until(() => updates.has('q1') && titled.has('q2'), 'q1 update and q2');
    expect(updates.heard.map((h) => h.events[0])).toEqual([
      'tablesdb.main.tables.public.rows.q1.update',
    ]);
    expect(titled.ids()).toEqual(['q2']);
    await realtime.disconnect();
    await subscriptions(0);
  });
});

describe('web SDK Realtime: a socket hears only rows its user may read', () => {
  type Who = 'guest' | 'owner' | 'other' | 'moderator';
  const who: Who[] = ['guest', 'owner', 'other', 'moderator'];
  const inboxes = new Map<Who, Inbox>();

  // Each scenario: table permissions, row security, the row's permissions, and who must hear it.
  const scenarios: {
    name: string;
    table: string[];
    rowSecurity: boolean;
    row: string[];
    hears: Who[];
  }[] = [
    {
      name: 'table readable by any, no row security → everyone',
      table: [read(Role.any())],
      rowSecurity: false,
      row: [],
      hears: ['guest', 'owner', 'other', 'moderator'],
    },
    {
      name: 'table readable by users → signed-in users only',
      table: [read(Role.users())],
      rowSecurity: false,
      row: [],
      hears: ['owner', 'other', 'moderator'],
    },
    {
      name: 'row security, row readable by its owner → the owner only',
      table: [],
      rowSecurity: true,
      row: [read(Role.user('owner'))],
      hears: ['owner'],
    },
    {
      name: 'row security, table readable by label:mod → the owner and the moderator',
      table: [read(Role.label('mod'))],
      rowSecurity: true,
      row: [read(Role.user('owner'))],
      hears: ['owner', 'moderator'],
    },
    {
      name: 'row permissions without row security count for nothing → nobody',
      table: [],
      rowSecurity: false,
      row: [read(Role.user('owner')), read(Role.any())],
      hears: [],
    },
    {
      name: 'row security, row readable by guests → the guest only',
      table: [],
      rowSecurity: true,
      row: [read(Role.guests())],
      hears: ['guest'],
    },
  ];

  beforeAll(async () => {
    const sessions: Record<Who, string | undefined> = {
      guest: undefined,
      owner: await signedInUser('owner'),
      other: await signedInUser('other'),
      moderator: await signedInUser('moderator', ['mod']),
    };
    for (const name of who) {
      const inbox = new Inbox();
      inboxes.set(name, inbox);
      await realtimeFor(sessions[name]).subscribe('rows', inbox.push);
    }
    await subscriptions(who.length);
    // Authentication is its own frame after `connected`: wait until each socket hears a public row.
    await row('public', 'warm-up');
    await until(() => who.every((w) => inboxes.get(w)?.has('warm-up')), 'the warm-up row');
  });

  it.each(scenarios.map((s, i) => [s.name, i] as const))('%s', async (_name, index) => {
    const scenario = scenarios[index] as (typeof scenarios)[number];
    const tableId = `perm${index}`;
    await table(tableId, scenario.table, scenario.rowSecurity);
    await row(tableId, `secret${index}`, scenario.row);
    // Events reach each socket in order: once the sentinel is in, the secret row would be too.
    await row('public', `sentinel${index}`);
    await until(() => who.every((w) => inboxes.get(w)?.has(`sentinel${index}`)), 'the sentinel');
    const heard = who.filter((w) => inboxes.get(w)?.has(`secret${index}`));
    expect(heard).toEqual(scenario.hears);
  });

  afterAll(async () => {
    for (const realtime of opened.splice(0)) await realtime.disconnect();
    await subscriptions(0);
  });
});

describe('web SDK Realtime: sessions on open sockets, and a server restart', () => {
  let account: Account;
  const inbox = new Inbox();

  it('signs in through X-Fallback-Cookies and hears rows only its user may read', async () => {
    const client = new Client().setEndpoint(endpoint).setProject(PROJECT);
    account = new Account(client);
    await account.create({
      userId: 'walker',
      email: 'walker@example.com',
      password: 'password-123',
    });
    await account.createEmailPasswordSession({
      email: 'walker@example.com',
      password: 'password-123',
    });
    expect(g.localStorage.getItem('cookieFallback')).toContain(`a_session_${PROJECT}`);
    await table('private', [], true);
    const realtime = new Realtime(client);
    opened.push(realtime);
    await realtime.subscribe(Channel.tablesdb(DB).table('private').row(), inbox.push);
    await subscriptions(1);
    let n = 0;
    await until(() => {
      probe('private', `mine${++n}`, [read(Role.user('walker'))]);
      return inbox.ids().some((id) => String(id).startsWith('mine'));
    }, 'a row only walker may read');
  });

  it('reconnects after a restart on the same data folder and port, and resubscribes', async () => {
    const samePort = port;
    await app.close();
    await start();
    expect(port).toBe(samePort);
    const client = admin();
    tables = new server.TablesDB(client);
    users = new server.Users(client);
    // The SDK waits about a second, reconnects, authenticates again and re-sends its subscriptions.
    await subscriptions(1);
    let n = 0;
    await until(
      () => {
        probe('private', `back${++n}`, [read(Role.user('walker'))]);
        return inbox.ids().some((id) => String(id).startsWith('back'));
      },
      'a row after the restart',
      8000,
    );
  });

  it('signing out stops delivery on the open socket', async () => {
    await account.deleteSession({ sessionId: 'current' });
    await row('private', 'after-logout', [read(Role.user('walker'))]);
    await row('private', 'public-after-logout', [read(Role.any())]);
    await until(() => inbox.has('public-after-logout'), 'a row anyone may read');
    expect(inbox.has('after-logout')).toBe(false);
  });
});
