import type { Transact } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { Principal } from '../platform/principal.ts';
import { parseIsoDate } from '../platform/time.ts';
import type { Row } from './row-model.ts';
import type { Rows } from './rows.ts';
import type { TableInfo } from './schema-types.ts';
import type { StagedOperation } from './transactions.ts';

/** What one committed operation did, for the events announced after the commit. */
export interface AppliedOperation {
  table: TableInfo;
  op: StagedOperation;
  /** For a delete: the row as it was (Appwrite announces the delete with it). */
  deleted?: Row;
}

/**
 * Applies a transaction's staged operations in order, inside the caller's SQLite transaction, with
 * `principal`'s rights: each goes through the same `Rows` method — and so the same permission and
 * data checks — as the direct route would (Transactions/Update.php runs utopia-php/database's
 * create/update/upsert/delete/increase/decrease under the committing request's authorization).
 *
 * A row this commit has not written yet is checked first, as Appwrite's `withRequestTimestamp`
 * does: an update, upsert or delete of a row written after the operation was staged is a conflict.
 * Any failure throws the error Appwrite's commit answers (`commitError`); the caller's transaction
 * then rolls everything back.
 */
export function commitOperations(
  rows: Rows,
  principal: Principal,
  operations: readonly StagedOperation[],
): AppliedOperation[] {
  const written = new Set<string>();
  const applied: AppliedOperation[] = [];
  for (const op of operations) {
    try {
      const table = rows.tableOf(principal, op.databaseId, op.tableId);
      const key = `${table.seq}/${op.rowId}`;
      if (op.rowId !== null && CHECKED.has(op.action) && !written.has(key)) {
        const updatedAt = rows.updatedAtOf(table, op.rowId);
        if (updatedAt !== null && parseIsoDate(updatedAt) > parseIsoDate(op.stagedAt)) {
          throw conflict();
        }
      }
      const result = applyOperation(rows, principal, op);
      for (const row of result) written.add(`${table.seq}/${row.$id}`);
      const first = result[0];
      applied.push(op.action === 'delete' && first ? { table, op, deleted: first } : { table, op });
    } catch (error) {
      throw commitError(error, op);
    }
  }
  return applied;
}

/**
 * Runs `read` as if the transaction's staged operations were applied, then undoes them: the
 * operations are applied (each on its own, skipping any that would fail — the commit decides those)
 * inside a SQLite savepoint that is always rolled back, so nothing is written and no other reader
 * ever sees them. Writes elsewhere cannot interleave: all of it runs in one synchronous call.
 */
export function withStaged<T>(
  transact: Transact,
  rows: Rows,
  operations: readonly StagedOperation[],
  read: () => T,
): T {
  if (operations.length === 0) return read();
  const undo = new UndoStaged<T>();
  try {
    transact(() => {
      for (const op of operations) {
        try {
          transact(() => applyOperation(rows, SYSTEM, op));
        } catch {
          // An operation the commit would refuse: left out of the view.
        }
      }
      undo.result = read();
      throw undo;
    });
  } catch (thrown) {
    if (thrown === undo) return undo.result as T;
    throw thrown;
  }
  throw new Error('unreachable');
}

/** Carries the read's result out of the savepoint it rolls back. */
class UndoStaged<T> {
  result: T | undefined;
}

/** Applies staged operations without permission checks (a key's view of the transaction). */
const SYSTEM: Principal = { kind: 'key', keyId: 'system', scopes: new Set() };

/** The actions whose target row must not have changed since staging (utopia-php/database's timestamp check). */
const CHECKED = new Set(['update', 'upsert', 'delete']);

/** Applies one staged operation through `Rows`; returns the rows it wrote (a delete: the row as it was). */
function applyOperation(rows: Rows, principal: Principal, op: StagedOperation): Row[] {
  const { databaseId, tableId } = op;
  const rowId = op.rowId ?? '';
  const data = (op.data ?? {}) as Record<string, unknown>;
  switch (op.action) {
    case 'create':
      return [rows.create(principal, databaseId, tableId, rowId, data, data.$permissions ?? [])];
    case 'update':
      return [rows.update(principal, databaseId, tableId, rowId, data, undefined)];
    case 'upsert':
      return [rows.upsert(principal, databaseId, tableId, rowId, data, undefined)];
    case 'delete':
      return [rows.delete(principal, databaseId, tableId, rowId)];
    case 'increment':
    case 'decrement': {
      const up = op.action === 'increment';
      // Appwrite reads the key of the route's dialect and falls back to the other one.
      const column = String(data.column ?? data.attribute ?? '');
      const bound = up ? data.max : data.min;
      return [
        rows.increment(
          principal,
          databaseId,
          tableId,
          rowId,
          column,
          data.value ?? 1,
          bound ?? undefined,
          up ? 'up' : 'down',
        ),
      ];
    }
    case 'bulkCreate':
      return rows.createMany(principal, databaseId, tableId, data).rows;
    case 'bulkUpsert':
      return rows.upsertMany(principal, databaseId, tableId, data).rows;
    case 'bulkUpdate':
      return rows.updateMany(principal, databaseId, tableId, data.data, data.queries).rows;
    case 'bulkDelete':
      return rows.deleteMany(principal, databaseId, tableId, data.queries).rows;
  }
}

/**
 * The error a failed commit answers, as Transactions/Update.php maps utopia-php/database's
 * exceptions — with the legacy names on every path, as Appwrite throws them: a missing row (or
 * column) `document_not_found`, a duplicate id or unique value and a row changed since staging
 * `transaction_conflict` (409), invalid data `document_invalid_structure`, a bound passed
 * `attribute_limit_exceeded`. Anything else (a permission refused: `user_unauthorized`) as it is.
 */
function commitError(error: unknown, op: StagedOperation): unknown {
  if (!(error instanceof AppwriteError)) return error;
  switch (error.type) {
    case 'row_not_found':
    case 'column_not_found':
      return new AppwriteError(
        'document_not_found',
        `Document with the requested ID '${op.rowId ?? 'unknown'}' could not be found.`,
      );
    case 'row_already_exists':
      return conflict();
    case 'row_invalid_structure':
      return new AppwriteError('document_invalid_structure', error.message);
    case 'column_limit_exceeded':
      return new AppwriteError('attribute_limit_exceeded', error.message);
    case 'table_not_found':
      return new AppwriteError('collection_not_found', error.message);
    default:
      return error;
  }
}

function conflict(): AppwriteError {
  return new AppwriteError(
    'transaction_conflict',
    'The transaction has a conflict. Please resolve the conflict and try again.',
  );
}
