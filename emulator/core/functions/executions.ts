import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { allows, effectiveRoles } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';

/**
 * Stored executions and the Execution model (SRV Response/Model/Execution.php, format 1.9.5 with
 * `functionId`). The request of an execution that has not run yet (async or scheduled) is kept
 * beside it, so it survives a restart; it never appears in the model.
 */

/** A header as the Execution model lists it. */
export interface HeaderPair {
  name: string;
  value: string;
}

/** What an execution that has not run yet will send to the function. */
export interface QueuedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** base64 of the body bytes. */
  body: string;
  /** The caller, whose JWT is minted when it runs (Appwrite mints it at request time). */
  userId: string;
  sessionId: string;
}

/** A stored execution: the Execution model plus its pending request. */
export interface ExecutionDoc {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  $permissions: string[];
  functionId: string;
  deploymentId: string;
  trigger: 'http' | 'schedule' | 'event';
  status: 'waiting' | 'processing' | 'completed' | 'failed' | 'scheduled';
  requestMethod: string;
  requestPath: string;
  requestHeaders: HeaderPair[];
  responseStatusCode: number;
  responseBody: string;
  responseHeaders: HeaderPair[];
  logs: string;
  errors: string;
  duration: number;
  scheduledAt?: string;
  queued?: QueuedRequest;
}

/** Executions of every function. */
export class ExecutionStore {
  readonly #docs: DocTable<ExecutionDoc>;

  constructor(db: Sql) {
    this.#docs = new DocTable(db, 'fn_executions');
  }

  /** Inserts or replaces an execution. */
  save(doc: ExecutionDoc): ExecutionDoc {
    return this.#docs.put(doc, doc.functionId, doc.status);
  }

  /** The execution, or `null`. */
  find(executionId: string): ExecutionDoc | null {
    return this.#docs.get(executionId);
  }

  /**
   * The execution of a function the principal may read, or 404 `execution_not_found` (an execution
   * someone else started is as absent as a missing one). Keys read every execution.
   */
  get(functionId: string, executionId: string, principal: Principal): ExecutionDoc {
    const doc = this.#docs.get(executionId);
    if (!doc || doc.functionId !== functionId || !readable(doc, principal)) {
      throw new AppwriteError('execution_not_found', `No execution has the id '${executionId}'.`);
    }
    return doc;
  }

  /** The executions of a function the principal may read, oldest first. */
  list(functionId: string, principal: Principal): ExecutionDoc[] {
    return this.#docs.byParent(functionId).filter((doc) => readable(doc, principal));
  }

  /** Executions in a status, across functions (start-up resumes queued and scheduled ones). */
  inStatus(status: ExecutionDoc['status']): ExecutionDoc[] {
    return this.#docs.byTag(status);
  }

  /** Deletes an execution. */
  delete(executionId: string): void {
    this.#docs.delete(executionId);
  }

  /** Deletes every execution of a function. */
  deleteAll(functionId: string): void {
    this.#docs.deleteByParent(functionId);
  }
}

function readable(doc: ExecutionDoc, principal: Principal): boolean {
  return principal.kind === 'key' || allows(doc.$permissions, 'read', effectiveRoles(principal));
}

/**
 * The Execution model (format 1.9.5) as a caller sees it: `logs` and `errors` are blank unless the
 * caller is an API key (Appwrite's `sensitive` rule; the console admin counts as a key here).
 */
export function executionModel(doc: ExecutionDoc, principal: Principal): Record<string, unknown> {
  const { queued: _queued, ...model } = doc;
  const shaped: Record<string, unknown> = { ...model };
  if (principal.kind !== 'key') {
    shaped.logs = '';
    shaped.errors = '';
  }
  return shaped;
}
