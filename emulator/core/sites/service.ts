import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProxyRuleStore } from '../functions/proxy-rules.ts';
import type { Sql } from '../platform/db.ts';
import type { AppwriteEvent } from '../platform/events.ts';
import { SiteDeploymentStore } from './site-deployments.ts';
import { SiteWrites } from './site-writes.ts';
import { SiteStore } from './sites.ts';

/**
 * Sites, built once per project (core/project.ts): the site store with its variables, the
 * deployments and their builds, and the project's proxy rules (shared with Functions), through which
 * a site's domain finds it. Tests reach it as `app.emulator.sites` to wait for builds.
 */
export interface SitesService {
  sites: SiteStore;
  deployments: SiteDeploymentStore;
  rules: ProxyRuleStore;
  /** The writes Appwrite announces (sites, variables, deployments), each publishing its event. */
  writes: SiteWrites;
  /** Waits until every queued build has finished. */
  idle(): Promise<void>;
  /** Stops the builds, waits for them, removes a temporary sites folder. */
  close(): Promise<void>;
}

/** What the service is built from. */
export interface SitesServiceOptions {
  db: Sql;
  projectId: string;
  /** Deployments are unpacked and built under `<dataDir>/sites`; `null` → a temporary folder. */
  dataDir: string | null;
  rules: ProxyRuleStore;
  endpoint: () => string;
  publish: (event: AppwriteEvent) => void;
  projectVariables: () => Record<string, string>;
  /** `_APP_COMPUTE_BUILD_TIMEOUT` in seconds (default 900, Appwrite's). */
  buildTimeout?: number;
}

/** Where site hostnames live (`_APP_DOMAIN_SITES`); `*.localhost` is this machine. */
export const SITES_DOMAIN = 'sites.localhost';

/** Appwrite's default build time limit (`_APP_COMPUTE_BUILD_TIMEOUT`). */
export const DEFAULT_BUILD_TIMEOUT = 900;

/** Builds the service. */
export function openSitesService(options: SitesServiceOptions): SitesService {
  const temporary = options.dataDir === null;
  const root = options.dataDir
    ? join(options.dataDir, 'sites')
    : mkdtempSync(join(tmpdir(), 'appwrite-local-sites-'));
  const sites = new SiteStore(options.db);
  const deployments = new SiteDeploymentStore(options.db, sites, options.rules, root, {
    projectId: options.projectId,
    endpoint: options.endpoint,
    projectVariables: options.projectVariables,
    buildTimeout: options.buildTimeout ?? DEFAULT_BUILD_TIMEOUT,
    sitesDomain: SITES_DOMAIN,
  });
  return {
    sites,
    deployments,
    rules: options.rules,
    writes: new SiteWrites({ sites, deployments, rules: options.rules, publish: options.publish }),
    idle: () => deployments.idle(),
    async close() {
      deployments.abortAll();
      await deployments.idle();
      if (temporary) rmSync(root, { recursive: true, force: true });
    },
  };
}
