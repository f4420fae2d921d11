import { type Sql, type Transact, transactionRunner } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { resolveId } from '../platform/ids.ts';
import { parsePermissions, ROW_ACTIONS, rowPermissionsForWrite } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import { parseQueries } from '../platform/query-parse.ts';
import { isoDate } from '../platform/time.ts';
import { type DataWriteOptions, rowEvent } from './events.ts';
import { requireRowList } from './row-data.ts';
import {
  bulkPermissions,
  createPermissions,
  newRowId,
  requireBulkData,
  requireCreateData,
  requirePayload,
  rowNotFound,
  unauthorized,
} from './row-input.ts';
import { presentRow, type Row } from './row-model.ts';
import type { Rows } from './rows.ts';
import type { TableInfo } from './schema-types.ts';
import { type AppliedOperation, commitOperations, withStaged } from './transaction-commit.ts';
import { checkOperations, type OperationInput } from './transaction-operations.ts';
import {
  mayRead,
  modelOf,
  type StagedOperation,
  TRANSACTION_MAX_OPERATIONS,
  type TransactionModel,
  type TransactionRecord,
  type Transactions,
  transactionNotFound,
} from './transactions.ts';
import type { WriteQueue } from './write-queue.ts';

/** A key's view, for reading rows back after a commit. */
const SYSTEM: Principal = { kind: 'key', keyId: 'system', scopes: new Set() };

/**
 * How a route finds its transaction, as Appwrite's routes differ: a missing one is 404
 * `transaction_not_found` or 400 `general_bad_request` ("Invalid or non‑pending transaction"), one
 * no longer pending `transaction_not_ready` or that same 400, and the bulk routes never look at
 * the expiry.
 */
interface Lookup {
  missing: 'not_found' | 'bad_request';
  notPending: 'not_ready' | 'bad_request';
  expiry: boolean;
}
/** The single-row routes and the commit (Documents/Create.php, Update.php, Upsert.php, Delete.php). */
const STRICT: Lookup = { missing: 'not_found', notPending: 'not_ready', expiry: true };
/** Increment and decrement (Documents/Attribute/Increment.php). */
const LENIENT: Lookup = { missing: 'bad_request', notPending: 'bad_request', expiry: true };
/** The bulk routes (Documents/Bulk/*.php). */
const BULK: Lookup = { missing: 'bad_request', notPending: 'bad_request', expiry: false };
/** createOperations (Transactions/Operations/Create.php). */
const OPERATIONS: Lookup = { missing: 'not_found', notPending: 'bad_request', expiry: true };

/**
 * TablesDB transactions as Appwrite 1.9.5 has them (Modules/Databases/Http/Databases/Transactions/,
 * the row routes' `transactionId`, Appwrite/Databases/TransactionState.php):
 *
 * - A row route given a `transactionId` checks what it checks at once (data, permissions it may
 *   grant, the row it changes exists for the caller, as the transaction sees it) and then stages
 *   the write instead of making it, answering a row built from what it staged.
 * - `createOperations` stages up to 100 operations at once, with Appwrite's per-operation checks.
 * - The commit applies every staged operation in one SQLite transaction (in the group-commit queue),
 *   with the committing caller's permissions, and either all of it is written or none; only then
 *   are the rows' events published. A rollback discards them.
 * - A read given a `transactionId` sees the rows as the commit would leave them.
 *
 * Every write goes through the write queue, so staging and committing never interleave with
 * another write.
 */
export class TransactionWrites {
  readonly #transact: Transact;
  readonly #store: Transactions;
  readonly #rows: Rows;
  readonly #queue: WriteQueue;
  readonly #events: EventBus;

  constructor(db: Sql, store: Transactions, rows: Rows, queue: WriteQueue, events: EventBus) {
    this.#transact = transactionRunner(db);
    this.#store = store;
    this.#rows = rows;
    this.#queue = queue;
    this.#events = events;
  }

  // ---- the transaction -------------------------------------------------------------------

  /** Creates a transaction living `ttl` seconds (60–3600, default 300). */
  async create(principal: Principal, ttl: unknown): Promise<TransactionModel> {
    return modelOf(await this.#queue.run(() => this.#store.create(principal, ttl)));
  }

  /** One transaction the caller may see; else 404 `transaction_not_found`. */
  get(principal: Principal, transactionId: string): TransactionModel {
    return modelOf(this.#store.visible(principal, transactionId));
  }

  /** The transactions the caller may see (queries on `status`, `expiresAt` and the system fields). */
  list(
    principal: Principal,
    queries: unknown,
  ): { total: number; transactions: TransactionModel[] } {
    return this.#store.list(principal, queries);
  }

  /** Deletes a transaction (whatever its status) with what it staged. */
  async delete(principal: Principal, transactionId: string): Promise<void> {
    await this.#queue.run(() => {
      this.#store.delete(this.#store.visible(principal, transactionId));
    });
  }

