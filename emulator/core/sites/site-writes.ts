import type { ProxyRuleStore } from '../functions/proxy-rules.ts';
import { type VariableDoc, variableModel } from '../functions/variables.ts';
import type { AppwriteEvent } from '../platform/events.ts';
import { isoDate } from '../platform/time.ts';
import type {
  SiteDeploymentDoc,
  SiteDeploymentStore,
  SiteDeploymentUpload,
} from './site-deployments.ts';
import type { SiteDoc, SiteSettings, SiteStore } from './sites.ts';

/**
 * The writes of the Sites API that Appwrite announces, each publishing its event once written, as
 * the routes label them (SRV Modules/Sites/Http/*): `sites.[siteId].create|update|delete`,
 * `sites.[siteId].deployments.[deploymentId].create|update|delete`, and a site variable's
 * `variables.[variableId].create|update|delete` (Appwrite labels those without the site). Only the
 * console may read them, so they carry no read roles. A build moving a deployment along stays
 * silent, as Appwrite's build worker is.
 */
export class SiteWrites {
  readonly #sites: SiteStore;
  readonly #deployments: SiteDeploymentStore;
  readonly #rules: ProxyRuleStore;
  readonly #publish: (event: AppwriteEvent) => void;

  constructor(stores: {
    sites: SiteStore;
    deployments: SiteDeploymentStore;
    rules: ProxyRuleStore;
    publish: (event: AppwriteEvent) => void;
  }) {
    this.#sites = stores.sites;
    this.#deployments = stores.deployments;
    this.#rules = stores.rules;
    this.#publish = stores.publish;
  }

  /** `POST /sites`. */
  createSite(siteId: string, settings: SiteSettings): SiteDoc {
    const site = this.#sites.create(siteId, settings);
    this.#announce('sites.[siteId].create', { siteId }, this.#sites.model(site));
    return site;
  }

  /** `PUT /sites/{siteId}`. */
  updateSite(siteId: string, fields: Partial<SiteDoc>): SiteDoc {
    const site = this.#sites.patch(siteId, fields);
    this.#announce('sites.[siteId].update', { siteId }, this.#sites.model(site));
    return site;
  }

  /** `DELETE /sites/{siteId}`: the site with its deployments, builds and rules. */
  deleteSite(siteId: string): void {
    const gone = this.#sites.model(this.#sites.get(siteId));
    this.#sites.delete(siteId);
    this.#deployments.deleteAll(siteId);
    this.#rules.deleteForSite(siteId);
    this.#announce('sites.[siteId].delete', { siteId }, gone);
  }

  createVariable(
    siteId: string,
    variableId: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc {
    const variable = this.#sites.createVariable(siteId, variableId, fields);
    this.#announceVariable(variable, 'create');
    return variable;
  }

  updateVariable(
    siteId: string,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc {
    const variable = this.#sites.updateVariable(siteId, variableId, fields);
    this.#announceVariable(variable, 'update');
    return variable;
  }

  deleteVariable(siteId: string, variableId: string): void {
    const gone = this.#sites.variable(siteId, variableId);
    this.#sites.deleteVariable(siteId, variableId);
    this.#announceVariable(gone, 'delete');
  }

  /** `POST /sites/{siteId}/deployments`: announced once the archive is whole. */
  uploadDeployment(input: SiteDeploymentUpload): SiteDeploymentDoc {
    const deployment = this.#deployments.upload(input);
    if (deployment.sourceChunksUploaded >= deployment.sourceChunksTotal) {
      this.#announceDeployment(deployment, 'create');
    }
    return deployment;
  }

  /** `DELETE /sites/{siteId}/deployments/{deploymentId}`. */
  deleteDeployment(siteId: string, deploymentId: string): void {
    const gone = this.#deployments.get(siteId, deploymentId);
    this.#deployments.delete(siteId, deploymentId);
    this.#announceDeployment(gone, 'delete');
  }

  /** `PATCH /sites/{siteId}/deployment`: the site now serves this deployment. */
  activateDeployment(siteId: string, deploymentId: string): SiteDoc {
    const site = this.#deployments.activate(siteId, deploymentId);
    this.#announceDeployment(this.#deployments.get(siteId, deploymentId), 'update');
    return site;
  }

  #announceVariable(variable: VariableDoc, action: string): void {
    this.#announce(
      `variables.[variableId].${action}`,
      { variableId: variable.$id },
      { ...variableModel(variable) },
    );
  }

  #announceDeployment(deployment: SiteDeploymentDoc, action: string): void {
    this.#announce(
      `sites.[siteId].deployments.[deploymentId].${action}`,
      { siteId: deployment.resourceId, deploymentId: deployment.$id },
      this.#deployments.model(deployment),
    );
  }

  #announce(pattern: string, params: Record<string, string>, payload: Record<string, unknown>) {
    this.#publish({ pattern, params, payload, readRoles: [], timestamp: isoDate() });
  }
}
