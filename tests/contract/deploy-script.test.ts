import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  Client,
  Functions,
  Project,
  Proxy as ProxyRules,
  Sites,
  Storage,
  TablesDB,
} from 'node-appwrite';
import * as tar from 'tar';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { siteRequest, staticSiteSource, writeTree } from '../support/sites.ts';
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
  sites: [
    {
      $id: 'web',
      name: 'web',
      path: 'site',
      enabled: true,
      logging: true,
      timeout: 30,
      framework: 'other',
      adapter: 'static',
      buildRuntime: 'node-22',
      installCommand: '',
      buildCommand: 'node build.mjs',
      outputDirectory: './dist',
      fallbackFile: 'index.html',
      specification: 's-1vcpu-512mb',
      ignore: ['secret.txt', 'dist'],
      vars: [],
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
  writeTree(join(work, 'site'), staticSiteSource('deployed'));
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
  expect(result.output).toContain('+ create, build and deploy site web');
  expect(result.output).toContain('+ add a domain rule for site web');
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
  expect(readdirSync(work).sort()).toEqual(['appwrite.json', 'functions', 'site']);
}, 90_000);

test('the site: created with the key, built, deployed and given a domain rule; a re-deploy keeps it', async () => {
  // The first deploy above pushed it; its plan said so.
  const sites = new Sites(client);
  const site = await sites.get({ siteId: 'web' });
  const [deployment] = (await sites.listDeployments({ siteId: 'web' })).deployments;
  expect([deployment?.status, site.deploymentId]).toEqual(['ready', deployment?.$id]);
  const domain = `web-${server.projectId}.sites.localhost`;
  const port = Number(new URL(server.endpoint).port);
  expect((await siteRequest(port, domain, '/')).body).toContain('<title>deployed</title>');
  // `ignore` kept secret.txt out of the upload.
  expect((await siteRequest(port, domain, '/env.json')).status).toBe(200);
  const source = await sites.getDeploymentDownload({
    siteId: 'web',
    deploymentId: String(deployment?.$id),
  });
  const archive = join(work, '..', `web-source-${Date.now()}.tar.gz`);
  writeFileSync(archive, Buffer.from(source));
  const names: string[] = [];
  tar.t({ file: archive, sync: true, onReadEntry: (entry) => void names.push(entry.path) });
  rmSync(archive);
  expect(names.some((name) => name.endsWith('build.mjs'))).toBe(true);
  expect(names.some((name) => name.includes('secret.txt'))).toBe(false);

  const again = await deploy();
  expect(again.output).toContain('+ update, build and deploy site web');
  expect(again.output).not.toContain('add a domain rule');
  expect(again.output).toContain(`Site web: https://${domain}/`);
  expect(again.code).toBe(0);
  const rules = await new ProxyRules(client).listRules({});
  expect(rules.rules.filter((r) => r.trigger === 'manual').map((r) => r.domain)).toEqual([domain]);
}, 90_000);

test('a remote table appwrite.json lacks: nothing pushed without --yes, deleted with it', async () => {
  // The site is done with (above); the remaining deploys leave it out, which is quicker.
  const { sites: _sites, ...withoutSites } = config;
  writeFileSync(join(work, 'appwrite.json'), JSON.stringify(withoutSites, null, 2));
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
  const { sites: _sites, ...withoutSites } = config;
  writeFileSync(
    join(work, 'appwrite.json'),
    JSON.stringify({ ...withoutSites, settings }, null, 2),
  );
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
