import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';
import { type DeployedResource, undeployed } from './deployment-records.ts';
import { DEFAULT_SPECIFICATION } from './settings.ts';
import {
  PROJECT_VARIABLES,
  type VariableDoc,
  type VariableOwner,
  VariableTable,
  variableModel,
} from './variables.ts';

export { type VariableDoc, variableModel } from './variables.ts';

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
export interface FunctionDoc extends FunctionSettings, DeployedResource {
  $createdAt: string;
  $updatedAt: string;
  version: string;
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

/** Told after a function is written (the stored document) or deleted (`null`). */
export type FunctionChangeListener = (id: string, doc: FunctionDoc | null) => void;

/** The function stores: functions and variables. */
export class FunctionStore {
  readonly #functions: DocTable<FunctionDoc>;
  readonly #variables: VariableTable;
  readonly #watchers = new Set<FunctionChangeListener>();
  #version = 0;

  constructor(db: Sql) {
    this.#functions = new DocTable(db, 'fn_functions');
    this.#variables = new VariableTable(db);
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
      ...undeployed(),
      version: 'v5',
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
    this.#variables.deleteAll(ownerOf(id));
    this.#version += 1;
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

  /**
   * A number that changes with every write of this store — a function, a function's variable or a
   * project variable — so what is built from them (an execution's environment) can be kept until it
   * changes.
   */
  get version(): number {
    return this.#version;
  }

  /** Variables of a function (`functionId`) or of the project (`null`). */
  variables(functionId: string | null): VariableDoc[] {
    return this.#variables.list(ownerOf(functionId));
  }

  /** One variable of a function or the project, or 404 `variable_not_found`. */
  variable(functionId: string | null, variableId: string): VariableDoc {
    return this.#variables.get(ownerOf(functionId), variableId);
  }

  /** Creates a variable; a key already used in the same scope is 409 `variable_already_exists`. */
  createVariable(
    functionId: string | null,
    id: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc {
    const doc = this.#variables.create(ownerOf(functionId), id, fields);
    this.#version += 1;
    this.touchLive(functionId);
    return doc;
  }

  /** Updates a variable (VariableTable.update: PUT semantics, a secret stays secret). */
  updateVariable(
    functionId: string | null,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc {
    const doc = this.#variables.update(ownerOf(functionId), variableId, fields);
    this.#version += 1;
    this.touchLive(functionId);
    return doc;
  }

  /** Deletes a variable. */
  deleteVariable(functionId: string | null, variableId: string): void {
    this.#variables.delete(ownerOf(functionId), variableId);
    this.#version += 1;
    this.touchLive(functionId);
  }

  /** The Function model: the stored function plus its variables (secret values blanked). */
  model(doc: FunctionDoc): Record<string, unknown> {
    return { ...doc, vars: this.variables(doc.$id).map(variableModel) };
  }

  #save(doc: FunctionDoc): FunctionDoc {
    const saved = this.#functions.put(doc);
    this.#version += 1;
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

function ownerOf(functionId: string | null): VariableOwner {
  return functionId === null ? PROJECT_VARIABLES : { type: 'function', id: functionId };
}
