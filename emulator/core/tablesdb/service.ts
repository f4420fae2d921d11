import type { Sql } from '../platform/db.ts';
import type { EventBus } from '../platform/events.ts';
import { RowWrites } from './row-writes.ts';
import { Rows } from './rows.ts';
import { Schema } from './schema.ts';
import { SchemaWrites } from './schema-writes.ts';
import { TransactionWrites } from './transaction-writes.ts';
import { Transactions } from './transactions.ts';
import { WriteQueue } from './write-queue.ts';

/**
 * The data layer over one SQLite handle. Reads go to `schema` and `rows`; writes a route makes go
 * through `schemaWrites` and `rowWrites`, which commit and then announce them on the project's
 * event bus. `schema`'s and `rows`' own write methods announce nothing (the appwrite.json applier,
 * statements inside a write).
 */
export interface TablesDB {
  /** The registry of databases, tables, columns and indexes (and their DDL). */
  schema: Schema;
  /** Row reads, and the checks and statements of row writes (run inside `rowWrites`' queue). */
  rows: Rows;
  /** Schema changes as Appwrite's routes make them, each announced once committed. */
  schemaWrites: SchemaWrites;
  /** Row writes as Appwrite's routes make them: group-committed, then announced. */
  rowWrites: RowWrites;
  /**
   * Transactions: created, staged into (row routes with a `transactionId`, createOperations),
   * committed in one SQLite transaction and announced after, rolled back; reads inside one.
   */
  transactions: TransactionWrites;
}

/**
 * Builds the data layer for `db`, publishing on `events`. core/project.ts builds it once, so the
 * TablesDB routes, the legacy Databases routes and the appwrite.json loader share one schema cache,
 * one write queue and one set of prepared statements; a second one on the same handle would keep a
 * schema cache of its own.
 */
export function openTablesDB(db: Sql, events: EventBus): TablesDB {
  const schema = new Schema(db);
  const rows = new Rows(schema);
  const queue = new WriteQueue(db);
  return {
    schema,
    rows,
    schemaWrites: new SchemaWrites(schema, events),
    rowWrites: new RowWrites(schema, rows, queue, events),
    transactions: new TransactionWrites(db, new Transactions(db), rows, queue, events),
  };
}
