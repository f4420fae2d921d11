import type { Column } from './column-types.ts';

/**
 * The shapes of the schema registry (schema.ts), apart from it so that the modules the registry uses
 * (fulltext.ts, schema-models.ts) can name them without importing the registry back.
 */

/** A database as the registry keeps it. */
export interface DatabaseInfo {
  id: string;
  name: string;
  enabled: boolean;
  /** `tablesdb` when made through /tablesdb, `legacy` through /databases. */
  type: 'tablesdb' | 'legacy';
  createdAt: string;
  updatedAt: string;
}

/** An index as the registry keeps it. */
export interface IndexInfo {
  seq: number;
  key: string;
  type: 'key' | 'unique' | 'fulltext';
  columns: string[];
  orders: unknown[];
  lengths: unknown[];
  createdAt: string;
  updatedAt: string;
}

/** A table with everything the row layer needs: its columns, indexes and SQL names. */
export interface TableInfo {
  seq: number;
  databaseId: string;
  /** Whether the table's database is enabled (cached here so a row request is one lookup). */
  databaseEnabled: boolean;
  /** The database's type, which decides how its events are named. */
  databaseType: DatabaseInfo['type'];
  id: string;
  name: string;
  enabled: boolean;
  rowSecurity: boolean;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
  columns: Column[];
  indexes: IndexInfo[];
  /** The SQLite table holding the rows. */
  rowsTable: string;
  /** The side table of row permissions: (seq, action, role). */
  permsTable: string;
}
