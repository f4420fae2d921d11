import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveError, unpackDeployment } from '../functions/deployment-archive.ts';
import {
  DeploymentRecords,
  deploymentModel,
  type StoredDeployment,
} from '../functions/deployment-records.ts';
import {
  joinChunks,
  planChunk,
  stageChunk,
  type UploadedCode,
  wholeAlready,
} from '../functions/deployment-upload.ts';
import type { ProxyRuleStore } from '../functions/proxy-rules.ts';
import { SPECIFICATIONS } from '../functions/settings.ts';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { uniqueId } from '../platform/ids.ts';
import { FOLDER_MODE } from '../platform/private-files.ts';
import { runBuild } from './site-build.ts';
import { isInside } from './site-files.ts';
import type { SiteDoc, SiteStore } from './sites.ts';

/**
 * Site deployments: the code upload (shared with functions, deployment-upload.ts), then a build in
 * the background — `waiting` → `processing` (unpacking) → `building` (install and build commands,
 * site-build.ts) → `ready` or `failed` — and activation (SRV Modules/Sites/Http/Deployments/*,
 * Workers/Builds.php). Folders, under the sites root:
 *
 *   <siteId>/<deploymentId>/          the unpacked code, built in place; served from its output dir
 *   <siteId>/<deploymentId>.tar.gz    the uploaded archive (the `source` download)
 *   .cache/<siteId>/node_modules      the dependency cache: moved into the next build before its
 *                                     install and back after it, so a re-push installs in seconds
 *   .cache/npm                        npm's download cache, shared by all builds
 *
 * Builds run one at a time, in upload order. A build never touches the active deployment's folder,
 * so the site keeps serving it while a new one builds, and after a failed one.
 */

/** A stored site deployment: the Deployment model plus what its build needs. */
export interface SiteDeploymentDoc extends StoredDeployment {
  resourceType: 'sites';
  outputDirectory: string;
  fallbackFile: string;
  adapter: string;
}

/** One upload request, as the HTTP layer read it. */
export interface SiteDeploymentUpload extends UploadedCode {
  siteId: string;
  installCommand: string | null;
  buildCommand: string | null;
  outputDirectory: string | null;
  activate: boolean;
  type: 'cli' | 'manual';
}

/** Appwrite's build variables for a site, and where the build may reach the API. */
export interface BuildContext {
  projectId: string;
  endpoint: () => string;
  /** The project's variables (`key` → `value`), which a site's own override. */
  projectVariables: () => Record<string, string>;
  /** `_APP_COMPUTE_BUILD_TIMEOUT`, in seconds. */
  buildTimeout: number;
  /** `_APP_DOMAIN_SITES`: where deployment domains are made. */
  sitesDomain: string;
}

/** Appwrite gives site builds at least 2 GB (Builds.php `$minMemory`). */
const MIN_BUILD_MEMORY_MB = 2048;

/** Deployments of every site, their folders and their builds. */
export class SiteDeploymentStore {
  readonly #records: DeploymentRecords<SiteDeploymentDoc, SiteDoc>;
  readonly #root: string;
  readonly #sites: SiteStore;
  readonly #context: BuildContext;
  readonly #rules: ProxyRuleStore;
  #queue: Promise<void> = Promise.resolve();
  readonly #running = new Map<string, AbortController>();

