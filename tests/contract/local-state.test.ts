import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppwriteException, Client, ID, Storage, TablesDB, Users } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { buildApp } from '../../emulator/app.ts';
import { workFolder } from '../../emulator/core/local-state/archive.ts';
import { moveStateAside } from '../../emulator/core/local-state/swap.ts';
import { consoleCookie } from '../support/console-session.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * The local state routes: `GET /v1/local/export` (one file), `POST /v1/local/import` (that file back)
 * and `POST /v1/local/reset` (typed confirmation) — the console session only; the state really is
 * replaced (every cache, the schema, stored files), a bad file changes nothing, and an export taken
 * while writes happen is the state of one instant.
 */

let server: LocalServer;
let client: Client;
let cookie: string;

beforeAll(async () => {
  server = await startLocalServer('state-test');
  client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  cookie = await consoleCookie(server);
});

afterAll(async () => {
  await server.close();
});

const tables = () => new TablesDB(client);
const storage = () => new Storage(client);

async function exportState(): Promise<Buffer> {
  const response = await fetch(`${server.endpoint}/local/export`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function importState(body: Buffer, headers: Record<string, string> = { cookie }) {
  return fetch(`${server.endpoint}/local/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body,
  });
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: number; type: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return { code: error.code, type: error.type };
    throw error;
  }
  throw new Error('expected a failure');
}

async function seed(): Promise<void> {
  await new Users(client).create({ userId: 'ada', email: 'ada@example.com' });
  await tables().create({ databaseId: 'main', name: 'main' });
  await tables().createTable({ databaseId: 'main', tableId: 'notes', name: 'notes' });
  await tables().createStringColumn({
    databaseId: 'main',
    tableId: 'notes',
    key: 'text',
    size: 50,
    required: false,
  });
  await tables().createRow({
    databaseId: 'main',
    tableId: 'notes',
    rowId: 'n1',
    data: { text: 'kept' },
  });
  await storage().createBucket({ bucketId: 'b1', name: 'b1' });
  await storage().createFile({
    bucketId: 'b1',
    fileId: 'f1',
    file: InputFile.fromBuffer(Buffer.from('the bytes'), 'f1.txt'),
  });
}

describe('who may call them', () => {
  const routes = [
    { method: 'GET', path: '/local/export' },
    { method: 'POST', path: '/local/reset', body: { confirm: 'state-test' } },
  ];

  test.each(routes)(
    '$method $path: a guest, a key and a user get 401 general_unauthorized_scope',
    async ({ method, path, body }) => {
      const users = new Users(client);
      await users
        .create({
          userId: ID.unique(),
          email: `u${Date.now()}@example.com`,
          password: 'a-long-password-1',
        })
        .catch(() => null);
      const session = await users.createSession({
        userId: (await users.list()).users[0]?.$id as string,
      });
      const callers: Record<string, string>[] = [
        {},
        { 'x-appwrite-key': server.apiKey },
        { 'x-appwrite-session': session.secret },
        { cookie: `a_session_${server.projectId}=${session.secret}` },
      ];
      for (const headers of callers) {
        const answer = await call(server, method, path, { headers, body });
        expect(answer.status).toBe(401);
        expect(answer.json.type).toBe('general_unauthorized_scope');
      }
      const imported = await importState(Buffer.from('x'), { 'x-appwrite-key': server.apiKey });
      expect(imported.status).toBe(401);
      expect(((await imported.json()) as { type: string }).type).toBe('general_unauthorized_scope');
    },
  );

  test('the console cookie from a foreign origin: 403 general_unknown_origin', async () => {
    const answer = await call(server, 'GET', '/local/export', {
      headers: { cookie, origin: 'http://127.0.0.1:5173' },
    });
    expect(answer.status).toBe(403);
    expect(answer.json.type).toBe('general_unknown_origin');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('export, reset, import', () => {
  let exported: Buffer;

  test('export: one attachment named <projectId>-<UTC stamp>.appwrite-local, a tar with the state', async () => {
    await seed();
    const response = await fetch(`${server.endpoint}/local/export`, {
      headers: { cookie, origin: new URL(server.endpoint).origin },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="state-test-\d{8}T\d{6}Z\.appwrite-local"$/,
    );
    exported = Buffer.from(await response.arrayBuffer());
    const names: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'state-export-'));
    try {
      writeFileSync(join(dir, 'x.tar'), exported);
      await tar.t({ file: join(dir, 'x.tar'), onReadEntry: (e) => names.push(e.path) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(names.slice(0, 2)).toEqual(['appwrite-local.json', 'appwrite-local.sqlite']);
    expect(names).toContain('storage/b1/f1');
    expect(names).not.toContain('credentials.json');
    expect(names.some((n) => n.endsWith('-wal') || n.startsWith('.local-state'))).toBe(false);
  });

  test('reset: a wrong confirmation is 400 and changes nothing', async () => {
    for (const body of [{ confirm: 'other' }, {}, { confirm: 'STATE-TEST' }]) {
      const answer = await call(server, 'POST', '/local/reset', { headers: { cookie }, body });
      expect(answer.status).toBe(400);
      expect(answer.json.type).toBe('general_argument_invalid');
    }
    expect((await new Users(client).get({ userId: 'ada' })).$id).toBe('ada');
  });

  test('reset: empty state; the key and the console session still work; open sockets are closed', async () => {
    const socket = new WebSocket(
      `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}&channels[]=files`,
    );
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('message', resolve));

    const answer = await call(server, 'POST', '/local/reset', {
      headers: { cookie },
      body: { confirm: 'state-test' },
    });
    expect(answer.status).toBe(204);
    expect(await closed).toBe(1001);

    expect(await errorOf(new Users(client).get({ userId: 'ada' }))).toEqual({
      code: 404,
      type: 'user_not_found',
    });
    expect((await tables().list()).total).toBe(0);
    expect((await storage().listBuckets()).total).toBe(0);
    // The same console cookie still signs the console in.
    const account = await call(server, 'GET', '/account', {
      headers: { cookie, 'x-appwrite-project': 'console' },
    });
    expect(account.status).toBe(200);
  });

  test('import: the exported state is back, stored bytes included, and the schema cache follows it', async () => {
    // A table of the same id but another shape, read once so any cache holds it.
    await tables().create({ databaseId: 'main', name: 'main' });
    await tables().createTable({ databaseId: 'main', tableId: 'notes', name: 'notes' });
    await tables().createIntegerColumn({
      databaseId: 'main',
      tableId: 'notes',
      key: 'count',
      required: false,
    });
    await tables().listRows({ databaseId: 'main', tableId: 'notes' });

    const response = await importState(exported);
    expect(response.status).toBe(204);

    expect((await new Users(client).get({ userId: 'ada' })).email).toBe('ada@example.com');
    const row = await tables().getRow({ databaseId: 'main', tableId: 'notes', rowId: 'n1' });
    expect(row.text).toBe('kept');
    await tables().createRow({
      databaseId: 'main',
      tableId: 'notes',
      rowId: 'n2',
      data: { text: 'new' },
    });
    const bytes = await storage().getFileDownload({ bucketId: 'b1', fileId: 'f1' });
    expect(Buffer.from(bytes).toString()).toBe('the bytes');
  });
});

describe('a bad file', () => {
  async function refused(body: Buffer) {
    const before = (await new Users(client).list()).total;
    const response = await importState(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { type: string }).type).toBe('general_argument_invalid');
    expect((await new Users(client).list()).total).toBe(before);
    expect((await new Users(client).get({ userId: 'ada' })).$id).toBe('ada');
  }

  async function tarOf(files: Record<string, Buffer | string>): Promise<Buffer> {
    const dir = mkdtempSync(join(tmpdir(), 'state-bad-'));
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
      await tar.c({ cwd: dir, file: join(dir, 'out.tar') }, Object.keys(files));
      return readFileSync(join(dir, 'out.tar'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('random bytes, an empty body, a tar without a database, a damaged database: 400, state untouched', async () => {
    await refused(randomBytes(4096));
    await refused(Buffer.alloc(0));
    await refused(
      await tarOf({ 'appwrite-local.json': '{"format":"appwrite-local-state","version":1}' }),
    );
    await refused(
      await tarOf({
        'appwrite-local.json': '{"format":"appwrite-local-state","version":1}',
        'appwrite-local.sqlite': randomBytes(8192),
      }),
    );
  });

  /**
   * A sound exported state, unpacked, with `extra` files in its folder and `../escape.txt` beside
   * it, packed again with the entries `names` added (node-tar keeps `..` when asked).
   */
  async function soundStateWith(extra: Record<string, string>, names: string[]): Promise<Buffer> {
    const dir = mkdtempSync(join(tmpdir(), 'state-evil-'));
    try {
      const state = join(dir, 'state');
      mkdirSync(state);
      writeFileSync(join(dir, 'escape.txt'), 'escaped');
      writeFileSync(join(dir, 'in.tar'), await exportState());
      await tar.x({ file: join(dir, 'in.tar'), cwd: state });
      for (const [name, content] of Object.entries(extra))
        writeFileSync(join(state, name), content);
      await tar.c({ cwd: state, file: join(dir, 'out.tar'), preservePaths: true }, [
        'appwrite-local.json',
        'appwrite-local.sqlite',
        ...names,
      ]);
      return readFileSync(join(dir, 'out.tar'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a sound state plus an entry that climbs out, or plus credentials.json: 400', async () => {
    expect((await importState(await soundStateWith({}, []))).status).toBe(204);
    await refused(await soundStateWith({}, ['../escape.txt']));
    await refused(
      await soundStateWith({ 'credentials.json': '{"apiKey":"x"}' }, ['credentials.json']),
    );
  });
});

describe('consistency', () => {
  test('an export taken while writes happen holds the state of the instant it began', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    await storage().createFile({
      bucketId: 'b1',
      fileId: 'big',
      file: InputFile.fromBuffer(big, 'big.bin'),
    });
    const response = await fetch(`${server.endpoint}/local/export`, { headers: { cookie } });
    expect(response.status).toBe(200);
    // The snapshot is taken; the tar is still being streamed. Change the state under it.
    await storage().deleteFile({ bucketId: 'b1', fileId: 'big' });
    await tables().createRow({
      databaseId: 'main',
      tableId: 'notes',
      rowId: 'late',
      data: { text: 'late' },
    });
    const file = Buffer.from(await response.arrayBuffer());

    expect((await importState(file)).status).toBe(204);
    const bytes = Buffer.from(await storage().getFileDownload({ bucketId: 'b1', fileId: 'big' }));
    expect(bytes.equals(big)).toBe(true);
    expect(
      await errorOf(tables().getRow({ databaseId: 'main', tableId: 'notes', rowId: 'late' })),
    ).toEqual({
      code: 404,
      type: 'row_not_found',
    });
  });
});

describe('an import or a reset the process did not live to finish', () => {
  test('the state it had moved aside is put back at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'state-crash-'));
    try {
      const first = await buildApp({ projectId: 'crash', dataDir, abuse: false });
      const key = first.emulator.identity.keys.createFullScope().secret;
      const created = await first.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { 'x-appwrite-project': 'crash', 'x-appwrite-key': key },
        payload: { userId: 'ada', email: 'ada@example.com' },
      });
      expect(created.statusCode).toBe(201);
      await first.close();
      // The swap's first step, then the process dies: the state sits aside, nothing moved in.
      moveStateAside(dataDir, join(workFolder(dataDir), 'previous-0'));

      const second = await buildApp({ projectId: 'crash', dataDir, abuse: false });
      try {
        const read = await second.inject({
          method: 'GET',
          url: '/v1/users/ada',
          headers: { 'x-appwrite-project': 'crash', 'x-appwrite-key': key },
        });
        expect(read.statusCode).toBe(200);
        expect(existsSync(workFolder(dataDir))).toBe(false);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("what a site build keeps is not the project's state", () => {
  test('an export leaves out sites/.cache, sites/.homes and a building deployment’s node_modules', async () => {
    const dataDir = server.app.emulator.dataDir as string;
    const made = {
      'sites/.cache/web/node_modules/left/index.js': 'cache',
      'sites/.cache/npm/_cacache/index': 'npm cache',
      'sites/.homes/d1/tmp/scratch': 'home',
      'sites/web/d1/node_modules/left/index.js': 'installing',
      'sites/web/d1/dist/index.html': '<p>built</p>',
      'sites/web/d1/src/node_modules/kept.js': 'source',
    };
    for (const [name, content] of Object.entries(made)) {
      mkdirSync(join(dataDir, name, '..'), { recursive: true });
      writeFileSync(join(dataDir, name), content);
    }
    const dir = mkdtempSync(join(tmpdir(), 'state-sites-'));
    try {
      writeFileSync(join(dir, 'x.tar'), await exportState());
      const names: string[] = [];
      await tar.t({ file: join(dir, 'x.tar'), onReadEntry: (e) => names.push(e.path) });
      expect(names).toContain('sites/web/d1/dist/index.html');
      expect(names).toContain('sites/web/d1/src/node_modules/kept.js');
      expect(
        names.filter(
          (n) =>
            n.startsWith('sites/.cache') ||
            n.startsWith('sites/.homes') ||
            n.startsWith('sites/web/d1/node_modules'),
        ),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(join(dataDir, 'sites'), { recursive: true, force: true });
    }
  });
});