  /**
   * Commits or rolls back (Transactions/Update.php). Exactly one of `commit` and `rollback` must be
   * true (else 400 `general_bad_request`); the transaction must be pending (400
   * `transaction_not_ready`) and not expired (410 `transaction_expired`). A commit runs every staged
   * operation in one SQLite transaction inside the write queue: on any failure nothing is written,
   * the transaction is `failed` and the error is Appwrite's (commitOperations). Once committed, the
   * rows' events are published in the order of the operations: a create, update, upsert or
   * increment announces the row as it ended up (`create` or `update`; an upsert is an `update`, as
   * Appwrite labels it here), a delete the row as it was; bulk operations announce nothing.
   */
  async update(
    principal: Principal,
    transactionId: string,
    commit: unknown,
    rollback: unknown,
    options: DataWriteOptions = {},
  ): Promise<TransactionModel> {
    const committing = flag(commit, 'commit');
    const rollingBack = flag(rollback, 'rollback');
    if (!committing && !rollingBack) {
      throw new AppwriteError('general_bad_request', 'Either commit or rollback must be true');
    }
    if (committing && rollingBack) {
      throw new AppwriteError('general_bad_request', 'Cannot commit and rollback at the same time');
    }
    const outcome = await this.#queue.run(() => {
      const record = this.#open(principal, transactionId, 0, STRICT);
      if (rollingBack) return { record: this.#store.settle(record, 'failed'), applied: [] };
      const operations = this.#store.operations(record);
      try {
        const applied = this.#transact(() => commitOperations(this.#rows, principal, operations));
        return { record: this.#store.settle(record, 'committed'), applied };
      } catch (error) {
        this.#store.settle(record, 'failed');
        return { error };
      }
    });
    if ('error' in outcome) throw outcome.error;
    this.#announce(outcome.applied, options);
    return modelOf(outcome.record);
  }

  // ---- staging ---------------------------------------------------------------------------

