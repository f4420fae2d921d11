import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { ArchiveError, unpackDeployment } from './deployment-archive.ts';
import { DeploymentRecords, deploymentModel, type StoredDeployment } from './deployment-records.ts';
import {
  joinChunks,
  planChunk,
  stageChunk,
  type UploadedCode,
  wholeAlready,
} from './deployment-upload.ts';
import type { FunctionDoc, FunctionStore } from './functions.ts';

/**
 * Function deployments: the code upload (single or chunked, as `POST /functions/{id}/deployments`
 * receives it), unpacking into `<root>/<functionId>/<deploymentId>/`, statuses and activation
 * (SRV Modules/Functions/Http/Deployments/Create.php and Workers/Builds.php).
 *
 * There is no build: `commands` are stored and shown but never run, so the bundle must be prebuilt
 * (e.g. `dist/main.js` with its dependencies bundled). A deployment is `ready` as soon as its
 * archive is unpacked, or `failed` with the reason in `buildLogs` when the archive is refused —
 * which is how Appwrite reports an archive its build cannot use.
 */

/** A stored function deployment. */
export interface DeploymentDoc extends StoredDeployment {
  resourceType: 'functions';
}

/** One upload request, as the HTTP layer read it. */
export interface DeploymentUpload extends UploadedCode {
  functionId: string;
  entrypoint: string | null;
  commands: string | null;
  activate: boolean;
  /** `cli` when appwrite-cli sent it (`x-sdk-language: cli`), else `manual`, as Appwrite records. */
  type: 'cli' | 'manual';
}

/** Deployments of every function, and the folders they are unpacked into. */
export class DeploymentStore {
  readonly #records: DeploymentRecords<DeploymentDoc, FunctionDoc>;
  readonly #root: string;
  readonly #functions: FunctionStore;
  /** Called when a deployment became ready and active (the scheduler re-reads the function). */
  onActivated: (fn: FunctionDoc) => void = () => {};

  constructor(db: Sql, functions: FunctionStore, root: string) {
    this.#records = new DeploymentRecords(db, 'fn_deployments', functions);
    this.#functions = functions;
    this.#root = root;
  }

  /** The folder a deployment is unpacked into (the runner's `deploymentPath`). */
  folder(functionId: string, deploymentId: string): string {
    return join(this.#root, functionId, deploymentId);
  }

  /** A number that changes with every write of a deployment record. */
  get version(): number {
    return this.#records.version;
  }

  /** The deployment of a function, or 404 `deployment_not_found`. */
  get(functionId: string, deploymentId: string): DeploymentDoc {
    return this.#records.get(functionId, deploymentId);
  }

  /** A function's deployments, oldest first. */
  list(functionId: string): DeploymentDoc[] {
    return this.#records.list(functionId);
  }

  /** The Deployment model (without the chunk bookkeeping). */
  model(doc: DeploymentDoc): Record<string, unknown> {
    return deploymentModel(doc);
  }

  /**
   * Accepts one upload request (the whole archive, or one chunk of it) and returns the deployment.
   * The request that completes the archive unpacks it before answering, so the answer already says
   * `ready` or `failed`.
   */
  async upload(input: DeploymentUpload): Promise<DeploymentDoc> {
    const fn = this.#functions.get(input.functionId);
    const entrypoint = input.entrypoint ?? fn.entrypoint;
    const commands = input.commands ?? fn.commands;
    if (entrypoint === '') {
      throw new AppwriteError('function_entrypoint_missing', 'Give the deployment an entrypoint.');
    }
    const plan = planChunk(input);
    const { deploymentId, chunks, size } = plan;

    let doc = this.#records.find(deploymentId);
    if (doc && wholeAlready(doc, fn.$id, chunks)) return doc;
    doc ??= this.#records.start(
      {
        $id: deploymentId,
        type: input.type,
        resourceId: fn.$id,
        resourceType: 'functions',
        entrypoint,
        buildCommands: commands,
        activate: input.activate,
        size,
        chunks,
      },
      {},
    );

    const staging = join(this.#root, fn.$id, '.uploads', deploymentId);
    const present = stageChunk(staging, plan);
    doc = this.#records.save({ ...doc, sourceChunksUploaded: present });
    if (present < chunks) return doc;

    doc = this.#records.save({ ...doc, status: 'processing' });
    const started = Date.now();
    const archive = join(this.#root, fn.$id, '.uploads', `${deploymentId}.tar.gz`);
    try {
      await joinChunks(staging, archive);
      await unpackDeployment(archive, this.folder(fn.$id, deploymentId));
      doc = this.#records.save({
        ...doc,
        status: 'ready',
        sourceSize: statSync(archive).size,
        totalSize: statSync(archive).size,
        buildLogs: 'The local Appwrite does not build: the archive was unpacked as it is.\n',
        buildDuration: (Date.now() - started) / 1000,
      });
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      doc = this.#records.save({
        ...doc,
        status: 'failed',
        buildLogs: `${error.message}\n`,
        buildDuration: (Date.now() - started) / 1000,
      });
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(archive, { force: true });
    }
    if (doc.status === 'ready' && doc.activate) this.activate(fn.$id, doc.$id);
    return doc;
  }

  /**
   * Makes a ready deployment the function's active one (`PATCH /functions/{id}/deployment`). A
   * deployment that is not ready is 400 `build_not_ready`.
   */
  activate(functionId: string, deploymentId: string): FunctionDoc {
    const fn = this.#records.activate(functionId, deploymentId);
    this.onActivated(fn);
    return fn;
  }

  /** Deletes a deployment and its folder; the function loses it as its active one. */
  delete(functionId: string, deploymentId: string): void {
    this.#records.delete(functionId, deploymentId);
    rmSync(this.folder(functionId, deploymentId), { recursive: true, force: true });
  }

  /** Deletes every deployment of a function and its folder (the function is being deleted). */
  deleteAll(functionId: string): void {
    this.#records.deleteAll(functionId);
    rmSync(join(this.#root, functionId), { recursive: true, force: true });
  }

  /** Whether a deployment's folder is there (it is gone if the data folder was tampered with). */
  unpacked(functionId: string, deploymentId: string): boolean {
    return existsSync(this.folder(functionId, deploymentId));
  }
}
