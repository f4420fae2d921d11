import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';
import { DEFAULT_SPECIFICATION } from './settings.ts';

/**
 * Functions and their variables (function-level and project-level), as Appwrite stores them
 * (SRV Modules/Functions/Http/Functions/*, Variables/*; Project variables). Settings arrive already
 * validated (core/functions/settings.ts); this file keeps them and shapes the models.
 */

/** The settings a function is created or updated with. */
export interface FunctionSettings {
  name: string;
  runtime: string;
  execute: string[];
  events: string[];
  schedule: string;
  timeout: number;
  enabled: boolean;
  logging: boolean;
  entrypoint: string;
  commands: string;
  scopes: string[];
  buildSpecification: string;
  runtimeSpecification: string;
  deploymentRetention: number;
}

/** A stored function: the Function model of format 1.9.5 without `vars` (added when shaped). */
export interface FunctionDoc extends FunctionSettings {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  live: boolean;
  deploymentId: string;
  deploymentCreatedAt: string;
  latestDeploymentId: string;
  latestDeploymentCreatedAt: string;
  latestDeploymentStatus: string;
  version: string;
  installationId: string;
  providerRepositoryId: string;
  providerBranch: string;
  providerRootDirectory: string;
  providerSilentMode: boolean;
  providerBranches: string[];
  providerPaths: string[];
}

/** A variable (Variable model): `resourceType` `function` with the function's id, or `project` with ''. */
export interface VariableDoc {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  key: string;
  value: string;
  secret: boolean;
  resourceType: 'function' | 'project';
  resourceId: string;
}

/** Defaults Appwrite gives a new function (Functions/Create.php). */
export const FUNCTION_DEFAULTS: Omit<FunctionSettings, 'name' | 'runtime'> = {
  execute: [],
  events: [],
  schedule: '',
  timeout: 15,
  enabled: true,
  logging: true,
  entrypoint: '',
  commands: '',
  scopes: [],
  buildSpecification: DEFAULT_SPECIFICATION,
  runtimeSpecification: DEFAULT_SPECIFICATION,
  deploymentRetention: 0,
};

/** What the API returns for a variable: a secret one's value is never shown (Variable model). */
export function variableModel(variable: VariableDoc): VariableDoc {
  return variable.secret ? { ...variable, value: '' } : variable;
}

/** Told after a function is written (the stored document) or deleted (`null`). */
export type FunctionChangeListener = (id: string, doc: FunctionDoc | null) => void;

/** The function stores: functions and variables. */
export class FunctionStore {
  readonly #functions: DocTable<FunctionDoc>;
  readonly #variables: DocTable<VariableDoc>;
  readonly #watchers = new Set<FunctionChangeListener>();

  constructor(db: Sql) {
    this.#functions = new DocTable(db, 'fn_functions');
    this.#variables = new DocTable(db, 'fn_variables');
  }