  /**
   * `createOperations`: checks the list as Appwrite's Operation validator does, then the
   * transaction, then each operation (bulk actions need a key; the database and table exist; the
   * row of an update, upsert-less delete, increment or decrement exists as the transaction sees it —
   * a create earlier in the same list counts; the caller holds the table- or row-level permission
   * and only grants roles they hold), and stages them all or none. 201 with the Transaction.
   */
  async addOperations(
    principal: Principal,
    transactionId: string,
    operations: unknown,
    options: DataWriteOptions = {},
  ): Promise<TransactionModel> {
    const legacy = options.legacy ?? false;
    const list = checkOperations(operations, legacy);
    if (list.length === 0) {
      throw new AppwriteError('general_bad_request', 'Operations array cannot be empty');
    }
    const record = await this.#queue.run(() => {
      const open = this.#open(principal, transactionId, list.length, OPERATIONS);
      const staged = withStaged(this.#transact, this.#rows, this.#store.operations(open), () =>
        this.#checkEach(principal, list),
      );
      return this.#store.stage(open, staged);
    });
    return modelOf(record);
  }

  /** `createRow` with a `transactionId`: checked now, written at the commit. 201 with the staged row. */
  stageCreate(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rowId: unknown,
    data: unknown,
    permissions: unknown,
    options: DataWriteOptions = {},
  ): Promise<Record<string, unknown>> {
    return this.#queue.run(() => {
      const record = requireCreateData(data);
      const table = this.#rows.tableOf(principal, databaseId, tableId);
      const id = newRowId(rowId);
      const perms = createPermissions(principal, permissions, record);
      this.#rows.authorize(principal, table, null, 'create');
      const open = this.#open(principal, transactionId, 1, STRICT);
      const staged = { ...record, $permissions: perms };
      this.#stageOne(open, table, id, 'create', staged);
      return stagedRow(table, id, staged, options);
    });
  }

  /** `createRows` with a `transactionId` (keys only): staged as one operation. 200 `{total, rows: []}`. */
  stageCreateMany(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rows: unknown,
  ): Promise<{ total: number; rows: Row[] }> {
    return this.#queue.run(() => {
      const list = requireRowList(rows);
      if (list.length === 0)
        throw new AppwriteError('row_missing_data', 'The row data is missing.');
      if (principal.kind !== 'key') {
        throw new AppwriteError(
          'general_unauthorized_scope',
          'Creating several rows at once needs an API key.',
        );
      }
      const table = this.#rows.tableOf(principal, databaseId, tableId);
      const docs = list.map((item) => {
        const id = resolveId(typeof item.$id === 'string' ? item.$id : 'unique()');
        if (!id) throw new AppwriteError('general_bad_request', 'Invalid `$id`: not a valid id.');
        bulkPermissions(item.$permissions);
        return { ...item, $id: id };
      });
      const open = this.#open(principal, transactionId, 1, BULK);
      this.#stageOne(open, table, null, 'bulkCreate', docs);
      return { total: docs.length, rows: [] };
    });
  }

  /** `updateRow` with a `transactionId`. 200 with the row as staged (the row as the transaction sees it, changed). */
  stageUpdate(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rowId: string,
    data: unknown,
    permissions: unknown,
    options: DataWriteOptions = {},
  ): Promise<Record<string, unknown>> {
    return this.#queue.run(() => {
      const record = requirePayload(data, permissions, 'update');
      const table = this.#rows.tableOf(principal, databaseId, tableId);
      const existing = this.#readable(principal, transactionId, table, rowId);
      if (!existing) throw rowNotFound(rowId);
      const requested = grantable(principal, permissions);
      const open = this.#open(principal, transactionId, 1, STRICT);
      const staged = requested === null ? record : { ...record, $permissions: requested };
      this.#stageOne(open, table, rowId, 'update', staged);
      return {
        ...presentRow(existing, options),
        ...record,
        $permissions: requested ?? existing.$permissions,
      };
    });
  }

  /** `upsertRow` with a `transactionId`. 201 with the row as staged. */
  stageUpsert(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rowId: string,
    data: unknown,
    permissions: unknown,
    options: DataWriteOptions = {},
  ): Promise<Record<string, unknown>> {
    return this.#queue.run(() => {
      const record = requirePayload(data, permissions, 'upsert');
      const table = this.#rows.tableOf(principal, databaseId, tableId);
      let perms = grantable(principal, permissions);
      let shown = perms;
      if (perms === null) {
        // Without permissions: the row's own if it exists (left as they are), else the default.
        const existing = this.#readable(principal, transactionId, table, rowId);
        if (existing) shown = existing.$permissions;
        else perms = shown = rowPermissionsForWrite(principal, null, true);
      }
      const open = this.#open(principal, transactionId, 1, STRICT);
      const staged = perms === null ? record : { ...record, $permissions: perms };
      this.#stageOne(open, table, rowId, 'upsert', staged);
      return stagedRow(table, rowId, { ...record, $permissions: shown ?? [] }, options);
    });
  }

  /** `deleteRow` with a `transactionId`. 204. */
  stageDelete(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rowId: string,
  ): Promise<void> {
    return this.#queue.run(() => {
      const table = this.#rows.tableOf(principal, databaseId, tableId);
      if (!this.#readable(principal, transactionId, table, rowId)) throw rowNotFound(rowId);
      const open = this.#open(principal, transactionId, 1, STRICT);
      this.#stageOne(open, table, rowId, 'delete', {});
    });
  }

  /**
   * `incrementRowColumn`/`decrementRowColumn` with a `transactionId`: staged without looking at the
   * row (Appwrite checks it at the commit). 200 with a row holding only the column, set to the
   * amount, as Appwrite answers.
   */
  stageIncrement(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rowId: string,
    column: string,
    value: unknown,
    bound: unknown,
    direction: 'up' | 'down',
    options: DataWriteOptions = {},
  ): Promise<Record<string, unknown>> {
    return this.#queue.run(() => {
      const table = this.#rows.tableOf(principal, databaseId, tableId);
      const amount = value === undefined || value === null ? 1 : value;
      if (typeof amount !== 'number' || !Number.isFinite(amount)) {
        throw new AppwriteError(
          'general_argument_invalid',
          'Invalid `value` param: Value must be a valid number.',
        );
      }
      if (bound !== undefined && bound !== null && typeof bound !== 'number') {
        const name = direction === 'up' ? 'max' : 'min';
        throw new AppwriteError(
          'general_argument_invalid',
          `Invalid \`${name}\` param: Value must be a valid number.`,
        );
      }
      const open = this.#open(principal, transactionId, 1, LENIENT);
      const up = direction === 'up';
      this.#stageOne(open, table, rowId, up ? 'increment' : 'decrement', {
        [options.legacy ? 'attribute' : 'column']: column,
        value: amount,
        [up ? 'max' : 'min']: bound ?? null,
      });
      return stagedRow(table, rowId, { [column]: amount }, options);
    });
  }

  /** `upsertRows` with a `transactionId` (keys only). 200 `{total, rows: []}`. */
  stageUpsertMany(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    rows: unknown,
  ): Promise<{ total: number; rows: Row[] }> {
    return this.#queue.run(() => {
      const list = requireRowList(rows);
      const table = this.#bulkTable(principal, databaseId, tableId);
      for (const item of list) bulkPermissions(item.$permissions);
      const open = this.#open(principal, transactionId, 1, BULK);
      this.#stageOne(open, table, null, 'bulkUpsert', list);
      return { total: list.length, rows: [] };
    });
  }

  /** `updateRows` with a `transactionId` (keys only). 200 `{total: 0, rows: []}`. */
  stageUpdateMany(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    data: unknown,
    queries: unknown,
  ): Promise<{ total: number; rows: Row[] }> {
    return this.#queue.run(() => {
      const record = requireBulkData(data);
      const table = this.#bulkTable(principal, databaseId, tableId);
      parseQueries(queries);
      const open = this.#open(principal, transactionId, 1, BULK);
      this.#stageOne(open, table, null, 'bulkUpdate', { data: record, queries: queries ?? [] });
      return { total: 0, rows: [] };
    });
  }

  /** `deleteRows` with a `transactionId` (keys only). 200 `{total: 0, rows: []}`. */
  stageDeleteMany(
    principal: Principal,
    transactionId: string,
    databaseId: string,
    tableId: string,
    queries: unknown,
  ): Promise<{ total: number; rows: Row[] }> {
    return this.#queue.run(() => {
      const table = this.#bulkTable(principal, databaseId, tableId);
      parseQueries(queries);
      const open = this.#open(principal, transactionId, 1, BULK);
      this.#stageOne(open, table, null, 'bulkDelete', { queries: queries ?? [] });
      return { total: 0, rows: [] };
    });
  }

  // ---- reads -----------------------------------------------------------------------------

  /**
   * Runs a row read as the transaction sees it: with its staged operations applied (and undone
   * after). Without a transaction id — or when none is pending by that id, as Appwrite's
   * TransactionState returns no staged state then — the read sees only committed rows.
   */
  readWithin<T>(transactionId: string | null, read: () => T): T {
    if (transactionId === null) return read();
    const record = this.#store.find(transactionId);
    if (record?.status !== 'pending') return read();
    return withStaged(this.#transact, this.#rows, this.#store.operations(record), read);
  }

  // ---- internals -------------------------------------------------------------------------

  /** The transaction, checked as `lookup` says, with room for `adding` more operations. */
  #open(
    principal: Principal,
    transactionId: string,
    adding: number,
    lookup: Lookup,
  ): TransactionRecord {
    const record = this.#store.find(transactionId);
    if (!record || !mayRead(principal, record)) {
      if (lookup.missing === 'not_found') throw transactionNotFound(transactionId);
      throw invalidTransaction();
    }
    if (record.status !== 'pending') {
      if (lookup.notPending === 'not_ready') {
        throw new AppwriteError(
          'transaction_not_ready',
          'The transaction is not ready yet. Please try again later.',
        );
      }
      throw invalidTransaction();
    }
    if (lookup.expiry && this.#store.expired(record)) {
      throw new AppwriteError(
        'transaction_expired',
        'The transaction has expired. Please create a new transaction and try again.',
      );
    }
    if (record.operations + adding > TRANSACTION_MAX_OPERATIONS) {
      throw new AppwriteError(
        'transaction_limit_exceeded',
        `Transaction already has ${record.operations} operations, adding ${adding} would exceed the maximum of ${TRANSACTION_MAX_OPERATIONS}`,
      );
    }
    return record;
  }

  /** The row as the transaction (if pending) shows it to `principal`, or `null`. */
  #readable(
    principal: Principal,
    transactionId: string,
    table: TableInfo,
    rowId: string,
  ): Row | null {
    return this.readWithin(transactionId, () => this.#rows.readable(principal, table, rowId));
  }

  #stageOne(
    record: TransactionRecord,
    table: TableInfo,
    rowId: string | null,
    action: StagedOperation['action'],
    data: unknown,
  ): void {
    this.#store.stage(record, [
      {
        databaseId: table.databaseId,
        tableId: table.id,
        rowId,
        action,
        data,
        stagedAt: isoDate(this.#store.now()),
      },
    ]);
  }

  /** The bulk routes' table: keys only; anyone else gets `database_not_found`, as rows.ts explains. */
  #bulkTable(principal: Principal, databaseId: string, tableId: string): TableInfo {
    if (principal.kind !== 'key') {
      throw new AppwriteError('database_not_found', `Database "${databaseId}" was not found.`);
    }
    return this.#rows.tableOf(principal, databaseId, tableId);
  }

  /** createOperations' per-operation checks; returns the operations to stage. */
  #checkEach(principal: Principal, list: readonly OperationInput[]): StagedOperation[] {
    const privileged = principal.kind === 'key';
    const created = new Set<string>();
    const stagedAt = isoDate(this.#store.now());
    return list.map((op) => {
      const bulk = op.action.startsWith('bulk');
      if (bulk && !privileged) throw unauthorized();
      const table = this.#tableForOperation(principal, op);
      const key = `${table.seq}/${op.rowId}`;
      let exists = false;
      if (op.rowId !== null && op.action !== 'create' && !bulk) {
        exists = this.#rows.readable(principal, table, op.rowId) !== null;
        if (!exists && !created.has(key) && op.action !== 'upsert') {
          throw new AppwriteError(
            'document_not_found',
            `Document with the requested ID '${op.rowId}' could not be found.`,
          );
        }
      }
      if (!bulk && !privileged) {
        const action =
          op.action === 'create' || (op.action === 'upsert' && !exists)
            ? 'create'
            : op.action === 'delete'
              ? 'delete'
              : 'update';
        this.#rows.authorize(principal, table, exists ? op.rowId : null, action);
        const data = op.data as Record<string, unknown> | null;
        if (data && !Array.isArray(data) && data.$permissions !== undefined) {
          grantable(principal, data.$permissions);
        }
      }
      if (op.action === 'create') created.add(key);
      return {
        databaseId: table.databaseId,
        tableId: table.id,
        rowId: op.rowId,
        action: op.action,
        data: op.action === 'create' ? { $permissions: [], ...(op.data as object) } : op.data,
        stagedAt,
      };
    });
  }

  /** The operation's table; a missing one is `collection_not_found`, as createOperations names it. */
  #tableForOperation(principal: Principal, op: OperationInput): TableInfo {
    try {
      return this.#rows.tableOf(principal, op.databaseId, op.tableId);
    } catch (error) {
      if (error instanceof AppwriteError && error.type === 'table_not_found') {
        throw new AppwriteError(
          'collection_not_found',
          `Collection with the requested ID '${op.tableId}' could not be found.`,
        );
      }
      throw error;
    }
  }

  /** After a commit: one event per operation, in order (see `update`). */
  #announce(applied: readonly AppliedOperation[], options: DataWriteOptions): void {
    for (const { table, op, deleted } of applied) {
      if (op.action.startsWith('bulk')) continue;
      if (op.action === 'delete') {
        if (deleted) this.#events.publish(rowEvent(table, deleted, 'delete', options));
        continue;
      }
      const row = op.rowId === null ? null : this.#rows.readable(SYSTEM, table, op.rowId);
      if (!row) continue;
      const action = op.action === 'create' ? 'create' : 'update';
      this.#events.publish(rowEvent(table, row, action, options));
    }
  }
}

/** A row built from what was staged, in the Row (or Document) model's shape. */
function stagedRow(
  table: TableInfo,
  rowId: string,
  fields: Record<string, unknown>,
  options: DataWriteOptions,
): Record<string, unknown> {
  return {
    $id: rowId,
    $sequence: '',
    [options.legacy ? '$collectionId' : '$tableId']: table.id,
    $databaseId: table.databaseId,
    $createdAt: '',
    $updatedAt: '',
    $permissions: [],
    ...fields,
  };
}

/** Permissions the caller sends, parsed; a user may only grant roles they hold (401). */
function grantable(principal: Principal, permissions: unknown): string[] | null {
  const requested = parsePermissions(permissions, ROW_ACTIONS);
  return requested === null ? null : rowPermissionsForWrite(principal, requested, false);
}

/** A `commit`/`rollback` flag: a boolean or absent (Utopia's Boolean validator). */
function flag(value: unknown, name: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: Value must be a valid boolean`,
    );
  }
  return value;
}

function invalidTransaction(): AppwriteError {
  return new AppwriteError('general_bad_request', 'Invalid or non‑pending transaction');
}
