import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';

/**
 * What functions and sites keep alike about their deployments: the fields of the function or site
 * that name its active and latest deployment, the stored Deployment records, and the bookkeeping that
 * keeps the two in step (SRV Modules/Functions and Modules/Sites, Http/Deployments/*). The stores
 * (deployments.ts, site-deployments.ts) add what differs: unpacking in the request, or building.
 */

/** The fields of a function or site that its deployments write, and that it is created with. */
export interface DeployedResource {
  $id: string;
  live: boolean;
  deploymentId: string;
  deploymentCreatedAt: string;
  latestDeploymentId: string;
  latestDeploymentCreatedAt: string;
  latestDeploymentStatus: string;
  installationId: string;
  providerRepositoryId: string;
  providerBranch: string;
  providerRootDirectory: string;
  providerSilentMode: boolean;
  providerBranches: string[];
  providerPaths: string[];
}

/** What a new function or site starts with: live, no deployment yet, no repository. */
export function undeployed(): Omit<DeployedResource, '$id'> {
  return {
    live: true,
    deploymentId: '',
    deploymentCreatedAt: '',
    latestDeploymentId: '',
    latestDeploymentCreatedAt: '',
    latestDeploymentStatus: '',
    installationId: '',
    providerRepositoryId: '',
    providerBranch: '',
    providerRootDirectory: '',
    providerSilentMode: false,
    providerBranches: [],
    providerPaths: [],
  };
}

/** The Deployment model's VCS fields: empty, as no deployment here comes from a repository. */
export const NO_VCS_FIELDS = {
  providerRepositoryName: '',
  providerRepositoryOwner: '',
  providerRepositoryUrl: '',
  providerCommitHash: '',
  providerCommitAuthorUrl: '',
  providerCommitAuthor: '',
  providerCommitMessage: '',
  providerCommitUrl: '',
  providerBranch: '',
  providerBranchUrl: '',
} as const;

/** A stored deployment of either kind: the Deployment model plus the chunk bookkeeping. */
export interface StoredDeployment {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  type: string;
  resourceId: string;
  resourceType: 'functions' | 'sites';
  entrypoint: string;
  buildCommands: string;
  sourceSize: number;
  buildSize: number;
  totalSize: number;
  buildId: string;
  activate: boolean;
  screenshotLight: string;
  screenshotDark: string;
  status: 'waiting' | 'processing' | 'building' | 'ready' | 'canceled' | 'failed';
  buildLogs: string;
  buildDuration: number;
  sourceChunksTotal: number;
  sourceChunksUploaded: number;
}

/** The fields of a new deployment that its kind decides. */
type NewDeployment<D extends StoredDeployment> = Pick<
  D,
  '$id' | 'type' | 'resourceId' | 'resourceType' | 'entrypoint' | 'buildCommands' | 'activate'
> & { size: number; chunks: number };

/** The functions or sites whose deployments these are (FunctionStore, SiteStore). */
export interface DeployedResources<R extends DeployedResource> {
  get(id: string): R;
  find(id: string): R | null;
  patch(id: string, fields: Partial<R>): R;
}

/** The deployments of one kind, in their table, kept in step with their function or site. */
export class DeploymentRecords<D extends StoredDeployment, R extends DeployedResource> {
  readonly #docs: DocTable<D>;
  readonly #resources: DeployedResources<R>;
  #version = 0;

  constructor(db: Sql, table: string, resources: DeployedResources<R>) {
    this.#docs = new DocTable(db, table);
    this.#resources = resources;
  }

  /** A number that changes with every write of these records (what is read from them may be kept until then). */
  get version(): number {
    return this.#version;
  }

  /** The deployment of a function or site, or 404 `deployment_not_found`. */
  get(resourceId: string, deploymentId: string): D {
    const doc = this.#docs.get(deploymentId);
    if (!doc || doc.resourceId !== resourceId) {
      throw new AppwriteError(
        'deployment_not_found',
        `No deployment has the id '${deploymentId}'.`,
      );
    }
    return doc;
  }

