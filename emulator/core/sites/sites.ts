import { type DeployedResource, undeployed } from '../functions/deployment-records.ts';
import { DEFAULT_SPECIFICATION } from '../functions/settings.ts';
import {
  type VariableDoc,
  type VariableOwner,
  VariableTable,
  variableModel,
} from '../functions/variables.ts';
import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';

/**
 * Sites and their variables, as Appwrite stores them (SRV Modules/Sites/Http/Sites/*,
 * Variables/*; the Site model). Settings arrive already validated (http/sites/sites.ts); this file
 * keeps them and shapes the model.
 */

/** The settings a site is created or updated with (`startCommand` is SSR's, kept and unused). */
export interface SiteSettings {
  name: string;
  framework: string;
  enabled: boolean;
  logging: boolean;
  timeout: number;
  installCommand: string;
  buildCommand: string;
  startCommand: string;
  outputDirectory: string;
  buildRuntime: string;
  adapter: string;
  fallbackFile: string;
  buildSpecification: string;
  runtimeSpecification: string;
  deploymentRetention: number;
}

/** A stored site: the Site model of format 1.9.5 without `vars` (added when shaped). */
export interface SiteDoc extends SiteSettings, DeployedResource {
  $createdAt: string;
  $updatedAt: string;
  deploymentScreenshotLight: string;
  deploymentScreenshotDark: string;
}

/** Defaults Appwrite gives a new site (Sites/Create.php). */
export const SITE_DEFAULTS: Omit<SiteSettings, 'name' | 'framework' | 'buildRuntime'> = {
  enabled: true,
  logging: true,
  timeout: 30,
  installCommand: '',
  buildCommand: '',
  startCommand: '',
  outputDirectory: '',
  adapter: '',
  fallbackFile: '',
  buildSpecification: DEFAULT_SPECIFICATION,
  runtimeSpecification: DEFAULT_SPECIFICATION,
  deploymentRetention: 0,
};

/** The site store: sites and their variables. */
export class SiteStore {
  readonly #sites: DocTable<SiteDoc>;
  readonly #variables: VariableTable;

  constructor(db: Sql) {
    this.#sites = new DocTable(db, 'site_sites');
    this.#variables = new VariableTable(db);
  }

  /** Creates a site; 409 `site_already_exists` when the id is taken. */
  create(id: string, settings: SiteSettings): SiteDoc {
    if (this.#sites.get(id)) {
      throw new AppwriteError('site_already_exists', `A site with the id '${id}' exists.`);
    }
    const now = isoDate();
    return this.#sites.put({
      $id: id,
      $createdAt: now,
      $updatedAt: now,
      ...settings,
      ...undeployed(),
      deploymentScreenshotLight: '',
      deploymentScreenshotDark: '',
    });
  }

  /** The site, or 404 `site_not_found`. */
  get(id: string): SiteDoc {
    const doc = this.#sites.get(id);
    if (!doc) throw new AppwriteError('site_not_found', `No site has the id '${id}'.`);
    return doc;
  }

  /** The site, or `null`. */
  find(id: string): SiteDoc | null {
    return this.#sites.get(id);
  }

  /** Every site, oldest first. */
  list(): SiteDoc[] {
    return this.#sites.all();
  }

  /** Replaces some fields of a site and stamps `$updatedAt`. */
  patch(id: string, fields: Partial<SiteDoc>): SiteDoc {
    return this.#sites.put({ ...this.get(id), ...fields, $id: id, $updatedAt: isoDate() });
  }

  /** Deletes a site and its variables (deployments and rules are the caller's). */
  delete(id: string): void {
    this.get(id);
    this.#sites.delete(id);
    this.#variables.deleteAll(ownerOf(id));
  }

  /** A site's variables. */
  variables(siteId: string): VariableDoc[] {
    return this.#variables.list(ownerOf(siteId));
  }

  /** One variable of a site, or 404 `variable_not_found`. */
  variable(siteId: string, variableId: string): VariableDoc {
    return this.#variables.get(ownerOf(siteId), variableId);
  }

  /** Creates a variable; a key the site already has is 409 `variable_already_exists`. */
  createVariable(
    siteId: string,
    id: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc {
    const doc = this.#variables.create(ownerOf(siteId), id, fields);
    this.#touchLive(siteId);
    return doc;
  }

  /** Updates a variable (VariableTable.update: PUT semantics, a secret stays secret). */
  updateVariable(
    siteId: string,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc {
    const doc = this.#variables.update(ownerOf(siteId), variableId, fields);
    this.#touchLive(siteId);
    return doc;
  }

  /** Deletes a variable. */
  deleteVariable(siteId: string, variableId: string): void {
    this.#variables.delete(ownerOf(siteId), variableId);
    this.#touchLive(siteId);
  }

  /** The Site model: the stored site plus its variables (secret values blanked). */
  model(doc: SiteDoc): Record<string, unknown> {
    return { ...doc, vars: this.variables(doc.$id).map(variableModel) };
  }

  /** A variable changed after a deployment was built with the old ones: not live until rebuilt. */
  #touchLive(siteId: string): void {
    if (this.get(siteId).deploymentId) this.patch(siteId, { live: false });
  }
}

function ownerOf(siteId: string): VariableOwner {
  return { type: 'site', id: siteId };
}
