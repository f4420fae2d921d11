import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client, Functions, Project, Storage, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * `npm run deploy` (scripts/deploy.ts) against the local Appwrite, on a scratch project: it shows
 * the plan, pushes tables, buckets and functions with the real appwrite-cli (retrying the first
 * functions push), and refuses to delete anything without `--yes`.
 */

const run = promisify(execFile);
const TSX = resolve('node_modules/.bin/tsx');
const SCRIPT = resolve('scripts/deploy.ts');

let server: LocalServer;
let work: string;
let client: Client;

const config = {
  projectId: 'ignored-the-environment-wins',
  endpoint: 'https://example.invalid/v1',
  tablesDB: [{ $id: 'app', name: 'app', enabled: true }],
  tables: [
    {
      $id: 'notes',
      databaseId: 'app',
      name: 'notes',
      enabled: true,
      rowSecurity: false,
      $permissions: [],
      columns: [
        {
          key: 'text',
          type: 'string',
          required: false,
          array: false,
          size: 100,
          default: null,
          encrypt: false,
        },
      ],
      indexes: [],
    },
  ],
  buckets: [
    {
      $id: 'files',
      name: 'files',
      $permissions: [],
      fileSecurity: false,
      enabled: true,
      maximumFileSize: 1_000_000,
      allowedFileExtensions: [],
      compression: 'none',
      encryption: false,
      antivirus: false,
    },
  ],
  functions: [
    {
      $id: 'greet',
      name: 'greet',
      runtime: 'node-22',
      specification: 's-1vcpu-512mb',
      execute: ['any'],
      events: [],
      schedule: '',
      timeout: 15,
      enabled: true,
      logging: true,
      entrypoint: 'dist/main.js',
      commands: '',
      scopes: [],
      path: 'functions/greet',
      ignore: ['src'],
    },
    {
      $id: 'unbuilt',
      name: 'unbuilt',
      runtime: 'node-22',
      entrypoint: 'dist/main.js',
      path: 'functions/unbuilt',
    },
  ],
};

async function deploy(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      TSX,
      [SCRIPT, '--skip-build', '--config', join(work, 'appwrite.json'), ...args],
      {
        env: {
          ...process.env,
          APPWRITE_ENDPOINT: server.endpoint,
          APPWRITE_PROJECT_ID: server.projectId,
          APPWRITE_API_KEY: server.apiKey,
        },
        timeout: 90_000,
      },
    );
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  server = await startLocalServer();
  client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  work = mkdtempSync(join(tmpdir(), 'agora-deploy-test-'));
  mkdirSync(join(work, 'functions', 'greet', 'dist'), { recursive: true });
  mkdirSync(join(work, 'functions', 'greet', 'src'), { recursive: true });
  writeFileSync(join(work, 'functions', 'greet', 'src', 'main.ts'), 'secret source');
  writeFileSync(
    join(work, 'functions', 'greet', 'dist', 'package.json'),
    JSON.stringify({ type: 'module' }),
  );
  writeFileSync(
    join(work, 'functions', 'greet', 'dist', 'main.js'),
    `import { existsSync } from 'node:fs';
export default async ({ res }) => res.json({ greeting: 'hello', source: existsSync('src/main.ts') });\n`,
  );
  writeFileSync(join(work, 'appwrite.json'), JSON.stringify(config, null, 2));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('missing environment → exit 2 naming the variables', async () => {
  const result = await run(TSX, [SCRIPT, '--skip-build'], {
    env: { ...process.env, APPWRITE_ENDPOINT: '', APPWRITE_PROJECT_ID: '', APPWRITE_API_KEY: '' },
  }).catch((e: { code: number; stderr: string }) => e);
  expect('code' in result ? result.code : 0).toBe(2);
  expect('stderr' in result ? result.stderr : '').toContain('APPWRITE_API_KEY');
});

test('first deploy: plan, then tables, buckets and functions pushed; unbuilt skipped', async () => {
  const result = await deploy();
  expect(result.output).toContain('+ create database app');
  expect(result.output).toContain('+ create and deploy function greet');
  expect(result.output).toMatch(/~ skip function unbuilt/);
  expect(result.code).toBe(0);
  const table = await new TablesDB(client).getTable({ databaseId: 'app', tableId: 'notes' });
  expect(table.columns.map((c) => c.key)).toEqual(['text']);
  expect((await new Storage(client).getBucket({ bucketId: 'files' })).name).toBe('files');
  const execution = await new Functions(client).createExecution({ functionId: 'greet' });
  // `ignore: ["src"]` kept the source out of the deployment.
  expect(JSON.parse(execution.responseBody)).toEqual({ greeting: 'hello', source: false });
  // The repository copy was not touched: no CLI archive left next to appwrite.json.
  expect(readdirSync(work).sort()).toEqual(['appwrite.json', 'functions']);
}, 90_000);

test('a remote table appwrite.json lacks: nothing pushed without --yes, deleted with it', async () => {
  const tables = new TablesDB(client);
  await tables.createTable({ databaseId: 'app', tableId: 'precious', name: 'precious' });
  const refused = await deploy();
  expect(refused.code).toBe(1);
  expect(refused.output).toContain('- DELETE table app/precious');
  expect(refused.output).toContain('Nothing was pushed');
  expect((await tables.getTable({ databaseId: 'app', tableId: 'precious' })).$id).toBe('precious');

  const confirmed = await deploy('--yes');
  expect(confirmed.code).toBe(0);
  const left = await tables.listTables({ databaseId: 'app' });
  expect(left.tables.map((t) => t.$id)).toEqual(['notes']);
}, 90_000);

test('settings: shown in the plan and applied with the key (anonymous sign-in off → 501 after)', async () => {
  const before = await call(server, 'POST', '/account/sessions/anonymous');
  expect(before.status).toBe(201);
  const settings = {
    services: { teams: false, storage: true },
    auth: {
      methods: { anonymous: false, 'email-password': true },
      security: {
        duration: 2_592_000,
        limit: 0,
        sessionsLimit: 10,
        passwordHistory: 0,
        passwordDictionary: true,
        personalDataCheck: false,
        sessionAlerts: false,
        mockNumbers: [],
      },
    },
  };
  writeFileSync(join(work, 'appwrite.json'), JSON.stringify({ ...config, settings }, null, 2));
  const result = await deploy();
  expect(result.output).toContain('+ settings: service teams: on → off');
  expect(result.output).toContain('+ settings: auth method anonymous: on → off');
  expect(result.output).toContain('+ settings: security duration: 31536000 s → 2592000 s');
  expect(result.output).toContain('+ settings: security sessionsLimit: no limit → 10');
  expect(result.output).toContain('+ settings: security passwordDictionary: off → on');
  expect(result.output).not.toContain('settings: service storage');
  expect(result.code).toBe(0);

  const after = await call(server, 'POST', '/account/sessions/anonymous');
  expect([after.status, after.json.type]).toEqual([501, 'user_auth_method_unsupported']);
  const policy = await new Project(client).getPolicy({ policyId: 'session-limit' as never });
  expect(policy).toEqual({ $id: 'session-limit', total: 10 });

  const again = await deploy();
  expect(again.output).toContain('= settings: the project already has those of appwrite.json');
  expect(again.code).toBe(0);
}, 120_000);
