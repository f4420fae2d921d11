/**
 * Agora's client as an Appwrite Site, pushed the same way to production (`npm run deploy`) and to
 * the local Appwrite (`npm start`): appwrite.json's `sites` with the real appwrite-cli 12, using
 * only an API key — the settings decision of the security issue (deploy-settings.ts), taken the
 * same way here. A key cannot do two things the CLI does for a new site, so this does them first,
 * with node-appwrite and the same key:
 *
 * - it creates a missing site from its appwrite.json entry (the CLI, after creating one, reads the
 *   console's `_APP_DOMAIN_SITES` — a console route a key may not call — and stops before deploying);
 * - it adds the site's domain rule when the site has none (`POST /v1/proxy/rules/site` accepts a key;
 *   the CLI adds one only while creating the site, so a re-push never would): the domain given, or
 *   `<siteId>-<projectId>.<the domain Appwrite gave the site's deployments>`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  AppwriteException,
  type Client,
  ID,
  Proxy as ProxyRules,
  Query,
  Sites,
} from 'node-appwrite';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'node_modules', '.bin', 'appwrite');

type Json = Record<string, unknown>;

/** Where the CLI pushes to, with a key. */
export interface CliTarget {
  endpoint: string;
  projectId: string;
  apiKey: string;
}

/** Runs appwrite-cli in `cwd` with its own HOME; `ok` is false when it reports a failure. */
export async function cli(
  args: string[],
  cwd: string,
  home: string,
): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(CLI, args, {
      cwd,
      env: { ...process.env, HOME: home, NO_COLOR: '1' },
      timeout: 20 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${stdout}${stderr}`;
    return { ok: !/✗ Error|No \w+ were pushed|Failed to deploy/i.test(output), output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The `sites` entries of appwrite.json. */
export function sitesOf(config: Json): Json[] {
  return Array.isArray(config.sites) ? (config.sites as Json[]) : [];
}

async function orNull<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AppwriteException && error.code === 404) return null;
    throw error;
  }
}

/** What pushing the sites would do, in the deploy plan's words. */
export async function planSites(client: Client, config: Json): Promise<string[]> {
  const sites = new Sites(client);
  const lines: string[] = [];
  for (const site of sitesOf(config)) {
    const remote = await orNull(sites.get({ siteId: String(site.$id) }));
    lines.push(
      `${remote ? 'update, build and deploy' : 'create, build and deploy'} site ${site.$id}`,
    );
    if (!remote || (await siteDomain(client, String(site.$id))) === null) {
      lines.push(`add a domain rule for site ${site.$id}`);
    }
  }
  return lines;
}

/** Creates the site from its appwrite.json entry unless it exists; true when it created it. */
export async function ensureSite(client: Client, site: Json): Promise<boolean> {
  const sites = new Sites(client);
  if (await orNull(sites.get({ siteId: String(site.$id) }))) return false;
  const text = (key: string) => (typeof site[key] === 'string' ? String(site[key]) : undefined);
  await sites.create({
    siteId: String(site.$id),
    name: String(site.name ?? site.$id),
    framework: String(site.framework) as never,
    buildRuntime: String(site.buildRuntime) as never,
    enabled: site.enabled !== false,
    logging: site.logging !== false,
    timeout: typeof site.timeout === 'number' ? site.timeout : undefined,
    installCommand: text('installCommand'),
    buildCommand: text('buildCommand'),
    outputDirectory: text('outputDirectory'),
    adapter: text('adapter') as never,
    fallbackFile: text('fallbackFile'),
    buildSpecification: text('specification'),
    runtimeSpecification: text('specification'),
  });
  return true;
}

/** The domain of the site's `manual` rule, or null. */
export async function siteDomain(client: Client, siteId: string): Promise<string | null> {
  const { rules } = await new ProxyRules(client).listRules({
    queries: [
      Query.equal('deploymentResourceType', 'site'),
      Query.equal('deploymentResourceId', siteId),
    ],
  });
  return rules.find((rule) => rule.trigger === 'manual')?.domain ?? null;
}

/**
 * The site's domain: its `manual` rule's, else a new rule for `domain`, else for
 * `<siteId>-<projectId>.<suffix of a deployment's domain>`; null when there is nothing to derive
 * it from yet (no deployment) and no domain was given.
 */
export async function ensureSiteRule(
  client: Client,
  siteId: string,
  projectId: string,
  domain?: string,
): Promise<string | null> {
  const existing = await siteDomain(client, siteId);
  if (existing) return existing;
  let wanted = domain;
  if (!wanted) {
    const { rules } = await new ProxyRules(client).listRules({
      queries: [Query.equal('deploymentResourceId', siteId)],
    });
    const preview = rules.find((rule) => rule.trigger === 'deployment')?.domain;
    if (!preview) return null;
    wanted = `${siteId}-${projectId}.${preview.slice(preview.indexOf('.') + 1)}`.toLowerCase();
  }
  await new ProxyRules(client).createSiteRule({ domain: wanted, siteId });
  return wanted;
}

/** Sets a site variable (creating or updating it by key); not secret, as a build reads it. */
export async function setSiteVariable(
  client: Client,
  siteId: string,
  key: string,
  value: string,
): Promise<void> {
  const sites = new Sites(client);
  const { variables } = await sites.listVariables({ siteId });
  const existing = variables.find((variable) => variable.key === key);
  if (existing) {
    await sites.updateVariable({ siteId, variableId: existing.$id, key, value, secret: false });
  } else {
    await sites.createVariable({ siteId, variableId: ID.unique(), key, value, secret: false });
  }
}

/**
 * `appwrite push sites --all --force` with the key, from a temporary folder holding appwrite.json's
 * `sites` (each `path` made absolute, so the CLI packs the real folder with the entry's `ignore`
 * list) and a temporary HOME. Each site must exist first (ensureSite).
 */
export async function pushSites(
  target: CliTarget,
  config: Json,
  base: string,
): Promise<{ ok: boolean; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'agora-site-push-'));
  const home = mkdtempSync(join(tmpdir(), 'agora-site-home-'));
  try {
    const sites = sitesOf(config).map((site) => ({
      ...site,
      path: resolve(base, String(site.path ?? '.')),
    }));
    writeFileSync(
      join(cwd, 'appwrite.json'),
      JSON.stringify({ projectId: target.projectId, sites }, null, 2),
    );
    const setup = await cli(
      ['client', '--endpoint', target.endpoint, '--key', target.apiKey],
      cwd,
      home,
    );
    if (!setup.ok) return setup;
    return await cli(['push', 'sites', '--all', '--force'], cwd, home);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
