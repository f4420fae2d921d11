import { type Sql, StatementCache } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { uniqueId } from '../platform/ids.ts';
import type { ListAttributes } from '../platform/list-attributes.ts';
import { listMetadata } from '../platform/metadata-list.ts';
import { allows, effectiveRoles, ROW_ACTIONS } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import { isoDate, parseIsoDate } from '../platform/time.ts';

/** Seconds a transaction lives: Appwrite's APP_DATABASE_TXN_TTL_MIN/MAX/DEFAULT (app/init/constants.php). */
export const TRANSACTION_TTL = { min: 60, max: 3600, default: 300 } as const;

/** Operations one transaction may stage: APP_LIMIT_DATABASE_TRANSACTION. */
export const TRANSACTION_MAX_OPERATIONS = 100;

/**
 * How long an expired transaction is kept before it is removed. Appwrite's maintenance task deletes
 * expired transactions and their logs (Workers/Deletes.php deleteExpiredTransactions) once per
 * `_APP_MAINTENANCE_INTERVAL`, a day by default; until then they answer 410 `transaction_expired`.
 */
const EXPIRED_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * What Appwrite sets: `pending` from creation, then `committed` or `failed` (a rollback is `failed`
 * too, Transactions/Update.php); `committing` exists upstream only while a commit runs.
 */
export type TransactionStatus = 'pending' | 'committing' | 'committed' | 'failed';

/** The actions a staged operation can have (Validator/Operation.php). */
export const OPERATION_ACTIONS = [
  'create',
  'update',
  'upsert',
  'delete',
  'increment',
  'decrement',
  'bulkCreate',
  'bulkUpdate',
  'bulkUpsert',
  'bulkDelete',
] as const;
export type OperationAction = (typeof OPERATION_ACTIONS)[number];

/** A transaction as stored. */
export interface TransactionRecord {
  seq: number;
  id: string;
  permissions: string[];
  status: TransactionStatus;
  operations: number;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * One staged operation, as Appwrite keeps it in `transactionLogs`: where, which action, the row id
 * (none for bulk actions), the action's data as the route staged it (row data with `$permissions`;
 * `{column, value, max|min}` for increments; the rows or `{data, queries}` for bulk actions), and
 * when it was staged — the commit refuses to overwrite a row changed after that moment.
 */
export interface StagedOperation {
  databaseId: string;
  tableId: string;
  rowId: string | null;
  action: OperationAction;
  data: unknown;
  stagedAt: string;
}

/** The Transaction model of Appwrite 1.9.5 (Response/Model/Transaction.php); the same in every format. */
export interface TransactionModel {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  status: TransactionStatus;
  operations: number;
  expiresAt: string;
}

/** What `listTransactions` may filter and sort on (Validator/Queries/Transactions.php). */
const TRANSACTION_LIST: ListAttributes = {
  attributes: { status: 'string', expiresAt: 'datetime' },
};

interface StoredTransaction {
  seq: number;
  id: string;
  permissions: string;
  status: TransactionStatus;
  operations: number;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

interface StoredOperation {
  database_id: string;
  table_id: string;
  row_id: string | null;
  action: OperationAction;
  data: string;
  staged_at: string;
}

/**
 * The project's transactions and their staged operations (Appwrite's `transactions` and
 * `transactionLogs` collections). Who sees a transaction follows Appwrite: a user's own transaction
 * carries read/update/delete for `user:ID` (Transactions/Create.php), so only that user — and API
 * keys, which skip permissions — find it; a guest's carries none, so only keys do. This store only
 * reads and writes; the checks and the commit are transaction-writes.ts's.
 */
export class Transactions {
  readonly #now: () => number;
  readonly #statements: StatementCache;

  constructor(db: Sql, now: () => number = Date.now) {
    this.#now = now;
    this.#statements = new StatementCache(db);
    db.exec(`CREATE TABLE IF NOT EXISTS tdb_transactions (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      permissions TEXT NOT NULL,
      status TEXT NOT NULL,
      operations INTEGER NOT NULL,
      expires_at TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS tdb_transaction_ops (
      seq INTEGER PRIMARY KEY,
      txn_seq INTEGER NOT NULL REFERENCES tdb_transactions (seq) ON DELETE CASCADE,
      database_id TEXT NOT NULL,
      table_id TEXT NOT NULL,
      row_id TEXT,
      action TEXT NOT NULL,
      data TEXT NOT NULL,
      staged_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS tdb_transaction_ops_txn ON tdb_transaction_ops (txn_seq, seq);
    CREATE INDEX IF NOT EXISTS tdb_transactions_expires ON tdb_transactions (expires_at);`);
  }

  /** The current time in ms (a test may pin it). */
  now(): number {
    return this.#now();
  }