  /** Creates a function; 409 `function_already_exists` when the id is taken. */
  create(id: string, settings: FunctionSettings): FunctionDoc {
    if (this.#functions.get(id)) {
      throw new AppwriteError('function_already_exists', `A function with the id '${id}' exists.`);
    }
    const now = isoDate();
    return this.#save({
      $id: id,
      $createdAt: now,
      $updatedAt: now,
      ...settings,
      live: true,
      deploymentId: '',
      deploymentCreatedAt: '',
      latestDeploymentId: '',
      latestDeploymentCreatedAt: '',
      latestDeploymentStatus: '',
      version: 'v5',
      installationId: '',
      providerRepositoryId: '',
      providerBranch: '',
      providerRootDirectory: '',
      providerSilentMode: false,
      providerBranches: [],
      providerPaths: [],
    });
  }

  /** The function, or 404 `function_not_found`. */
  get(id: string): FunctionDoc {
    const doc = this.#functions.get(id);
    if (!doc) throw new AppwriteError('function_not_found', `No function has the id '${id}'.`);
    return doc;
  }

  /** The function, or `null`. */
  find(id: string): FunctionDoc | null {
    return this.#functions.get(id);
  }

  /** Every function, oldest first. */
  list(): FunctionDoc[] {
    return this.#functions.all();
  }

  /** Replaces some fields of a function and stamps `$updatedAt`. */
  patch(id: string, fields: Partial<FunctionDoc>): FunctionDoc {
    const doc = { ...this.get(id), ...fields, $id: id, $updatedAt: isoDate() };
    return this.#save(doc);
  }

  /** Deletes a function and its variables (deployments and executions are the caller's). */
  delete(id: string): void {
    this.get(id);
    this.#functions.delete(id);
    this.#variables.deleteByParent(`function:${id}`);
    for (const watcher of this.#watchers) watcher(id, null);
  }

  /**
   * Calls `listener` after every create, patch and delete of a function — every write this store
   * makes (FunctionTriggers keeps its index of functions by event this way). Returns the unsubscribe.
   */
  watch(listener: FunctionChangeListener): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** Variables of a function (`functionId`) or of the project (`null`). */
  variables(functionId: string | null): VariableDoc[] {
    return this.#variables.byParent(parentOf(functionId));
  }

  /** One variable of a function or the project, or 404 `variable_not_found`. */
  variable(functionId: string | null, variableId: string): VariableDoc {
    const doc = this.#variables.get(variableId);
    if (!doc || doc.resourceId !== (functionId ?? '')) {
      throw new AppwriteError('variable_not_found', `No variable has the id '${variableId}'.`);
    }
    return doc;
  }

  /** Creates a variable; a key already used in the same scope is 409 `variable_already_exists`. */
  createVariable(
    functionId: string | null,
    id: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc {
    const taken = this.variables(functionId).some((v) => v.key === fields.key);
    if (taken || this.#variables.get(id)) {
      throw new AppwriteError(
        'variable_already_exists',
        `A variable with the key '${fields.key}' or id '${id}' exists.`,
      );
    }
    const now = isoDate();
    const doc: VariableDoc = {
      $id: id,
      $createdAt: now,
      $updatedAt: now,
      ...fields,
      resourceType: functionId === null ? 'project' : 'function',
      resourceId: functionId ?? '',
    };
    this.touchLive(functionId);
    return this.#variables.put(doc, parentOf(functionId));
  }

  /**
   * Updates a variable (PUT: `key` required; `value` and `secret` keep theirs when absent). A secret
   * variable cannot be made visible again (Appwrite: `variable_cannot_unset_secret`).
   */
  updateVariable(
    functionId: string | null,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc {
    const current = this.variable(functionId, variableId);
    if (current.secret && fields.secret === false) {
      throw new AppwriteError(
        'variable_cannot_unset_secret',
        'A secret variable cannot be made non-secret.',
      );
    }
    const clash = this.variables(functionId).some(
      (v) => v.key === fields.key && v.$id !== variableId,
    );
    if (clash) {
      throw new AppwriteError(
        'variable_already_exists',
        `A variable with the key '${fields.key}' exists.`,
      );
    }
    const doc: VariableDoc = {
      ...current,
      key: fields.key,
      value: fields.value ?? current.value,
      secret: fields.secret ?? current.secret,
      $updatedAt: isoDate(),
    };
    this.touchLive(functionId);
    return this.#variables.put(doc, parentOf(functionId));
  }

  /** Deletes a variable. */
  deleteVariable(functionId: string | null, variableId: string): void {
    this.variable(functionId, variableId);
    this.#variables.delete(variableId);
    this.touchLive(functionId);
  }

  /** The Function model: the stored function plus its variables (secret values blanked). */
  model(doc: FunctionDoc): Record<string, unknown> {
    return { ...doc, vars: this.variables(doc.$id).map(variableModel) };
  }

  #save(doc: FunctionDoc): FunctionDoc {
    const saved = this.#functions.put(doc);
    for (const watcher of this.#watchers) watcher(saved.$id, saved);
    return saved;
  }

  /**
   * Changing a variable means the active deployment runs with other settings than it was made
   * with, which Appwrite reports as `live: false` until the next deployment.
   */
  private touchLive(functionId: string | null): void {
    if (functionId !== null && this.#functions.get(functionId)?.deploymentId) {
      this.patch(functionId, { live: false });
    }
  }
}

function parentOf(functionId: string | null): string {
  return functionId === null ? 'project' : `function:${functionId}`;
}