  constructor(
    db: Sql,
    sites: SiteStore,
    rules: ProxyRuleStore,
    root: string,
    context: BuildContext,
  ) {
    this.#records = new DeploymentRecords(db, 'site_deployments', sites);
    this.#sites = sites;
    this.#rules = rules;
    this.#root = root;
    this.#context = context;
    // A build the server stopped during cannot resume: say so rather than show it building forever.
    for (const doc of this.#records.all()) {
      if (doc.status === 'waiting' && doc.sourceChunksUploaded < doc.sourceChunksTotal) continue;
      if (doc.status === 'waiting' || doc.status === 'processing' || doc.status === 'building') {
        this.#records.save({
          ...doc,
          status: 'failed',
          buildLogs: `${doc.buildLogs}The local Appwrite stopped during this build.\n`,
        });
      }
    }
  }

  /** Cancels every running or queued build (the server is stopping). */
  abortAll(): void {
    for (const controller of this.#running.values()) controller.abort();
  }

  /** The folder a deployment is unpacked and built in. */
  folder(siteId: string, deploymentId: string): string {
    return join(this.#root, siteId, deploymentId);
  }

  /** The uploaded archive of a deployment. */
  archive(siteId: string, deploymentId: string): string {
    return join(this.#root, siteId, `${deploymentId}.tar.gz`);
  }

  /**
   * The folder a ready deployment serves (its output directory), resolved: `null` when it is missing
   * or would lie outside the deployment's folder (an output directory of `../x` or a link out).
   */
  outputRoot(doc: SiteDeploymentDoc): string | null {
    try {
      const base = realpathSync(this.folder(doc.resourceId, doc.$id));
      const output = realpathSync(join(base, doc.outputDirectory || '.'));
      return isInside(base, output) && statSync(output).isDirectory() ? output : null;
    } catch {
      return null;
    }
  }

  /** The deployment of a site, or 404 `deployment_not_found`. */
  get(siteId: string, deploymentId: string): SiteDeploymentDoc {
    return this.#records.get(siteId, deploymentId);
  }

  /** A site's deployments, oldest first. */
  list(siteId: string): SiteDeploymentDoc[] {
    return this.#records.list(siteId);
  }

  /** The Deployment model (without what only the build reads). */
  model(doc: SiteDeploymentDoc): Record<string, unknown> {
    const { outputDirectory: _o, fallbackFile: _f, adapter: _a, ...deployment } = doc;
    return deploymentModel(deployment);
  }

  /**
   * Accepts one upload request (the whole archive, or one chunk of it) and returns the deployment.
   * The request that completes the archive queues its build and answers `waiting` at once, as
   * Appwrite does; the caller polls the deployment.
   */
  upload(input: SiteDeploymentUpload): SiteDeploymentDoc {
    const site = this.#sites.get(input.siteId);
    const plan = planChunk(input);
    const { deploymentId, chunks, size } = plan;
    let doc = this.#records.find(deploymentId);
    if (doc && wholeAlready(doc, site.$id, chunks)) return doc;
    if (!doc) {
      const installCommand = input.installCommand ?? site.installCommand;
      const buildCommand = input.buildCommand ?? site.buildCommand;
      doc = this.#records.start(
        {
          $id: deploymentId,
          type: input.type,
          resourceId: site.$id,
          resourceType: 'sites',
          entrypoint: '',
          buildCommands: [installCommand, buildCommand].filter((c) => c !== '').join(' && '),
          activate: input.activate,
          size,
          chunks,
        },
        {
          outputDirectory: input.outputDirectory ?? site.outputDirectory,
          fallbackFile: site.fallbackFile,
          adapter: site.adapter,
        },
      );
      // Each deployment gets a domain of its own, serving it whether or not it is active.
      const domain = `${uniqueId()}.${this.#context.sitesDomain}`;
      this.#rules.createDeploymentRule(uniqueId(), domain, site.$id, deploymentId);
    }
    const staging = join(this.#root, site.$id, '.uploads', deploymentId);
    const present = stageChunk(staging, plan);
    doc = this.#records.save({ ...doc, sourceChunksUploaded: present });
    if (present < chunks) return doc;
    this.#enqueue(doc.resourceId, doc.$id, staging);
    return doc;
  }

  /** Waits until every queued build has finished (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const queue = this.#queue;
      await queue;
      if (queue === this.#queue) return;
    }
  }

  /**
   * Cancels a deployment that has not finished building (`PATCH …/status`); a finished one is 400
   * `build_already_completed`.
   */
  cancel(siteId: string, deploymentId: string): SiteDeploymentDoc {
    const doc = this.get(siteId, deploymentId);
    if (doc.status === 'ready' || doc.status === 'failed' || doc.status === 'canceled') {
      throw new AppwriteError('build_already_completed', 'The deployment has finished building.');
    }
    this.#running.get(deploymentId)?.abort();
    return this.#records.save({ ...doc, status: 'canceled' });
  }

  /**
   * Makes a ready deployment the site's active one (`PATCH /sites/{id}/deployment`). A deployment
   * that is not ready is 400 `build_not_ready`.
   */
  activate(siteId: string, deploymentId: string): SiteDoc {
    return this.#records.activate(siteId, deploymentId);
  }

  /** Deletes a deployment, its folder and archive; the site loses it as its active one. */
  delete(siteId: string, deploymentId: string): void {
    this.get(siteId, deploymentId);
    this.#running.get(deploymentId)?.abort();
    this.#records.delete(siteId, deploymentId);
    this.#rules.deleteForDeployment(siteId, deploymentId);
    rmSync(this.folder(siteId, deploymentId), { recursive: true, force: true });
    rmSync(this.archive(siteId, deploymentId), { force: true });
  }

  /** Deletes every deployment of a site, its folders and its dependency cache. */
  deleteAll(siteId: string): void {
    for (const doc of this.list(siteId)) this.#running.get(doc.$id)?.abort();
    this.#records.deleteAll(siteId);
    rmSync(join(this.#root, siteId), { recursive: true, force: true });
    rmSync(join(this.#root, '.cache', siteId), { recursive: true, force: true });
  }

  #enqueue(siteId: string, deploymentId: string, staging: string): void {
    const controller = new AbortController();
    this.#running.set(deploymentId, controller);
    this.#queue = this.#queue
      .then(() => this.#build(siteId, deploymentId, staging, controller.signal))
      .catch((error) => console.error('[local appwrite] site build failed:', error))
      .finally(() => {
        this.#running.delete(deploymentId);
        rmSync(staging, { recursive: true, force: true });
      });
  }

  /** The stored deployment, unless it was deleted or canceled meanwhile. */
  #current(deploymentId: string): SiteDeploymentDoc | null {
    const doc = this.#records.find(deploymentId);
    return doc && doc.status !== 'canceled' ? doc : null;
  }

  async #build(
    siteId: string,
    deploymentId: string,
    staging: string,
    signal: AbortSignal,
  ): Promise<void> {
    let doc = this.#current(deploymentId);
    if (!doc || signal.aborted) return;
    const started = Date.now();
    const folder = this.folder(siteId, deploymentId);
    const archive = this.archive(siteId, deploymentId);
    const fail = (logs: string) => {
      const current = this.#current(deploymentId);
      if (!current) return;
      this.#records.save({
        ...current,
        status: 'failed',
        buildLogs: logs,
        buildDuration: (Date.now() - started) / 1000,
      });
    };

    doc = this.#records.save({ ...doc, status: 'processing' });
    await joinChunks(staging, archive);
    try {
      await unpackDeployment(archive, folder);
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      return fail(`${error.message}\n`);
    }
    if (doc.adapter === 'ssr') {
      return fail(
        'The local Appwrite serves static sites only: set the adapter to "static" (SSR is not built locally).\n',
      );
    }

    const site = this.#sites.get(siteId);
    const cache = join(this.#root, '.cache', siteId, 'node_modules');
    const modules = join(folder, 'node_modules');
    const restored = existsSync(cache) && !existsSync(modules);
    if (restored) renameSync(cache, modules);
    const home = join(this.#root, '.homes', deploymentId);
    mkdirSync(join(home, 'tmp'), { recursive: true, mode: FOLDER_MODE });
    doc = this.#records.save({ ...doc, status: 'building' });
    const memory = Math.max(
      SPECIFICATIONS[site.buildSpecification]?.memory ?? 512,
      MIN_BUILD_MEMORY_MB,
    );
    const outcome = await runBuild({
      command: doc.buildCommands,
      cwd: folder,
      home,
      npmCache: join(this.#root, '.cache', 'npm'),
      variables: this.#variables(site, doc, memory),
      timeoutMs: this.#context.buildTimeout * 1000,
      memoryMb: memory,
      signal,
    });
    rmSync(home, { recursive: true, force: true });
    if (existsSync(modules)) {
      rmSync(cache, { recursive: true, force: true });
      mkdirSync(join(this.#root, '.cache', siteId), { recursive: true, mode: FOLDER_MODE });
      renameSync(modules, cache);
    }
    const header = restored ? 'Dependency cache restored (node_modules).\n' : '';
    if (outcome.status === 'canceled') return;
    if (outcome.status === 'failed') return fail(header + outcome.logs);

    const output = this.outputRoot({ ...doc, resourceId: siteId });
    if (!output) {
      return fail(
        `${header}${outcome.logs}\nThe output directory "${doc.outputDirectory}" is not a folder inside the deployment.\n`,
      );
    }
    const current = this.#current(deploymentId);
    if (!current) return;
    const buildSize = await folderSize(output);
    const sourceSize = statSync(archive).size;
    const ready = this.#records.save({
      ...current,
      status: 'ready',
      buildLogs: `${header}${outcome.logs}`,
      buildDuration: (Date.now() - started) / 1000,
      sourceSize,
      buildSize,
      totalSize: sourceSize + buildSize,
    });
    if (ready.activate) this.activate(siteId, deploymentId);
  }

  /** The build's variables: the project's, the site's, then Appwrite's (Builds.php, sites). */
  #variables(site: SiteDoc, doc: SiteDeploymentDoc, memory: number): Record<string, string> {
    const spec = SPECIFICATIONS[site.buildSpecification];
    const own = Object.fromEntries(this.#sites.variables(site.$id).map((v) => [v.key, v.value]));
    return {
      ...this.#context.projectVariables(),
      ...own,
      APPWRITE_VERSION: '1.9.5',
      APPWRITE_REGION: 'default',
      APPWRITE_DEPLOYMENT_TYPE: doc.type,
      APPWRITE_SITE_API_ENDPOINT: this.#context.endpoint(),
      APPWRITE_SITE_ID: site.$id,
      APPWRITE_SITE_NAME: site.name,
      APPWRITE_SITE_DEPLOYMENT: doc.$id,
      APPWRITE_SITE_PROJECT_ID: this.#context.projectId,
      APPWRITE_SITE_RUNTIME_NAME: 'Node.js',
      APPWRITE_SITE_RUNTIME_VERSION: site.buildRuntime.replace(/^node-/, ''),
      APPWRITE_SITE_CPUS: String(spec?.cpus ?? 1),
      APPWRITE_SITE_MEMORY: String(memory),
    };
  }
}

/** The bytes of every file under a folder (links not followed). */
async function folderSize(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
