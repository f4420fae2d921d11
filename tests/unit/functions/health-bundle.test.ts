/**
 * The built `health` bundle, copied out of the repo as appwrite-cli would upload it, loaded the way
 * the Node runtime loads an entrypoint, and run against a stand-in Appwrite API on 127.0.0.1. This is
 * what proves the bundle carries everything (shared code, zod, node-appwrite) and needs no install.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFunction } from '../../../scripts/build-functions.ts';
import { AGORA_VERSION } from '../../../shared/version.ts';
import { execute, loadLikeRuntime } from './fake-runtime.ts';

const KEY = 'ephemeral_bundle-test-key-5f1c9a';
const PROJECT = 'agora-bundle-test';
const ROWS_PATH = '/v1/tablesdb/agora/tables/stats/rows';
const FILES_PATH = '/v1/storage/buckets/avatars/files';
const SERVER_DETAIL = 'disk /var/lib/appwrite is full';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** A stand-in for the two Appwrite routes the health repo calls; paths in `failing` answer 500. */
const seen: Seen[] = [];
const failing = new Set<string>();
let server: Server;
let endpoint: string;
let copyRoot: string;
let entrypoint: string;

beforeAll(async () => {
  // Build outside the repo (so a parallel test reading functions/health/dist never sees a rebuild),
  // then copy only `dist/` elsewhere, as appwrite-cli uploads only the function's folder: nothing
  // from the repo (its package.json, node_modules) is reachable from the copy.
  copyRoot = await mkdtemp(join(tmpdir(), 'agora-health-bundle-'));
  const built = await buildFunction('health', join(copyRoot, 'build', 'dist'));
  await cp(dirname(built.file), join(copyRoot, 'upload', 'dist'), { recursive: true });
  entrypoint = join(copyRoot, 'upload', 'dist', 'main.js');

  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    seen.push({ method: req.method ?? '', path, headers: req.headers });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (failing.has(path)) {
      return reply(500, {
        message: SERVER_DETAIL,
        code: 500,
        type: 'general_unknown',
        version: '1.9.5',
      });
    }
    if (req.method === 'GET' && path === ROWS_PATH) return reply(200, { total: 0, rows: [] });
    if (req.method === 'GET' && path === FILES_PATH) return reply(200, { total: 0, files: [] });
    return reply(404, { message: 'no such route', code: 404, type: 'general_route_not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  if (copyRoot) await rm(copyRoot, { recursive: true, force: true });
});

// The bundle reads process.env (once, on its first execution); stub it per test, restore after.
beforeEach(() => {
  vi.stubEnv('APPWRITE_FUNCTION_API_ENDPOINT', endpoint);
  vi.stubEnv('APPWRITE_FUNCTION_PROJECT_ID', PROJECT);
  seen.length = 0;
  failing.clear();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const request = { method: 'GET', path: '/', headers: { 'x-appwrite-key': KEY } };

describe('health bundle, copied out of the repo', () => {
  it('is self-contained: an ES module marked by its own package.json', async () => {
    expect((await stat(join(dirname(entrypoint), 'package.json'))).isFile()).toBe(true);
    const loaded = await loadLikeRuntime(entrypoint);
    expect(typeof (loaded as { default?: unknown }).default).toBe('function');
  });

  it('all checks pass → 200, and Appwrite saw the execution key and the project', async () => {
    const result = await execute(await loadLikeRuntime(entrypoint), request);

    expect(result.errors).toEqual([]);
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({
      status: 'pass',
      version: AGORA_VERSION,
      checks: {
        database: { status: 'pass', ms: expect.any(Number) },
        storage: { status: 'pass', ms: expect.any(Number) },
      },
    });
    expect(seen.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      `GET ${FILES_PATH}`,
      `GET ${ROWS_PATH}`,
    ]);
    for (const call of seen) {
      expect(call.headers['x-appwrite-key']).toBe(KEY);
      expect(call.headers['x-appwrite-project']).toBe(PROJECT);
    }
  });

  it('storage answers 500 → 503 naming storage; no key, endpoint or server detail in the body', async () => {
    failing.add(FILES_PATH);
    const result = await execute(await loadLikeRuntime(entrypoint), request);

    expect(result.statusCode).toBe(503);
    expect(result.json()).toMatchObject({
      status: 'fail',
      checks: {
        database: { status: 'pass' },
        storage: { status: 'fail', reason: 'Appwrite answered 500 general_unknown' },
      },
    });
    for (const secret of [KEY, endpoint, '127.0.0.1', SERVER_DETAIL, 'at ']) {
      expect(result.text).not.toContain(secret);
    }
    expect(result.errors.join('\n')).toContain(SERVER_DETAIL);
  });

  it('loads on a Node without require(esm) too: require fails with ERR_REQUIRE_ESM, import() works', async () => {
    // Older runtimes (Node < 20.19 / 22.12) neither require() ES modules nor detect ESM syntax in a
    // .js file: only the "type": "module" beside the bundle makes them throw ERR_REQUIRE_ESM, the one
    // error after which the runtime falls back to import().
    const loader = `
      let fn;
      try { fn = require(process.argv[1]); console.log('required'); }
      catch (e) {
        if (e.code !== 'ERR_REQUIRE_ESM') { console.log('failed ' + e.code); process.exit(0); }
        fn = await import(require('node:url').pathToFileURL(process.argv[1]).href);
        console.log('imported ' + typeof fn.default);
      }`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--no-experimental-require-module',
      '--no-experimental-detect-module',
      '--no-warnings',
      '--input-type=commonjs',
      '-e',
      `(async () => {${loader}})()`,
      entrypoint,
    ]);
    expect(stdout.trim()).toBe('imported function');
  });
});
