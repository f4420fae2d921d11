import * as sdk from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { REALTIME_LIMITS } from '../../emulator/realtime/broker.ts';
import { subscribeFrames } from '../../emulator/realtime/frames.ts';
import { deployFunction, esmFunction } from '../support/function-bundles.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The Realtime wire protocol frame by frame, with a plain WebSocket: what the web SDK relies on
 * (`connected`, `pong`, responses, `subscriptions` on events), the legacy URL mode, the `account`
 * channel, identity changes on open sockets, and bad input — garbage, refused queries, floods and
 * unknown projects each get Appwrite's error code while the server keeps serving everyone else.
 */

// biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field
type Frame = any;

/** A raw Realtime connection that records every frame. */
class Socket {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<number>;
  #seen = 0;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data) => this.frames.push(JSON.parse(String(data))));
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (after those already taken) that passes `test`. */
  async next(test: (frame: Frame) => boolean = () => true, ms = 3000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const index = this.frames.findIndex((f, i) => i >= this.#seen && test(f));
      if (index >= 0) {
        this.#seen = index + 1;
        return this.frames[index];
      }
      if (Date.now() > deadline)
        throw new Error(`no such frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends a frame and waits for the answer of the given type. */
  async ask(frame: unknown, type: string): Promise<Frame> {
    this.send(frame);
    return this.next((f) => f.type === type);
  }
}

let server: LocalServer;
let tables: sdk.TablesDB;
let users: sdk.Users;
const sockets: Socket[] = [];
const DB = 'main';

function open(query = '', headers: Record<string, string> = {}): Socket {
  const url = `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}${query}`;
  const socket = new Socket(url, headers);
  sockets.push(socket);
  return socket;
}

const sessionHeader = (value: string) => ({
  'x-fallback-cookies': JSON.stringify({ [`a_session_${server.projectId}`]: value }),
});

async function subscribe(socket: Socket, channels: string[], queries: string[] = []) {
  const answer = await socket.ask({ type: 'subscribe', data: [{ channels, queries }] }, 'response');
  return answer.data.subscriptions[0].subscriptionId as string;
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const { read } = sdk.Permission;
const { Role } = sdk;

beforeAll(async () => {
  server = await startLocalServer('rt-wire');
  const client = new sdk.Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  tables = new sdk.TablesDB(client);
  users = new sdk.Users(client);
  await tables.create({ databaseId: DB, name: DB });
  for (const [tableId, permissions] of [
    ['open', [read(Role.any())]],
    ['vip', [read(Role.label('vip'))]],
    // Each readable only by its user (gus, fay), for the block and unblock tests.
    ['guss', [read(Role.user('gus'))]],
    ['fays', [read(Role.user('fay'))]],
  ] as const) {
    await tables.createTable({
      databaseId: DB,
      tableId,
      name: tableId,
      permissions: [...permissions],
    });
    await tables.createStringColumn({
      databaseId: DB,
      tableId,
      key: 'title',
      size: 32,
      required: false,
    });
  }
});

afterAll(async () => {
  for (const socket of sockets) socket.ws.terminate();
  await server.close();
});

describe('Realtime frames', () => {
  it('greets a guest, answers ping, and lists the subscription on each event', async () => {
    const socket = open();
    expect(await socket.next()).toEqual({
      type: 'connected',
      data: { channels: [], subscriptions: [], user: null },
    });
    expect(await socket.ask({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    const answer = await socket.ask(
      {
        type: 'subscribe',
        data: [
          { subscriptionId: 'mine', channels: ['tablesdb.main.tables.open.rows'], queries: [] },
        ],
      },
      'response',
    );
    expect(answer.data).toEqual({
      to: 'subscribe',
      success: true,
      subscriptions: [
        { subscriptionId: 'mine', channels: ['tablesdb.main.tables.open.rows'], queries: [] },
      ],
    });
    await tables.createRow({ databaseId: DB, tableId: 'open', rowId: 'w1', data: { title: 'a' } });
    const event = await socket.next((f) => f.type === 'event');
    expect(event.data.subscriptions).toEqual(['mine']);
    expect(event.data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT.*\+00:00$/);
    const gone = await socket.ask(
      { type: 'unsubscribe', data: [{ subscriptionId: 'mine' }, { subscriptionId: 'never' }] },
      'response',
    );
    expect(gone.data.subscriptions).toEqual([
      { subscriptionId: 'mine', removed: true },
      { subscriptionId: 'never', removed: false },
    ]);
  });

  /** A table anyone may read, with one `body` column of up to 200,000 characters. */
  const createBodyTable = async (tableId: string) => {
    await tables.createTable({
      databaseId: DB,
      tableId,
      name: tableId,
      permissions: [read(Role.any())],
    });
    await tables.createStringColumn({
      databaseId: DB,
      tableId,
      key: 'body',
      size: 200_000,
      required: false,
    });
  };

  it('events of every frame length arrive whole and in order with the socket’s other frames', async () => {
    // Event frames are written whole by the server (FrameBatch), not by ws: a frame's length field
    // takes 16 bits up to 64 KiB and 64 bits past it, and ws's own frames (the pong) stay in order.
    await createBodyTable('wide');
    const socket = open();
    await socket.next();
    await subscribe(socket, ['tablesdb.main.tables.wide.rows']);
    const bodies = ['é'.repeat(500), 'x'.repeat(100_000), 'short'];
    for (const [i, body] of bodies.entries()) {
      await tables.createRow({ databaseId: DB, tableId: 'wide', rowId: `w${i}`, data: { body } });
    }
    await until(() => socket.frames.filter((f) => f.type === 'event').length === bodies.length);
    socket.send({ type: 'ping' });
    await socket.next((f) => f.type === 'pong');
    const events = socket.frames.filter((f) => f.type === 'event');
    expect(events.map((f) => f.data.payload.body)).toEqual(bodies);
    expect(socket.frames.slice(-4).map((f) => f.type)).toEqual(['event', 'event', 'event', 'pong']);
  });

  it('a socket that stops reading gets every frame intact once it reads again', async () => {
    // The server writes the next event's frames into the last event's buffer only when no socket
    // still holds part of it: this one's frames wait in the server's send queue meanwhile.
    await createBodyTable('slow');
    const channels = ['tablesdb.main.tables.slow.rows'];
    const [slow, fast] = [open(), open()];
    for (const socket of [slow, fast]) {
      await socket.next();
      await subscribe(socket, channels);
    }
    slow.ws.pause();
    // Enough to fill the loopback socket's buffers several times over.
    const bodies = Array.from({ length: 60 }, (_, i) => `${i}:`.padEnd(100_000, 'abcdefgh'[i % 8]));
    for (const [i, body] of bodies.entries()) {
      await tables.createRow({ databaseId: DB, tableId: 'slow', rowId: `s${i}`, data: { body } });
    }
    const events = (socket: Socket) => socket.frames.filter((f) => f.type === 'event');
    await until(() => events(fast).length === bodies.length);
    slow.ws.resume();
    await until(() => events(slow).length === bodies.length, 10_000);
    expect(events(slow).map((f) => f.data.payload.body)).toEqual(bodies);
    expect(events(fast).map((f) => f.data.payload.body)).toEqual(bodies);
  });

  it('each event names the subscriptions that match it now, as they are added and removed', async () => {
    // A socket's frame tail is kept between events while its matching subscriptions stay the same.
    const socket = open();
    await socket.next();
    const channels = ['tablesdb.main.tables.open.rows'];
    const ask = (type: string, data: unknown) => socket.ask({ type, data }, 'response');
    let row = 0;
    const nextEvent = async (title = 'x') => {
      await tables.createRow({
        databaseId: DB,
        tableId: 'open',
        rowId: `t${row++}`,
        data: { title },
      });
      return (await socket.next((f) => f.type === 'event')).data.subscriptions;
    };
    await ask('subscribe', [{ subscriptionId: 'a', channels }]);
    expect(await nextEvent()).toEqual(['a']);
    expect(await nextEvent()).toEqual(['a']);
    // As many subscriptions as before, but another one.
    await ask('subscribe', [{ subscriptionId: 'b', channels }]);
    await ask('unsubscribe', [{ subscriptionId: 'a' }]);
    expect(await nextEvent()).toEqual(['b']);
    await ask('subscribe', [{ subscriptionId: 'a', channels }]);
    expect(await nextEvent()).toEqual(['b', 'a']);
    await ask('subscribe', [
      { subscriptionId: 'c', channels, queries: [sdk.Query.equal('title', ['y'])] },
    ]);
    expect(await nextEvent('x')).toEqual(['b', 'a']);
    expect(await nextEvent('y')).toEqual(['b', 'a', 'c']);
    expect(await nextEvent('x')).toEqual(['b', 'a']);
  });

  it('legacy URL mode: channels[] and per-channel queries in the URL', async () => {
    const equal = encodeURIComponent(sdk.Query.equal('title', ['url']));
    const socket = open(`&channels[]=rows&channels[]=files&rows[0]=${equal}`);
    const hello = await socket.next();
    expect(hello.data.channels).toEqual(['rows', 'files']);
    const ids = Object.values(hello.data.subscriptions);
    expect(Object.keys(hello.data.subscriptions)).toEqual(['0']);
    await tables.createRow({ databaseId: DB, tableId: 'open', rowId: 'u1', data: { title: 'no' } });
    await tables.createRow({
      databaseId: DB,
      tableId: 'open',
      rowId: 'u2',
      data: { title: 'url' },
    });
    const event = await socket.next((f) => f.type === 'event');
    expect(event.data.payload.$id).toBe('u2');
    expect(event.data.subscriptions).toEqual(ids);
  });

  it('the account channel is the signed-in user’s own', async () => {
    await users.create({ userId: 'ann', email: 'ann@example.com', password: 'password-1234' });
    await users.create({ userId: 'bob', email: 'bob@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'ann' })).secret;
    const socket = open('', sessionHeader(session));
    const hello = await socket.next();
    expect(hello.data.user).toMatchObject({ $id: 'ann', email: 'ann@example.com' });
    const answer = await socket.ask(
      { type: 'subscribe', data: [{ channels: ['account', 'account.bob'] }] },
      'response',
    );
    expect(answer.data.subscriptions[0].channels).toEqual(['account', 'account.ann']);
    await users.updateName({ userId: 'bob', name: 'Bob' });
    await users.updateName({ userId: 'ann', name: 'Ann' });
    const event = await socket.next((f) => f.type === 'event');
    expect(event.data.payload).toMatchObject({ $id: 'ann', name: 'Ann' });
    expect(event.data.events).toContain('users.ann.update.name');
    expect(event.data.channels).toEqual([
      'account',
      'account.ann',
      'account.update',
      'account.ann.update',
    ]);
  });

  it('files are on their bucket channels, filtered by bucket and file read roles', async () => {
    const client = new sdk.Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setKey(server.apiKey);
    const storage = new sdk.Storage(client);
    await storage.createBucket({
      bucketId: 'pics',
      name: 'pics',
      permissions: [],
      fileSecurity: true,
    });
    const socket = open();
    await socket.next();
    await subscribe(socket, ['buckets.pics.files']);
    const upload = (fileId: string, permissions: string[]) =>
      storage.createFile({
        bucketId: 'pics',
        fileId,
        file: InputFile.fromBuffer(Buffer.from('hello'), `${fileId}.txt`),
        permissions,
      });
    await upload('hidden', [read(Role.users())]);
    await upload('shown', [read(Role.any())]);
    const event = await socket.next((f) => f.type === 'event');
    expect(event.data.payload).toMatchObject({ $id: 'shown', bucketId: 'pics' });
    expect(event.data.events[0]).toBe('buckets.pics.files.shown.create');
    expect(event.data.channels).toEqual([
      'files',
      'buckets.pics.files',
      'buckets.pics.files.shown',
      'files.create',
      'buckets.pics.files.create',
      'buckets.pics.files.shown.create',
    ]);
    expect(socket.frames.filter((f) => f.type === 'event')).toHaveLength(1);
  });

  it('an upgrade signs in with the session cookie or a jwt query parameter', async () => {
    await users.create({ userId: 'dee', email: 'dee@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'dee' })).secret;
    const byCookie = open('', { cookie: `a_session_${server.projectId}=${session}` });
    expect((await byCookie.next()).data.user).toMatchObject({ $id: 'dee' });
    const { jwt } = await users.createJWT({ userId: 'dee' });
    const byJwt = open(`&jwt=${encodeURIComponent(jwt)}`);
    expect((await byJwt.next()).data.user).toMatchObject({ $id: 'dee' });
    const forged = open('&jwt=not.a.jwt');
    expect(await forged.closed).toBe(1008);
    expect(forged.frames[0]).toMatchObject({ type: 'error', data: { code: 401 } });
  });

  it('a label granted or a user blocked changes what an open socket hears', async () => {
    await users.create({ userId: 'cat', email: 'cat@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'cat' })).secret;
    const socket = open();
    await socket.next();
    // Signing in on the open socket, as the SDK does with its fallback cookie.
    const auth = await socket.ask({ type: 'authentication', data: { session } }, 'response');
    expect(auth.data).toMatchObject({ to: 'authentication', success: true, user: { $id: 'cat' } });
    await subscribe(socket, ['rows']);
    const write = (rowId: string, tableId = 'vip') =>
      tables.createRow({ databaseId: DB, tableId, rowId, data: { title: rowId } });
    const heard = async (sentinel: string) => {
      await write(sentinel, 'open');
      await socket.next((f) => f.type === 'event' && f.data.payload.$id === sentinel);
      return socket.frames.filter((f) => f.type === 'event').map((f) => f.data.payload.$id);
    };
    await write('before-label');
    expect(await heard('s1')).not.toContain('before-label');
    await users.updateLabels({ userId: 'cat', labels: ['vip'] });
    await write('with-label');
    expect(await heard('s2')).toContain('with-label');
    await users.updateStatus({ userId: 'cat', status: false });
    await write('while-blocked');
    expect(await heard('s3')).not.toContain('while-blocked');
  });

  it('an unblocked user’s socket gets its roles back; its sessions survived the block', async () => {
    await users.create({ userId: 'gus', email: 'gus@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'gus' })).secret;
    const socket = open('', sessionHeader(session));
    expect((await socket.next()).data.user).toMatchObject({ $id: 'gus' });
    await subscribe(socket, ['account', 'tablesdb.main.tables.guss.rows', 'rows']);
    const write = (rowId: string, tableId = 'guss') =>
      tables.createRow({ databaseId: DB, tableId, rowId, data: { title: rowId } });
    const heard = async (sentinel: string) => {
      await socket.next((f) => f.type === 'event' && f.data.payload.$id === sentinel);
      return socket.frames.filter((f) => f.type === 'event').map((f) => f.data.payload.$id);
    };
    await write('gus-1');
    expect(await heard('gus-1')).toContain('gus-1');

    await users.updateStatus({ userId: 'gus', status: false });
    await write('gus-blocked');
    await write('g-s1', 'open');
    expect(await heard('g-s1')).not.toContain('gus-blocked');

    await users.updateStatus({ userId: 'gus', status: true });
    // As in Appwrite, where the socket never lost its roles, it hears its own unblock.
    const unblocked = await socket.next((f) => f.type === 'event' && f.data.payload.$id === 'gus');
    expect(unblocked.data.events).toContain('users.gus.update.status');
    expect(unblocked.data.payload.status).toBe(true);
    await write('gus-2');
    expect(await heard('gus-2')).toEqual(['gus-1', 'gus', 'g-s1', 'gus', 'gus-2']);
  });

  it('a socket whose session ends while its user is blocked stays a guest after the unblock', async () => {
    await users.create({ userId: 'fay', email: 'fay@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'fay' })).secret;
    const socket = open('', sessionHeader(session));
    expect((await socket.next()).data.user).toMatchObject({ $id: 'fay' });
    await subscribe(socket, ['tablesdb.main.tables.fays.rows', 'rows']);
    const write = (rowId: string, tableId = 'fays') =>
      tables.createRow({ databaseId: DB, tableId, rowId, data: { title: rowId } });
    await write('fay-1');
    await socket.next((f) => f.type === 'event' && f.data.payload.$id === 'fay-1');
    await users.updateStatus({ userId: 'fay', status: false });
    await users.deleteSessions({ userId: 'fay' });
    await users.updateStatus({ userId: 'fay', status: true });
    await write('fay-2');
    await write('f-s1', 'open');
    await socket.next((f) => f.type === 'event' && f.data.payload.$id === 'f-s1');
    const ids = socket.frames.filter((f) => f.type === 'event').map((f) => f.data.payload.$id);
    expect(ids).toEqual(['fay-1', 'f-s1']);
  });
});

describe('Realtime and executions', () => {
  it('tells a user about their own execution, with logs and errors blank as over HTTP', async () => {
    const keyClient = new sdk.Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setKey(server.apiKey);
    await deployFunction(
      keyClient,
      'talker',
      esmFunction(`export default async ({ res, log, error }) => {
        log('secret-log-line'); error('secret-error-line'); return res.text('done');
      };`),
      { execute: ['users'] },
    );
    await users.create({ userId: 'eve', email: 'eve@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'eve' })).secret;
    const socket = open('', sessionHeader(session));
    await socket.next((f) => f.type === 'connected');
    await subscribe(socket, ['functions.talker']);

    const eve = new sdk.Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession(session);
    const execution = await new sdk.Functions(eve).createExecution({ functionId: 'talker' });
    expect(execution.responseBody).toBe('done');

    const event = await socket.next((f) => f.type === 'event');
    expect(event.data.payload.$id).toBe(execution.$id);
    expect(event.data.payload.logs).toBe('');
    expect(event.data.payload.errors).toBe('');
    expect(JSON.stringify(event)).not.toContain('secret-');

    const asKey = await new sdk.Functions(keyClient).getExecution({
      functionId: 'talker',
      executionId: execution.$id,
    });
    expect(asKey.logs).toContain('secret-log-line');
  });
});

describe('Realtime bad input', () => {
  it('garbage and malformed frames get 1003 and the socket keeps working', async () => {
    const socket = open();
    await socket.next();
    const error = (frame: unknown) => socket.ask(frame, 'error');
    for (const frame of [
      'not json',
      '[1,2]',
      '{}',
      '"text"',
      { type: 'nope' },
      { type: { a: 1 } },
    ]) {
      expect((await error(frame)).data.code).toBe(1003);
    }
    expect((await error({ type: 'subscribe', data: [{ queries: [] }] })).data).toEqual({
      code: 1003,
      message: 'items: channels is not present in payload.',
    });
    expect((await error({ type: 'subscribe', data: { channels: ['rows'] } })).data.code).toBe(1003);
    expect((await error({ type: 'unsubscribe', data: [{}] })).data.code).toBe(1003);
    expect((await error({ type: 'authentication', data: { session: 'forged' } })).data).toEqual({
      code: 1003,
      message: 'Session is not valid.',
    });
    socket.ws.send(Buffer.from([0, 1, 2]), { binary: true });
    expect((await socket.next((f) => f.type === 'error')).data.code).toBe(1003);
    expect(await socket.ask({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
  });

  it('a subscription with a query Realtime does not allow is refused and not made', async () => {
    const socket = open();
    await socket.next();
    for (const query of [
      sdk.Query.search('title', 'x'),
      sdk.Query.select(['title']),
      sdk.Query.or([sdk.Query.equal('title', ['a']), sdk.Query.contains('title', ['b'])]),
      '{not json',
    ]) {
      const answer = await socket.ask(
        {
          type: 'subscribe',
          data: [{ channels: ['rows'] }, { channels: ['rows'], queries: [query] }],
        },
        'error',
      );
      expect(answer.data.code).toBe(1003);
      expect(answer.data.message).toMatch(/^Invalid query/);
    }
    expect((await socket.ask({ type: 'subscribe', data: [] }, 'response')).data.success).toBe(true);
    await tables.createRow({ databaseId: DB, tableId: 'open', rowId: 'q1', data: { title: 'a' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socket.frames.filter((f) => f.type === 'event')).toEqual([]);
  });

  it('a socket holds the cap of the widest subscriptions; one more is refused and changes nothing', async () => {
    const { subscriptionsPerConnection: cap, channelsPerSubscription: width } = REALTIME_LIMITS;
    const held = () => server.app.realtime.subscriptionCount();
    const socket = open();
    await socket.next();
    const before = held();
    // Each as wide as allowed: `rows` and file channels nobody writes to.
    const channels = ['rows', ...Array.from({ length: width - 1 }, (_, i) => `files.f${i}`)];
    const item = (i: number) => ({ subscriptionId: `cap${i}`, channels });
    const frames = subscribeFrames(Array.from({ length: cap }, (_, i) => item(i)));
    expect(frames.length).toBeLessThanOrEqual(REALTIME_LIMITS.messagesPerMinute / 4);
    for (const frame of frames) {
      expect((await socket.ask(frame, 'response')).data.success).toBe(true);
    }
    expect(held()).toBe(before + cap);
    await tables.createRow({ databaseId: DB, tableId: 'open', rowId: 'cap', data: { title: 'x' } });
    expect((await socket.next((f) => f.type === 'event')).data.subscriptions).toHaveLength(cap);
    const refusal = {
      code: 1003,
      message: `A connection may hold at most ${cap} subscriptions.`,
    };
    // A frame that replaces one and adds one is refused whole.
    const over = await socket.ask(
      { type: 'subscribe', data: [{ subscriptionId: 'cap0', channels: ['files'] }, item(cap)] },
      'error',
    );
    expect(over.data).toEqual(refusal);
    expect(held()).toBe(before + cap);
    // The SDK's update() at the cap still works, and a freed slot can be used again.
    const update = await socket.ask(
      { type: 'subscribe', data: [{ subscriptionId: 'cap0', channels: ['files'] }] },
      'response',
    );
    expect(update.data.subscriptions[0].channels).toEqual(['files']);
    await socket.ask({ type: 'unsubscribe', data: [{ subscriptionId: 'cap1' }] }, 'response');
    expect(
      (await socket.ask({ type: 'subscribe', data: [item(cap)] }, 'response')).data.success,
    ).toBe(true);
    expect((await socket.ask({ type: 'subscribe', data: [item(cap + 1)] }, 'error')).data).toEqual(
      refusal,
    );
    const wide = Array.from({ length: width + 1 }, (_, i) => `files.f${i}`);
    expect(
      (
        await socket.ask(
          { type: 'subscribe', data: [{ subscriptionId: 'cap2', channels: wide }] },
          'error',
        )
      ).data,
    ).toEqual({
      code: 1003,
      message: `A subscription may list at most ${width} channels.`,
    });
    expect(await socket.ask({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    socket.ws.close();
    await socket.closed;
    await until(() => held() === before);
  });

  it('a URL with more channels than a subscription may hold is a policy violation', async () => {
    const many = Array.from(
      { length: REALTIME_LIMITS.channelsPerSubscription + 1 },
      (_, i) => `&channels[]=files.f${i}`,
    ).join('');
    const socket = open(many);
    expect(await socket.closed).toBe(1008);
    expect(socket.frames[0]?.data).toEqual({
      code: 1008,
      message: `A subscription may list at most ${REALTIME_LIMITS.channelsPerSubscription} channels.`,
    });
  });

  it('a flood is answered with 1013 and closed, while another socket is served', async () => {
    const calm = open();
    await calm.next();
    const flood = open();
    await flood.next();
    for (let i = 0; i < 100; i++) flood.send({ type: 'ping' });
    expect(await flood.closed).toBe(1013);
    const pongs = flood.frames.filter((f) => f.type === 'pong');
    const errors = flood.frames.filter((f) => f.type === 'error');
    expect(pongs).toHaveLength(32);
    expect(errors[0]?.data).toEqual({ code: 1013, message: 'Too many messages.' });
    expect(await calm.ask({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
  });

  it('an unknown or missing project is a policy violation: 1008, then closed', async () => {
    const base = `${server.endpoint.replace('http', 'ws')}/realtime`;
    for (const url of [`${base}?project=elsewhere`, base]) {
      const socket = new Socket(url);
      sockets.push(socket);
      expect(await socket.closed).toBe(1008);
      expect(socket.frames).toEqual([
        { type: 'error', data: { code: 1008, message: 'Missing or unknown project ID' } },
      ]);
    }
    const fine = open();
    expect((await fine.next()).type).toBe('connected');
    const health = await fetch(`${server.endpoint}/health/version`);
    expect(health.status).toBe(200);
  });
});