  /** The deployment, or `null`. */
  find(deploymentId: string): D | null {
    return this.#docs.get(deploymentId);
  }

  /** A function's or site's deployments, oldest first. */
  list(resourceId: string): D[] {
    return this.#docs.byParent(resourceId);
  }

  /** Every deployment of this kind. */
  all(): D[] {
    return this.#docs.all();
  }

  /**
   * A deployment's first record, `waiting` for its chunks, which becomes the latest deployment of
   * its function or site. The caller saves it.
   */
  start(fields: NewDeployment<D>, rest: Omit<D, keyof StoredDeployment>): D {
    const { $id, size, chunks, ...own } = fields;
    const now = isoDate();
    this.#resources.patch(own.resourceId, {
      latestDeploymentId: $id,
      latestDeploymentCreatedAt: now,
      latestDeploymentStatus: 'waiting',
    } as Partial<R>);
    return {
      $id,
      $createdAt: now,
      $updatedAt: now,
      ...own,
      sourceSize: size,
      buildSize: 0,
      totalSize: size,
      buildId: '',
      screenshotLight: '',
      screenshotDark: '',
      status: 'waiting',
      buildLogs: '',
      buildDuration: 0,
      ...rest,
      sourceChunksTotal: chunks,
      sourceChunksUploaded: 0,
    } as D;
  }

  /** Stores a deployment, stamps `$updatedAt`, and copies its status to the latest one's owner. */
  save(doc: D): D {
    const saved = this.#docs.put({ ...doc, $updatedAt: isoDate() }, doc.resourceId);
    this.#version += 1;
    const resource = this.#resources.find(doc.resourceId);
    if (
      resource?.latestDeploymentId === doc.$id &&
      resource.latestDeploymentStatus !== doc.status
    ) {
      this.#resources.patch(resource.$id, { latestDeploymentStatus: doc.status } as Partial<R>);
    }
    return saved;
  }

  /**
   * Makes a ready deployment the active one of its function or site (`PATCH …/deployment`); one
   * that is not ready is 400 `build_not_ready`.
   */
  activate(resourceId: string, deploymentId: string): R {
    const doc = this.get(resourceId, deploymentId);
    if (doc.status !== 'ready') {
      throw new AppwriteError('build_not_ready', 'The deployment is not ready yet.');
    }
    return this.#resources.patch(resourceId, {
      deploymentId,
      deploymentCreatedAt: doc.$createdAt,
      live: true,
    } as Partial<R>);
  }

  /**
   * Deletes a deployment's record; its function or site loses it as its active one, and its latest
   * becomes the one before. The caller removes its files.
   */
  delete(resourceId: string, deploymentId: string): void {
    this.get(resourceId, deploymentId);
    this.#docs.delete(deploymentId);
    this.#version += 1;
    const resource = this.#resources.get(resourceId);
    const fields: Partial<DeployedResource> = {};
    if (resource.deploymentId === deploymentId) {
      Object.assign(fields, { deploymentId: '', deploymentCreatedAt: '' });
    }
    if (resource.latestDeploymentId === deploymentId) {
      const latest = this.list(resourceId).at(-1);
      Object.assign(fields, {
        latestDeploymentId: latest?.$id ?? '',
        latestDeploymentCreatedAt: latest?.$createdAt ?? '',
        latestDeploymentStatus: latest?.status ?? '',
      });
    }
    if (Object.keys(fields).length > 0) this.#resources.patch(resourceId, fields as Partial<R>);
  }

  /** Deletes the records of every deployment of a function or site. */
  deleteAll(resourceId: string): void {
    this.#docs.deleteByParent(resourceId);
    this.#version += 1;
  }
}

/** The Deployment model: the stored record without the chunk bookkeeping and build settings. */
export function deploymentModel(doc: StoredDeployment): Record<string, unknown> {
  const { buildCommands: _c, sourceChunksTotal: _t, sourceChunksUploaded: _u, ...model } = doc;
  return { ...model, ...NO_VCS_FIELDS };
}