  /**
   * Creates a pending transaction living `ttl` seconds (60–3600, default 300; else 400
   * `general_argument_invalid`, as the route's Range validator). A user's gets their own
   * read/update/delete permissions. Expired transactions more than a day old are removed first.
   */
  create(principal: Principal, ttl: unknown): TransactionRecord {
    const seconds = ttl === undefined || ttl === null ? TRANSACTION_TTL.default : ttl;
    if (
      typeof seconds !== 'number' ||
      !Number.isInteger(seconds) ||
      seconds < TRANSACTION_TTL.min ||
      seconds > TRANSACTION_TTL.max
    ) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`ttl\` param: Value must be a valid range between ${TRANSACTION_TTL.min} and ${TRANSACTION_TTL.max}`,
      );
    }
    const now = this.#now();
    this.#sweep(now);
    const permissions =
      principal.kind === 'user' ? ROW_ACTIONS.map((a) => `${a}("user:${principal.userId}")`) : [];
    const at = isoDate(now);
    const id = uniqueId();
    this.#statements
      .get(`INSERT INTO tdb_transactions (id, permissions, status, operations, expires_at, created_at, updated_at)
         VALUES (?, ?, 'pending', 0, ?, ?, ?)`)
      .run(id, JSON.stringify(permissions), isoDate(now + seconds * 1000), at, at);
    return this.find(id) as TransactionRecord;
  }

  /** The transaction with this id, whoever may see it; `undefined` when there is none. */
  find(id: string): TransactionRecord | undefined {
    const row = this.#statements.get('SELECT * FROM tdb_transactions WHERE id = ?').get(id) as
      | StoredTransaction
      | undefined;
    return row && recordOf(row);
  }

  /**
   * The transaction as `principal` may see it: keys see every one, others need a read permission
   * (Appwrite reads it under the caller's authorization). Otherwise 404 `transaction_not_found`.
   */
  visible(principal: Principal, id: string): TransactionRecord {
    const record = this.find(id);
    if (!record || !mayRead(principal, record)) throw transactionNotFound(id);
    return record;
  }

  /** Whether the transaction's time is up (Appwrite compares `now > expiresAt`). */
  expired(record: TransactionRecord): boolean {
    return this.#now() > parseIsoDate(record.expiresAt);
  }

  /** The transactions `principal` may see, filtered, sorted and paged by `queries`. */
  list(
    principal: Principal,
    queries: unknown,
  ): { total: number; transactions: TransactionModel[] } {
    const rows = this.#statements
      .get('SELECT * FROM tdb_transactions ORDER BY seq')
      .all() as StoredTransaction[];
    const models = rows
      .map(recordOf)
      .filter((record) => mayRead(principal, record))
      .map(modelOf) as unknown as Record<string, unknown>[];
    const { total, items } = listMetadata(
      models,
      queries,
      undefined,
      '$id',
      true,
      TRANSACTION_LIST,
    );
    return { total, transactions: items as unknown as TransactionModel[] };
  }

  /** Stages operations after the pending ones and counts them; returns the transaction as it is now. */
  stage(record: TransactionRecord, operations: readonly StagedOperation[]): TransactionRecord {
    const insert =
      this.#statements.get(`INSERT INTO tdb_transaction_ops (txn_seq, database_id, table_id, row_id, action, data, staged_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`);
    for (const op of operations) {
      insert.run(
        record.seq,
        op.databaseId,
        op.tableId,
        op.rowId,
        op.action,
        JSON.stringify(op.data ?? null),
        op.stagedAt,
      );
    }
    this.#statements
      .get('UPDATE tdb_transactions SET operations = operations + ?, updated_at = ? WHERE seq = ?')
      .run(operations.length, isoDate(this.#now()), record.seq);
    return this.find(record.id) as TransactionRecord;
  }

  /** The staged operations, in the order they were staged. */
  operations(record: TransactionRecord): StagedOperation[] {
    const rows = this.#statements
      .get('SELECT * FROM tdb_transaction_ops WHERE txn_seq = ? ORDER BY seq')
      .all(record.seq) as StoredOperation[];
    return rows.map((row) => ({
      databaseId: row.database_id,
      tableId: row.table_id,
      rowId: row.row_id,
      action: row.action,
      data: JSON.parse(row.data) as unknown,
      stagedAt: row.staged_at,
    }));
  }

  /**
   * Marks the transaction committed or failed and drops its staged operations, which Appwrite's
   * delete worker removes after a commit or rollback (DELETE_TYPE_TRANSACTIONS); the transaction
   * itself stays until it expires.
   */
  settle(record: TransactionRecord, status: 'committed' | 'failed'): TransactionRecord {
    this.#statements
      .get('UPDATE tdb_transactions SET status = ?, updated_at = ? WHERE seq = ?')
      .run(status, isoDate(this.#now()), record.seq);
    this.#statements.get('DELETE FROM tdb_transaction_ops WHERE txn_seq = ?').run(record.seq);
    return this.find(record.id) as TransactionRecord;
  }

  /** Deletes the transaction and what it staged. */
  delete(record: TransactionRecord): void {
    this.#statements.get('DELETE FROM tdb_transactions WHERE seq = ?').run(record.seq);
  }

  /** Removes transactions that expired more than a day ago, with their operations. */
  #sweep(now: number): void {
    this.#statements
      .get('DELETE FROM tdb_transactions WHERE expires_at < ?')
      .run(isoDate(now - EXPIRED_KEPT_MS));
  }
}

/** The Transaction model of a record. */
export function modelOf(record: TransactionRecord): TransactionModel {
  return {
    $id: record.id,
    $createdAt: record.createdAt,
    $updatedAt: record.updatedAt,
    status: record.status,
    operations: record.operations,
    expiresAt: record.expiresAt,
  };
}

/** Appwrite's 404 for a transaction the caller cannot see (app/config/errors.php wording). */
export function transactionNotFound(id: string): AppwriteError {
  return new AppwriteError(
    'transaction_not_found',
    `Transaction with the requested ID '${id}' could not be found.`,
  );
}

/** Whether `principal` may see the transaction: keys always, others through its read permission. */
export function mayRead(principal: Principal, record: TransactionRecord): boolean {
  return principal.kind === 'key' || allows(record.permissions, 'read', effectiveRoles(principal));
}

function recordOf(row: StoredTransaction): TransactionRecord {
  return {
    seq: row.seq,
    id: row.id,
    permissions: JSON.parse(row.permissions) as string[],
    status: row.status,
    operations: row.operations,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
