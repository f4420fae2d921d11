import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Project } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CONSOLE_EMAIL } from '../../emulator/core/identity/console-account.ts';
import { appwriteCli, type CliProject, cliProject, saveCliKey } from '../support/appwrite-cli.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * appwrite-cli 12.0.1 `push settings` with Agora's appwrite.json `settings`: after `appwrite login`
 * (the console account) it reads the project through `GET /projects/{id}` (format 1.8.0) and pushes
 * each service, the eight security keys and each auth method through the console paths; the Project
 * API then reports them and an anonymous session is refused. With only an API key the CLI cannot
 * (it stops at "Session not found"), which is why `npm run deploy` applies settings itself.
 */

const CONSOLE_PASSWORD = 'console-password-for-tests';
const REPO = JSON.parse(readFileSync(resolve('appwrite.json'), 'utf8'));

let server: LocalServer;
let work: string;
let project: Project;

function scratch(name: string): CliProject {
  const where = cliProject(join(work, name));
  const config = { projectId: server.projectId, settings: REPO.settings };
  writeFileSync(join(where.cwd, 'appwrite.json'), JSON.stringify(config, null, 2));
  return where;
}

async function methods() {
  const model = await project.get();
  return Object.fromEntries(model.authMethods.map((m) => [m.$id, m.enabled]));
}

beforeAll(async () => {
  server = await startLocalServer('agora');
  await server.app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, CONSOLE_PASSWORD);
  project = new Project(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  work = mkdtempSync(join(tmpdir(), 'appwrite-cli-settings-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('with only an API key the CLI cannot push settings; nothing changes', async () => {
  const where = scratch('key');
  saveCliKey(where, server.endpoint, server.apiKey);
  const output = await appwriteCli(where, ['push', 'settings', '--force'], { failureOk: true });
  expect(output).toMatch(/Session not found/);
  expect((await methods()).anonymous).toBe(true);
}, 60_000);

test('after appwrite login: push settings applies every service, policy and method', async () => {
  expect((await call(server, 'POST', '/account/sessions/anonymous')).status).toBe(201);
  const where = scratch('login');
  const login = await appwriteCli(where, [
    'login',
    '--endpoint',
    server.endpoint,
    '--email',
    CONSOLE_EMAIL,
    '--password',
    CONSOLE_PASSWORD,
  ]);
  expect(login).toContain(`Successfully signed in as ${CONSOLE_EMAIL}`);

  const pushed = await appwriteCli(where, ['push', 'settings', '--force']);
  expect(pushed).toContain('Successfully pushed all project settings');
  expect(pushed).not.toMatch(/Error/);
  // It compared first (GET /projects/{id} read as the CLI reads it) and listed what differs.
  expect(pushed).toMatch(/Auth method.*anonymous/);

  expect(await methods()).toEqual(REPO.settings.auth.methods);
  const model = await project.get();
  const services = Object.fromEntries(model.services.map((s) => [s.$id, s.enabled]));
  for (const [id, on] of Object.entries(REPO.settings.services))
    expect([id, services[id]]).toEqual([id, on]);
  const policies = Object.fromEntries(
    (await project.listPolicies()).policies.map((p) => [p.$id, p]),
  );
  const security = REPO.settings.auth.security;
  expect(policies['session-duration']).toMatchObject({ duration: security.duration });
  expect(policies['session-limit']).toMatchObject({ total: security.sessionsLimit });
  expect(policies['user-limit']).toMatchObject({ total: security.limit });
  expect(policies['password-history']).toMatchObject({ total: security.passwordHistory });
  expect(policies['password-dictionary']).toMatchObject({ enabled: security.passwordDictionary });

  const anonymous = await call(server, 'POST', '/account/sessions/anonymous');
  expect([anonymous.status, anonymous.json.type]).toEqual([501, 'user_auth_method_unsupported']);

  // Pushed again, the CLI finds no differences to show and pushes the same values.
  const again = await appwriteCli(where, ['push', 'settings', '--force']);
  expect(again).toContain('Successfully pushed all project settings');
  expect(again).not.toMatch(/Auth method|Service\b/);
}, 120_000);
