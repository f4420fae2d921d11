import type { Sql } from '../platform/db.ts';
import { Rows } from './rows.ts';
import { Schema } from './schema.ts';
import { WriteQueue } from './write-queue.ts';

/** The data layer over one SQLite handle: the schema registry and the rows. */
export interface TablesDB {
  schema: Schema;
  rows: Rows;
  /** Group commit for row writes coming from concurrent requests. */
  writes: WriteQueue;
}

const open = new WeakMap<Sql, TablesDB>();

/**
 * The data layer for `db`, made once per handle so the TablesDB routes, the legacy Databases routes
 * and the appwrite.json loader share one schema cache and one set of prepared statements.
 */
export function openTablesDB(db: Sql): TablesDB {
  let data = open.get(db);
  if (!data) {
    const schema = new Schema(db);
    data = { schema, rows: new Rows(schema), writes: new WriteQueue(db) };
    open.set(db, data);
  }
  return data;
}
