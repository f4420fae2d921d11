/**
 * Whether `npm start` must push the local Site again. A push installs the client's dependencies and
 * builds it (tens of seconds, hundreds of MB), so a start pushes only when something the build
 * depends on changed since the deployment that is active: the files appwrite-cli would pack (the
 * site's `ignore` list, else its `.gitignore`, read by the same `ignore` package the CLI uses), the
 * site's settings and its build variable. Their hash is kept, with the deployment it was pushed as,
 * in the data folder (`agora-site.json`), so `--reset` or `--import` of another state pushes again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ignore from 'ignore';
import { AppwriteException, type Client, Sites } from 'node-appwrite';

type Json = Record<string, unknown>;

/** What the data folder remembers of the last push. */
export interface SiteRecord {
  siteId: string;
  /** The deployment the push made (and activated). */
  deploymentId: string;
  hash: string;
}

const recordFile = (dataDir: string) => join(dataDir, 'agora-site.json');

export function readSiteRecord(dataDir: string): SiteRecord | null {
  try {
    return JSON.parse(readFileSync(recordFile(dataDir), 'utf8')) as SiteRecord;
  } catch {
    return null;
  }
}

export function writeSiteRecord(dataDir: string, record: SiteRecord): void {
  writeFileSync(recordFile(dataDir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The files appwrite-cli would pack for `site` (paths relative to its folder, sorted), without
 * walking into a folder its rules leave out (node_modules, say) — a file under an ignored folder is
 * ignored too, as in git.
 */
export function siteFiles(site: Json, base: string): string[] {
  const folder = resolve(base, String(site.path ?? '.'));
  const rules = ignore().add('.appwrite');
  if (Array.isArray(site.ignore) || typeof site.ignore === 'string') {
    rules.add(site.ignore as string | string[]);
  } else if (existsSync(join(folder, '.gitignore'))) {
    rules.add(readFileSync(join(folder, '.gitignore'), 'utf8'));
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(folder, path);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) {
        if (!rules.ignores(`${rel}/`)) walk(path);
      } else if (!rules.ignores(rel)) {
        files.push(rel);
      }
    }
  };
  walk(folder);
  return files;
}

/** The hash of what the site's build depends on: its packed files, its settings and `extra`. */
export function siteSourceHash(site: Json, base: string, extra: string): string {
  const folder = resolve(base, String(site.path ?? '.'));
  const hash = createHash('sha256').update(JSON.stringify(site)).update('\0').update(extra);
  for (const file of siteFiles(site, base)) {
    hash
      .update('\0')
      .update(file)
      .update('\0')
      .update(readFileSync(join(folder, file)));
  }
  return hash.digest('hex');
}

/**
 * Whether the site's active deployment is the one `record` pushed, built and ready, from sources
 * with the same `hash`: then there is nothing to push.
 */
export async function siteIsCurrent(
  client: Client,
  record: SiteRecord | null,
  siteId: string,
  hash: string,
): Promise<boolean> {
  if (!record || record.siteId !== siteId || record.hash !== hash) return false;
  const sites = new Sites(client);
  try {
    const site = await sites.get({ siteId });
    if (site.deploymentId !== record.deploymentId) return false;
    const deployment = await sites.getDeployment({ siteId, deploymentId: record.deploymentId });
    return deployment.status === 'ready';
  } catch (error) {
    if (error instanceof AppwriteException && error.code === 404) return false;
    throw error;
  }
}
