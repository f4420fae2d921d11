import * as sdk from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { consoleCookie } from '../support/console-session.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Realtime for the console's inspector: a console session subscribes to the project's channels as
 * Appwrite's console does (`?project=<id>&mode=admin` with the `a_session_console` cookie) and hears
 * what Appwrite's console user may read; a user's JWT (`users.createJWT`) signs a socket in through
 * `X-Appwrite-JWT`, as Appwrite reads it, or `?jwt=` from a browser. Foreign origins get no console.
 */

interface Frame {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: frames are probed field by field
  data: any;
}

let server: LocalServer;
let tables: sdk.TablesDB;
let cookie: string;
const sockets: WebSocket[] = [];

/** Opens a socket; answers its frames as they come, its close code, and a way to wait for one. */
function open(query: string, headers: Record<string, string> = {}) {
  const url = `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}${query}`;
  const ws = new WebSocket(url, { headers });
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = async (test: (frame: Frame) => boolean) => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const found = frames.find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { ws, frames, closed, next };
}

const { read } = sdk.Permission;
const { Role } = sdk;

/** Writes `rowId` in `tableId`, then a sentinel everyone may read, and answers the ids a socket heard by then. */
async function heardAfter(socket: ReturnType<typeof open>, rowId: string, tableId: string) {
  await tables.createRow({ databaseId: 'main', tableId, rowId, data: { title: rowId } });
  const sentinel = `${rowId}-sentinel`;
  await tables.createRow({
    databaseId: 'main',
    tableId: 'open',
    rowId: sentinel,
    data: { title: 's' },
  });
  await socket.next((f) => f.type === 'event' && f.data.payload.$id === sentinel);
  return socket.frames.filter((f) => f.type === 'event').map((f) => f.data.payload.$id as string);
}

beforeAll(async () => {
  server = await startLocalServer('rt-console');
  const client = new sdk.Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  tables = new sdk.TablesDB(client);
  await tables.create({ databaseId: 'main', name: 'main' });
  for (const [tableId, permissions] of [
    ['open', [read(Role.any())]],
    ['members', [read(Role.users())]],
    ['ada-only', [read(Role.user('ada'))]],
  ] as const) {
    await tables.createTable({
      databaseId: 'main',
      tableId,
      name: tableId,
      permissions: [...permissions],
    });
    await tables.createStringColumn({
      databaseId: 'main',
      tableId,
      key: 'title',
      size: 50,
      required: false,
    });
  }
  await new sdk.Users(client).create({
    userId: 'ada',
    email: 'ada@example.com',
    password: 'password-1234',
  });
  cookie = await consoleCookie(server);
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await server.close();
});

describe('the console session', () => {
  test('?mode=admin with the console cookie hears every row, one user’s own included', async () => {
    const socket = open('&mode=admin&channels[]=rows', { cookie });
    expect((await socket.next((f) => f.type === 'connected')).data.channels).toEqual(['rows']);
    expect(await heardAfter(socket, 'm1', 'members')).toContain('m1');
    expect(await heardAfter(socket, 'ada-1', 'ada-only')).toContain('ada-1');
  });

  test('X-Appwrite-Mode: admin and a subscribe frame work the same', async () => {
    const socket = open('', { cookie, 'x-appwrite-mode': 'admin' });
    await socket.next((f) => f.type === 'connected');
    socket.ws.send(
      JSON.stringify({ type: 'subscribe', data: [{ channels: ['rows'], queries: [] }] }),
    );
    await socket.next((f) => f.type === 'response');
    expect(await heardAfter(socket, 'm2', 'members')).toContain('m2');
  });

  test('without admin mode the console cookie is nobody: a guest', async () => {
    const socket = open('&channels[]=rows', { cookie });
    await socket.next((f) => f.type === 'connected');
    expect(await heardAfter(socket, 'm3', 'members')).not.toContain('m3');
  });

  test('admin mode from a foreign origin: refused with 1008', async () => {
    const socket = open('&mode=admin&channels[]=rows', { cookie, origin: 'http://127.0.0.1:5173' });
    expect(await socket.closed).toBe(1008);
    expect(socket.frames[0]).toMatchObject({ type: 'error', data: { code: 403 } });
  });

  test('admin mode from its own origin: served', async () => {
    const own = new URL(server.endpoint).origin;
    const socket = open('&mode=admin&channels[]=rows', { cookie, origin: own });
    await socket.next((f) => f.type === 'connected');
    expect(await heardAfter(socket, 'm4', 'members')).toContain('m4');
  });
});

describe("a user's JWT", () => {
  test('X-Appwrite-JWT (Appwrite) and ?jwt= (a browser) sign a socket in as the user', async () => {
    const users = new sdk.Users(
      new sdk.Client()
        .setEndpoint(server.endpoint)
        .setProject(server.projectId)
        .setKey(server.apiKey),
    );
    const { jwt } = await users.createJWT({ userId: 'ada' });
    const sockets = [
      open('&channels[]=rows', { 'x-appwrite-jwt': jwt }),
      open(`&channels[]=rows&jwt=${encodeURIComponent(jwt)}`),
    ];
    for (const [index, socket] of sockets.entries()) {
      const connected = await socket.next((f) => f.type === 'connected');
      expect(connected.data.user).toMatchObject({ $id: 'ada' });
      expect(await heardAfter(socket, `ada-jwt-${index}`, 'ada-only')).toContain(
        `ada-jwt-${index}`,
      );
    }
  });
});
