import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { Client, Storage, TablesDB, Users } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, databaseFile } from '../../emulator/app.ts';
import { deployFunction, esmFunction } from '../support/function-bundles.ts';

/**
 * The data folder holds the JWT signing secret, the token key and function variables in plain
 * text, so nothing in it may be readable by group or others — from the first write, whatever the
 * umask of whoever started the server: folders 0700, files 0600 (0700 for deployed executables),
 * no setuid/setgid. Checked by walking the whole folder after a server has written a row, stored a
 * file, kept a chunk of an unfinished upload and unpacked a deployment; and an older folder of 0644
 * files is tightened when a server opens it.
 */

const ROOT = resolve(import.meta.dirname, '../..');
let root = '';
let previousUmask = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'appwrite-local-modes-'));
  // A developer's usual umask: files 0644, folders 0755 unless the server says otherwise.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

interface Found {
  /** Paths relative to the data folder, for the assertions below. */
  paths: Set<string>;
  /** `path mode` of every entry group or others could use, or with a special bit. */
  exposed: string[];
}

/** Walks a data folder (symbolic links are not followed) and lists what is not owner-only. */
function walk(dataDir: string): Found {
  const found: Found = { paths: new Set(), exposed: [] };
  const visit = (path: string) => {
    const stat = lstatSync(path);
    const mode = stat.mode & 0o7777;
    const name = relative(dataDir, path) || '.';
    found.paths.add(name);
    if (stat.isSymbolicLink()) return;
    const ok = stat.isDirectory() ? mode === 0o700 : (mode & 0o7077) === 0;
    if (!ok) found.exposed.push(`${name} ${mode.toString(8)}`);
    if (stat.isDirectory()) for (const child of readdirSync(path)) visit(join(path, child));
  };
  visit(dataDir);
  return found;
}

describe('a fresh data folder', () => {
  let app: FastifyInstance;
  let dataDir = '';
  let client: Client;

  beforeAll(async () => {
    dataDir = join(root, 'fresh', 'data');
    app = await buildApp({ projectId: 'modes', dataDir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    client = new Client()
      .setEndpoint(`http://127.0.0.1:${port}/v1`)
      .setProject('modes')
      .setKey(app.emulator.identity.keys.createFullScope().secret);
  });
  afterAll(() => app.close());

  it('is owner-only after a row, a stored file, an upload chunk and a deployment', async () => {
    await new Users(client).create({ userId: 'u1', email: 'u1@example.com' });
    const tables = new TablesDB(client);
    await tables.create({ databaseId: 'main', name: 'main' });
    await tables.createTable({ databaseId: 'main', tableId: 'notes', name: 'notes' });
    await tables.createStringColumn({
      databaseId: 'main',
      tableId: 'notes',
      key: 'text',
      size: 50,
      required: false,
    });
    await tables.createRow({
      databaseId: 'main',
      tableId: 'notes',
      rowId: 'n1',
      data: { text: 'hi' },
    });

    const storage = new Storage(client);
    await storage.createBucket({ bucketId: 'b1', name: 'b1' });
    await storage.createFile({
      bucketId: 'b1',
      fileId: 'f1',
      file: InputFile.fromBuffer(Buffer.from('secret bytes'), 'f1.txt'),
    });
    // The first 5 MiB chunk of a bigger file: it waits on disk for the rest.
    const form = new FormData();
    form.append('fileId', 'partial');
    form.append('file', new Blob([Buffer.alloc(5 * 1024 * 1024, 1)]), 'big.bin');
    const chunk = await fetch(`${client.config.endpoint}/storage/buckets/b1/files`, {
      method: 'POST',
      headers: {
        'x-appwrite-project': 'modes',
        'x-appwrite-key': client.config.key,
        'content-range': `bytes 0-${5 * 1024 * 1024 - 1}/${6 * 1024 * 1024}`,
      },
      body: form,
    });
    expect(chunk.status).toBe(201);

    const { deployment } = await deployFunction(
      client,
      'modes-fn',
      esmFunction('export default async ({ res }) => res.text("ok");'),
    );
    expect(deployment.status).toBe('ready');

    const found = walk(dataDir);
    // The walk saw each kind of file it is meant to check (else it could not fail).
    for (const path of [
      'appwrite-local.sqlite',
      'appwrite-local.sqlite-wal',
      'appwrite-local.sqlite-shm',
      'storage/b1/f1',
      'storage/.uploads/b1/partial/1.part',
      `functions/modes-fn/${deployment.$id}/main.js`,
    ]) {
      expect(found.paths, path).toContain(path);
    }
    expect(found.exposed).toEqual([]);
    expect(statSync(join(root, 'fresh')).mode & 0o777).toBe(0o700);
  });
});

describe('an older data folder of 0644 files', () => {
  it('is tightened when a server opens it; links are not followed out of it', async () => {
    const dataDir = join(root, 'older');
    mkdirSync(join(dataDir, 'storage/b1'), { recursive: true, mode: 0o755 });
    mkdirSync(join(dataDir, 'functions/fn/dep/lib'), { recursive: true, mode: 0o755 });
    const old = new Database(databaseFile(dataDir));
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE before (x)');
    old.close();
    writeFileSync(join(dataDir, 'storage/b1/f1'), 'stored', { mode: 0o644 });
    writeFileSync(join(dataDir, 'functions/fn/dep/main.js'), 'x', { mode: 0o644 });
    writeFileSync(join(dataDir, 'functions/fn/dep/lib/tool'), 'x', { mode: 0o4755 });
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'not ours', { mode: 0o644 });
    symlinkSync(outside, join(dataDir, 'functions/fn/dep/link'));
    chmodSync(dataDir, 0o755);
    expect(walk(dataDir).exposed.length).toBeGreaterThan(5);

    const app = await buildApp({ projectId: 'modes', dataDir });
    await app.close();

    expect(walk(dataDir).exposed).toEqual([]);
    expect(statSync(join(dataDir, 'functions/fn/dep/lib/tool')).mode & 0o7777).toBe(0o700);
    expect(statSync(join(dataDir, 'functions/fn/dep/main.js')).mode & 0o7777).toBe(0o600);
    expect(statSync(outside).mode & 0o777).toBe(0o644);
  });
});

describe('npm run emulator (emulator/main.ts)', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('creates its data folder, database and credentials.json owner-only', async () => {
    const dataDir = join(root, 'cli', 'data');
    child = spawn(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'emulator/main.ts'), '--port', '0', '--data', dataDir, '--project', 'modes'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (text) => {
      stderr += text;
    });
    await new Promise<void>((ready, fail) => {
      let stdout = '';
      child?.stdout?.on('data', (text) => {
        stdout += text;
        if (stdout.includes('Local Appwrite ready at')) ready();
      });
      child?.on('exit', (code) => fail(new Error(`exited (${code}): ${stderr}`)));
    });

    const found = walk(dataDir);
    for (const path of ['credentials.json', 'appwrite-local.sqlite']) {
      expect(found.paths, path).toContain(path);
    }
    expect(found.exposed).toEqual([]);

    const stopped = new Promise((done) => child?.on('exit', done));
    child.kill('SIGTERM');
    await stopped;
    child = null;
  });
});
