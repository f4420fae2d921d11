import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Functions, Proxy as ProxyRules } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyBucketsConfig } from '../../emulator/core/storage/config.ts';
import { applyProjectConfig } from '../../emulator/core/tablesdb/config.ts';
import { appwriteCli, type CliProject, cliProject } from '../support/appwrite-cli.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The real appwrite-cli 12.0.1 deploys a function to the local Appwrite, with HOME in a temporary
 * folder: with only an API key the first `push functions` creates the function but cannot deploy
 * it (the CLI's console-variables gap, facts §5.4) and a second push deploys it; after
 * `appwrite login` with the local console account one push does it all, domain rule included. The
 * deployed function then runs through node-appwrite.
 */

const CONSOLE_EMAIL = 'admin@appwrite.local';
const CONSOLE_PASSWORD = 'local-console-password';

let server: LocalServer;
let work: string;

/** A scratch project with one function (`functionId`), its own appwrite.json and HOME. */
function scratchProject(name: string, functionId: string): CliProject {
  const where = cliProject(join(work, name));
  const { cwd } = where;
  mkdirSync(join(cwd, 'functions', functionId), { recursive: true });
  writeFileSync(
    join(cwd, 'functions', functionId, 'package.json'),
    JSON.stringify({ type: 'module' }),
  );
  writeFileSync(
    join(cwd, 'functions', functionId, 'main.js'),
    `export default async ({ req, res }) => res.json({ hello: '${functionId}', path: req.path });\n`,
  );
  const config = {
    projectId: server.projectId,
    functions: [
      {
        $id: functionId,
        name: functionId,
        runtime: 'node-22',
        specification: 's-1vcpu-512mb',
        execute: ['any'],
        events: [],
        schedule: '',
        timeout: 15,
        enabled: true,
        logging: true,
        entrypoint: 'main.js',
        commands: '',
        scopes: ['users.read'],
        path: `functions/${functionId}`,
      },
    ],
  };
  writeFileSync(join(cwd, 'appwrite.json'), JSON.stringify(config, null, 2));
  return where;
}

/** The CLI's output, also when it fails: the first push with only a key is expected to. */
function cli(where: CliProject, args: string[]): Promise<string> {
  return appwriteCli(where, args, { failureOk: true });
}

async function execute(functionId: string) {
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  const execution = await new Functions(client).createExecution({ functionId, xpath: '/hi' });
  return JSON.parse(execution.responseBody);
}

beforeAll(async () => {
  server = await startLocalServer();
  await server.app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, CONSOLE_PASSWORD);
  work = mkdtempSync(join(tmpdir(), 'appwrite-cli-functions-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('with an API key: the first push creates, the second deploys', async () => {
  const where = scratchProject('key', 'hello-key');
  const setup = await cli(where, [
    'client',
    '--endpoint',
    server.endpoint,
    '--project-id',
    server.projectId,
    '--key',
    server.apiKey,
  ]);
  expect(setup).not.toMatch(/error/i);
  const prefs = JSON.parse(readFileSync(join(where.home, '.appwrite', 'prefs.json'), 'utf8'));
  expect(prefs[prefs.current]).toMatchObject({ endpoint: server.endpoint, key: server.apiKey });

  const first = await cli(where, ['push', 'functions', '--all', '--force']);
  expect(first).toMatch(/Session not found|console variables/i);
  const functions = new Functions(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  expect((await functions.get({ functionId: 'hello-key' })).deploymentId).toBe('');

  const second = await cli(where, ['push', 'functions', '--all', '--force']);
  expect(second).toContain('Successfully pushed 1');
  const fn = await functions.get({ functionId: 'hello-key' });
  expect(fn.deploymentId).not.toBe('');
  expect(fn.scopes).toEqual(['users.read']);
  const [deployment] = (await functions.listDeployments({ functionId: 'hello-key' })).deployments;
  expect([deployment?.type, deployment?.status]).toEqual(['cli', 'ready']);
  expect(await execute('hello-key')).toEqual({ hello: 'hello-key', path: '/hi' });
}, 60_000);

test('after appwrite login: one push creates, deploys and adds the domain rule', async () => {
  const where = scratchProject('login', 'hello-login');
  const wrong = await cli(where, [
    'login',
    '--endpoint',
    server.endpoint,
    '--email',
    CONSOLE_EMAIL,
    '--password',
    'not-the-password',
  ]);
  expect(wrong).toMatch(/Invalid credentials/i);
  const login = await cli(where, [
    'login',
    '--endpoint',
    server.endpoint,
    '--email',
    CONSOLE_EMAIL,
    '--password',
    CONSOLE_PASSWORD,
  ]);
  expect(login).toContain(`Successfully signed in as ${CONSOLE_EMAIL}`);

  const pushed = await cli(where, ['push', 'functions', '--all', '--force']);
  expect(pushed).toContain('Successfully pushed 1');
  expect(await execute('hello-login')).toEqual({ hello: 'hello-login', path: '/hi' });
  const rules = await new ProxyRules(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  ).listRules();
  expect(
    rules.rules.map((r) => [r.deploymentResourceId, r.domain.endsWith('.functions.localhost')]),
  ).toEqual([['hello-login', true]]);
  const again = await cli(where, ['push', 'functions', '--all', '--force']);
  expect(again).toContain('Successfully pushed 1');
  expect(again).toMatch(/functions\.localhost/);
}, 60_000);

const HEALTH = resolve('functions/health');

test.skipIf(!existsSync(join(HEALTH, 'dist', 'main.js')))(
  'this repository’s functions/health, as built, deploys and answers',
  async () => {
    const repo = JSON.parse(readFileSync(resolve('appwrite.json'), 'utf8'));
    // The database and bucket the health function checks, as the emulator applies them at start.
    applyProjectConfig(server.app.emulator.tablesdb.schema, repo);
    applyBucketsConfig(server.app.emulator.storage, repo);
    const health = repo.functions.find((f: { $id: string }) => f.$id === 'health');
    const where = cliProject(join(work, 'repo'));
    const { cwd } = where;
    mkdirSync(join(cwd, 'functions'), { recursive: true });
    symlinkSync(HEALTH, join(cwd, 'functions', 'health'), 'dir');
    writeFileSync(
      join(cwd, 'appwrite.json'),
      JSON.stringify({ projectId: server.projectId, functions: [health] }),
    );
    await cli(where, ['client', '--endpoint', server.endpoint, '--key', server.apiKey]);
    await cli(where, ['push', 'functions', '--all', '--force']);
    const pushed = await cli(where, ['push', 'functions', '--all', '--force']);
    expect(pushed).toContain('Successfully pushed 1');
    const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
    const execution = await new Functions(client).createExecution({
      functionId: 'health',
      method: 'GET' as never,
    });
    expect(execution.responseStatusCode).toBe(200);
    expect(JSON.parse(execution.responseBody)).toMatchObject({ status: 'pass' });
  },
  60_000,
);
