import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Proxy as ProxyRules, Sites } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildApp } from '../../emulator/app.ts';
import { packFolder, siteRequest, staticSiteSource, writeTree } from '../support/sites.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Sites on the local Appwrite through node-appwrite: a site, its variables, a deployment built in a
 * child process (statuses, logs, the build's environment), served at `<siteId>.sites.localhost` and
 * at its rule's domain with content types, folders, the fallback file and no path outside the output
 * folder; a failing build leaves the previous deployment serving; a new build is served only once
 * ready; a build past the time limit fails.
 */

const SERVER_SECRET = 'server-env-secret-7f3a';
let server: LocalServer;
let sites: Sites;
let port: number;
let work: string;

async function upload(siteId: string, version: string, options: Record<string, unknown> = {}) {
  const folder = join(work, `${siteId}-${version}`);
  writeTree(folder, staticSiteSource(version));
  const code = await packFolder(folder, join(work, `${version}.tar.gz`));
  return sites.createDeployment({
    siteId,
    code: InputFile.fromBuffer(code, 'code.tar.gz'),
    activate: true,
    ...options,
  });
}

async function builtDeployment(siteId: string, deploymentId: string) {
  await server.app.emulator.sites.idle();
  return sites.getDeployment({ siteId, deploymentId });
}

beforeAll(async () => {
  process.env.LOCAL_APPWRITE_TEST_SECRET = SERVER_SECRET;
  server = await startLocalServer();
  port = Number(new URL(server.endpoint).port);
  sites = new Sites(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  work = mkdtempSync(join(tmpdir(), 'appwrite-local-sites-'));
  await sites.create({
    siteId: 'scratch',
    name: 'Scratch',
    framework: 'other' as never,
    buildRuntime: 'node-22' as never,
    buildCommand: 'node build.mjs',
    outputDirectory: 'dist',
    fallbackFile: 'index.html',
  });
});
afterAll(async () => {
  delete process.env.LOCAL_APPWRITE_TEST_SECRET;
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('a deployment builds in the background, keeps its logs and is served with its content types', async () => {
  await sites.createVariable({
    siteId: 'scratch',
    variableId: 'unique()',
    key: 'GREETING',
    value: 'hello',
    secret: true,
  });
  const created = await upload('scratch', 'v1');
  expect(created.status).toBe('waiting');
  const built = await builtDeployment('scratch', created.$id);
  expect(built.status).toBe('ready');
  expect(built.buildLogs).toContain('built v1');
  expect(built.buildSize).toBeGreaterThan(0);
  const site = await sites.get({ siteId: 'scratch' });
  expect([site.deploymentId, site.latestDeploymentStatus]).toEqual([created.$id, 'ready']);

  const index = await siteRequest(port, 'scratch.sites.localhost', '/');
  expect([index.status, index.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
  expect(index.body).toContain('<title>v1</title>');
  expect(index.headers['cache-control']).toBe('no-cache');
  const script = await siteRequest(port, 'scratch.sites.localhost', '/app.js');
  expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  const again = await siteRequest(port, 'scratch.sites.localhost', '/app.js', {
    headers: { 'if-none-match': String(script.headers.etag) },
  });
  expect(again.status).toBe(304);
  expect((await siteRequest(port, 'scratch.sites.localhost', '/about')).body).toBe('<p>about</p>');
  const folder = await siteRequest(port, 'scratch.sites.localhost', '/docs?x=1');
  expect([folder.status, folder.headers.location]).toEqual([308, '/docs/?x=1']);
  expect((await siteRequest(port, 'scratch.sites.localhost', '/docs/')).body).toBe('<p>docs</p>');
  // A client-side route falls back to fallbackFile.
  const route = await siteRequest(port, 'scratch.sites.localhost', '/feed/42');
  expect([route.status, route.body]).toEqual([200, expect.stringContaining('<title>v1</title>')]);
  // The API stays the API on a site's origin.
  const health = await siteRequest(port, 'scratch.sites.localhost', '/v1/health/version');
  expect(JSON.parse(health.body)).toHaveProperty('version');
});

test("a build sees Appwrite's build variables and the site's own, never the server's environment", async () => {
  const env = JSON.parse((await siteRequest(port, 'scratch.sites.localhost', '/env.json')).body);
  expect(env).toMatchObject({
    GREETING: 'hello',
    APPWRITE_SITE_ID: 'scratch',
    APPWRITE_SITE_PROJECT_ID: server.projectId,
    APPWRITE_SITE_API_ENDPOINT: server.endpoint,
  });
  expect(JSON.stringify(env)).not.toContain(SERVER_SECRET);
  expect(Object.keys(env).filter((key) => key.startsWith('_APP_'))).toEqual([]);
  expect(env.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
});

test('no path outside the output folder is served, nor a hidden file', async () => {
  const paths = [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/docs/..%2f..%2fsecret.txt',
    '/%2e%2e%2f%2e%2e%2fbuild.mjs',
    '/.hidden',
    '/..%5csecret.txt',
    '/leak.txt',
  ];
  // Without a fallback file, a missing path is a 404.
  await sites.update({
    siteId: 'scratch',
    name: 'Scratch',
    framework: 'other' as never,
    buildCommand: 'node build.mjs',
    outputDirectory: 'dist',
  });
  expect((await siteRequest(port, 'scratch.sites.localhost', '/about.html')).status).toBe(200);
  for (const path of paths) {
    const answer = await siteRequest(port, 'scratch.sites.localhost', path);
    expect([path, answer.status]).toEqual([path, 404]);
    expect(answer.body).not.toContain('outside the output folder');
    expect(answer.body).not.toContain('process.env');
  }
});

test('a failing build shows its logs and leaves the previous deployment serving', async () => {
  const active = (await sites.get({ siteId: 'scratch' })).deploymentId;
  const created = await upload('scratch', 'v-broken', { buildCommand: 'node fail.mjs' });
  const failed = await builtDeployment('scratch', created.$id);
  expect(failed.status).toBe('failed');
  expect(failed.buildLogs).toContain('boom: the build broke');
  expect(failed.buildLogs).toContain('exited with code 3');
  expect((await sites.get({ siteId: 'scratch' })).deploymentId).toBe(active);
  expect((await siteRequest(port, 'scratch.sites.localhost', '/')).body).toContain('v1');
  await expect(
    sites.updateSiteDeployment({ siteId: 'scratch', deploymentId: created.$id }),
  ).rejects.toMatchObject({ code: 400, type: 'build_not_ready' });
});

test('a changed file is served once its deployment is ready, and not before', async () => {
  const gate = join(work, 'gate');
  const variable = await sites.createVariable({
    siteId: 'scratch',
    variableId: 'unique()',
    key: 'WAIT_FOR',
    value: gate,
  });
  const created = await upload('scratch', 'v2');
  for (let i = 0; i < 200; i++) {
    const { status } = await sites.getDeployment({ siteId: 'scratch', deploymentId: created.$id });
    if (status === 'building') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect((await sites.getDeployment({ siteId: 'scratch', deploymentId: created.$id })).status).toBe(
    'building',
  );
  expect((await siteRequest(port, 'scratch.sites.localhost', '/')).body).toContain('v1');
  writeFileSync(gate, '');
  expect((await builtDeployment('scratch', created.$id)).status).toBe('ready');
  expect((await siteRequest(port, 'scratch.sites.localhost', '/')).body).toContain('v2');
  // Each deployment keeps a domain of its own, serving it active or not.
  const { rules } = await new ProxyRules(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  ).listRules({});
  const ownDomain = (id: string) => String(rules.find((r) => r.deploymentId === id)?.domain);
  const [first] = (await sites.listDeployments({ siteId: 'scratch' })).deployments;
  expect((await siteRequest(port, ownDomain(String(first?.$id)), '/')).body).toContain('v1');
  expect((await siteRequest(port, ownDomain(created.$id), '/')).body).toContain('v2');
  await sites.deleteVariable({ siteId: 'scratch', variableId: variable.$id });
});

test('a site rule domain serves the site; unknown hosts and sites without a deployment are 404', async () => {
  const rules = new ProxyRules(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  const rule = await rules.createSiteRule({ domain: 'my-app.sites.localhost', siteId: 'scratch' });
  expect(rule).toMatchObject({ deploymentResourceType: 'site', deploymentResourceId: 'scratch' });
  expect((await siteRequest(port, 'my-app.sites.localhost', '/')).body).toContain('v2');
  await expect(
    rules.createSiteRule({ domain: 'other.sites.localhost', siteId: 'nope' }),
  ).rejects.toMatchObject({ code: 404, type: 'rule_resource_not_found' });

  const unknown = await siteRequest(port, 'nobody.sites.localhost', '/');
  expect([unknown.status, JSON.parse(unknown.body).type]).toEqual([404, 'router_host_not_found']);
  await sites.create({
    siteId: 'empty',
    name: 'Empty',
    framework: 'vite' as never,
    buildRuntime: 'node-22' as never,
  });
  const empty = await siteRequest(port, 'empty.sites.localhost', '/');
  expect([empty.status, JSON.parse(empty.body).type]).toEqual([404, 'deployment_not_found']);
});

test('site settings are checked as Appwrite checks them; guests may not manage sites', async () => {
  const bad = await call(server, 'POST', '/sites', {
    headers: { 'x-appwrite-key': server.apiKey },
    body: { siteId: 'x', name: 'x', framework: 'vite', buildRuntime: 'node-22', adapter: 'ssr' },
  });
  expect([bad.status, bad.json.type]).toEqual([400, 'general_argument_invalid']);
  const taken = await call(server, 'POST', '/sites', {
    headers: { 'x-appwrite-key': server.apiKey },
    body: { siteId: 'scratch', name: 'x', framework: 'vite', buildRuntime: 'node-22' },
  });
  expect([taken.status, taken.json.type]).toEqual([409, 'site_already_exists']);
  const guest = await call(server, 'GET', '/sites');
  expect([guest.status, guest.json.type]).toEqual([401, 'general_unauthorized_scope']);
  const missing = await call(server, 'GET', '/sites/nope', {
    headers: { 'x-appwrite-key': server.apiKey },
  });
  expect([missing.status, missing.json.type]).toEqual([404, 'site_not_found']);
});

test("site writes publish Appwrite's events; a build moving along does not", async () => {
  const heard: string[] = [];
  const unsubscribe = server.app.emulator.events.subscribe((event) => {
    if (event.pattern.startsWith('sites.') || event.pattern.startsWith('variables.')) {
      heard.push(`${event.pattern} ${JSON.stringify(event.params)}`);
    }
  });
  try {
    await sites.create({
      siteId: 'evented',
      name: 'Evented',
      framework: 'other' as never,
      buildRuntime: 'node-22' as never,
      buildCommand: 'node build.mjs',
      outputDirectory: 'dist',
    });
    const variable = await sites.createVariable({
      siteId: 'evented',
      variableId: 'v1',
      key: 'K',
      value: 'v',
    });
    const created = await upload('evented', 'e1');
    await builtDeployment('evented', created.$id);
    await sites.delete({ siteId: 'evented' });
    expect(heard).toEqual([
      'sites.[siteId].create {"siteId":"evented"}',
      `variables.[variableId].create {"variableId":"${variable.$id}"}`,
      `sites.[siteId].deployments.[deploymentId].create {"siteId":"evented","deploymentId":"${created.$id}"}`,
      'sites.[siteId].delete {"siteId":"evented"}',
    ]);
  } finally {
    unsubscribe();
  }
});

test('a build past the time limit is stopped and fails', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'appwrite-local-sites-timeout-'));
  const app = await buildApp({ projectId: 'p', dataDir, abuse: false, buildTimeout: 1 });
  try {
    const store = app.emulator.sites;
    store.sites.create('slow', {
      name: 'slow',
      framework: 'other',
      enabled: true,
      logging: true,
      timeout: 30,
      installCommand: '',
      buildCommand: 'node -e "setTimeout(() => {}, 60000)"',
      startCommand: '',
      outputDirectory: '',
      buildRuntime: 'node-22',
      adapter: '',
      fallbackFile: '',
      buildSpecification: 's-1vcpu-512mb',
      runtimeSpecification: 's-1vcpu-512mb',
      deploymentRetention: 0,
    });
    const folder = join(work, 'slow');
    writeTree(folder, { 'index.html': 'slow' });
    const code = await packFolder(folder, join(work, 'slow.tar.gz'));
    const doc = store.deployments.upload({
      siteId: 'slow',
      installCommand: null,
      buildCommand: null,
      outputDirectory: null,
      activate: true,
      file: { name: 'code.tar.gz', data: code },
      contentRange: undefined,
      appwriteId: undefined,
      type: 'manual',
    });
    await store.idle();
    const done = store.deployments.get('slow', doc.$id);
    expect(done.status).toBe('failed');
    expect(done.buildLogs).toContain('timed out after 1 seconds');
    expect(store.sites.get('slow').deploymentId).toBe('');
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
