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

/**
 * Builds the data layer for `db`. core/project.ts builds it once, so the TablesDB routes, the legacy
 * Databases routes and the appwrite.json loader share one schema cache and one set of prepared
 * statements; a second one on the same handle would keep a schema cache of its own.
 */
export function openTablesDB(db: Sql): TablesDB {
  const schema = new Schema(db);
  return { schema, rows: new Rows(schema), writes: new WriteQueue(db) };
}
