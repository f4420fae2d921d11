import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Proxy as ProxyRules, Sites } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { appwriteCli, type CliProject, cliProject, saveCliKey } from '../support/appwrite-cli.ts';
import { siteRequest, staticSiteSource, writeTree } from '../support/sites.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The real appwrite-cli 12.0.1 pushes a scratch static site (`appwrite.json` `sites`) to the local
 * Appwrite: with only an API key the first push creates the site and stops at the console variables
 * (as against Appwrite), a second push deploys it without a domain rule; after `appwrite login` one
 * push creates it, adds its rule and deploys, and the site answers at the rule's domain. A re-push of
 * unchanged code deploys again; a changed file is served once its deployment is ready.
 */

const CONSOLE_EMAIL = 'admin@appwrite.local';
const CONSOLE_PASSWORD = 'local-console-password';

let server: LocalServer;
let work: string;
let port: number;

function scratchProject(name: string, siteId: string): CliProject {
  const where = cliProject(join(work, name));
  writeTree(join(where.cwd, 'site'), {
    ...staticSiteSource('cli-v1'),
    '.gitignore': 'dist\nnode_modules\n.env\n',
  });
  const config = {
    projectId: server.projectId,
    sites: [
      {
        $id: siteId,
        name: siteId,
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
        vars: [],
      },
    ],
  };
  writeFileSync(join(where.cwd, 'appwrite.json'), JSON.stringify(config, null, 2));
  return where;
}

function cli(where: CliProject, args: string[]): Promise<string> {
  return appwriteCli(where, args, { failureOk: true });
}

const admin = () =>
  new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey);

beforeAll(async () => {
  server = await startLocalServer();
  port = Number(new URL(server.endpoint).port);
  await server.app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, CONSOLE_PASSWORD);
  work = mkdtempSync(join(tmpdir(), 'appwrite-cli-sites-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('with an API key: the first push creates the site, the second deploys it (no domain rule)', async () => {
  const where = scratchProject('key', 'key-site');
  saveCliKey(where, server.endpoint, server.apiKey);
  const first = await cli(where, ['push', 'sites', '--all', '--force']);
  expect(first).toMatch(/Session not found|console variables/i);
  const sites = new Sites(admin());
  expect((await sites.get({ siteId: 'key-site' })).deploymentId).toBe('');

  const second = await cli(where, ['push', 'sites', '--all', '--force']);
  expect(second).toContain('Successfully pushed 1 sites');
  const site = await sites.get({ siteId: 'key-site' });
  expect(site).toMatchObject({ framework: 'other', outputDirectory: './dist' });
  const [deployment] = (await sites.listDeployments({ siteId: 'key-site' })).deployments;
  expect([deployment?.type, deployment?.status]).toEqual(['cli', 'ready']);
  expect(site.deploymentId).toBe(deployment?.$id);
  const { rules } = await new ProxyRules(admin()).listRules({});
  const siteRules = rules.filter((r) => r.deploymentResourceId === 'key-site');
  expect(siteRules.map((r) => [r.trigger, r.deploymentId])).toEqual([
    ['deployment', deployment?.$id],
  ]);
  expect((await siteRequest(port, 'key-site.sites.localhost', '/')).body).toContain('cli-v1');
}, 60_000);

test('after appwrite login: one push creates, adds the rule and deploys; re-pushes redeploy', async () => {
  const where = scratchProject('login', 'login-site');
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
  const pushed = await cli(where, ['push', 'sites', '--all', '--force']);
  expect(pushed).toContain('Successfully pushed 1 sites');
  const { rules } = await new ProxyRules(admin()).listRules({});
  const rule = rules.find((r) => r.deploymentResourceId === 'login-site' && r.trigger === 'manual');
  expect(rule?.domain).toMatch(/\.sites\.localhost$/);
  expect(pushed).toContain(String(rule?.domain));
  const served = await siteRequest(port, String(rule?.domain), '/');
  expect(served.body).toContain('cli-v1');

  // Unchanged code: a new deployment, ready and active.
  const again = await cli(where, ['push', 'sites', '--all', '--force']);
  expect(again).toContain('Successfully pushed 1 sites');
  const sites = new Sites(admin());
  const listed = (await sites.listDeployments({ siteId: 'login-site' })).deployments;
  expect(listed.map((d) => d.status)).toEqual(['ready', 'ready']);
  expect((await sites.get({ siteId: 'login-site' })).deploymentId).toBe(listed[1]?.$id);

  // A changed file is served after its push.
  writeTree(join(where.cwd, 'site'), staticSiteSource('cli-v2'));
  await cli(where, ['push', 'sites', '--all', '--force']);
  expect((await siteRequest(port, String(rule?.domain), '/')).body).toContain('cli-v2');
}, 90_000);
