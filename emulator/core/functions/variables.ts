import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';

/**
 * Variables (the Variable model) of a function, a site or the project, in one table: the rules are
 * the same for all three (SRV Modules/Functions/Http/Variables/*, Modules/Sites/Http/Variables/*,
 * Project variables) — a key is unique within its owner, a secret value is never shown again and a
 * secret cannot be made visible.
 */

/** Whose variable: a function's, a site's, or the project's (`id` ''). */
export interface VariableOwner {
  type: 'function' | 'site' | 'project';
  id: string;
}

/** A variable (Variable model). */
export interface VariableDoc {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  key: string;
  value: string;
  secret: boolean;
  resourceType: VariableOwner['type'];
  resourceId: string;
}

/** The project's own variables. */
export const PROJECT_VARIABLES: VariableOwner = { type: 'project', id: '' };

/** What the API returns for a variable: a secret one's value is never shown (Variable model). */
export function variableModel(variable: VariableDoc): VariableDoc {
  return variable.secret ? { ...variable, value: '' } : variable;
}

/** The variables of every owner. */
export class VariableTable {
  readonly #docs: DocTable<VariableDoc>;

  constructor(db: Sql) {
    this.#docs = new DocTable(db, 'fn_variables');
  }

  /** An owner's variables, oldest first. */
  list(owner: VariableOwner): VariableDoc[] {
    return this.#docs.byParent(parentOf(owner));
  }

  /** One variable of an owner, or 404 `variable_not_found`. */
  get(owner: VariableOwner, variableId: string): VariableDoc {
    const doc = this.#docs.get(variableId);
    if (!doc || doc.resourceType !== owner.type || doc.resourceId !== owner.id) {
      throw new AppwriteError('variable_not_found', `No variable has the id '${variableId}'.`);
    }
    return doc;
  }

  /** Creates a variable; a key already used by the owner is 409 `variable_already_exists`. */
  create(
    owner: VariableOwner,
    id: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc {
    const taken = this.list(owner).some((v) => v.key === fields.key);
    if (taken || this.#docs.get(id)) {
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
      resourceType: owner.type,
      resourceId: owner.id,
    };
    return this.#docs.put(doc, parentOf(owner));
  }

  /**
   * Updates a variable (PUT: `key` required; `value` and `secret` keep theirs when absent). A secret
   * variable cannot be made visible again (Appwrite: `variable_cannot_unset_secret`).
   */
  update(
    owner: VariableOwner,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc {
    const current = this.get(owner, variableId);
    if (current.secret && fields.secret === false) {
      throw new AppwriteError(
        'variable_cannot_unset_secret',
        'A secret variable cannot be made non-secret.',
      );
    }
    const clash = this.list(owner).some((v) => v.key === fields.key && v.$id !== variableId);
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
    return this.#docs.put(doc, parentOf(owner));
  }

  /** Deletes a variable. */
  delete(owner: VariableOwner, variableId: string): void {
    this.get(owner, variableId);
    this.#docs.delete(variableId);
  }

  /** Deletes all of an owner's variables (the owner is being deleted). */
  deleteAll(owner: VariableOwner): void {
    this.#docs.deleteByParent(parentOf(owner));
  }
}

/** The `parent` column: `function:<id>`, `site:<id>` or `project` (the first two kept as they were). */
function parentOf(owner: VariableOwner): string {
  return owner.type === 'project' ? 'project' : `${owner.type}:${owner.id}`;
}
