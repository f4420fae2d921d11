import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { resolveId } from '../platform/ids.ts';
import { LIST_ATTRIBUTES } from '../platform/list-attributes.ts';
import { listMetadata } from '../platform/metadata-list.ts';
import { parsePermissions, TABLE_ACTIONS } from '../platform/permissions.ts';
import { ident, isConstraint } from '../platform/sql-text.ts';
import {
  type Column,
  type ColumnInput,
  type ColumnKind,
  columnModel,
  defineColumn,
  formatDate,
  isValidKey,
  sqlTypeOf,
  updateColumn,
} from './column-types.ts';
import { createFts, dropFts, ftsTableName, narrowFtsUpdateTriggers } from './fulltext.ts';
import { regexMatches } from './query-regex.ts';
import { databaseModel, indexModel, tableModel } from './schema-models.ts';

import type { DatabaseInfo, IndexInfo, TableInfo } from './schema-types.ts';

export type { DatabaseInfo, IndexInfo, TableInfo };

/** System columns every row table has, queryable like user columns (Appwrite Queries/Base.php). */
export const SYSTEM_COLUMNS = ['$id', '$sequence', '$createdAt', '$updatedAt'] as const;

const REGISTRY = `
CREATE TABLE IF NOT EXISTS tdb_databases (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, enabled INTEGER NOT NULL, type TEXT NOT NULL,
  createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tdb_tables (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  databaseId TEXT NOT NULL REFERENCES tdb_databases(id) ON DELETE CASCADE,
  id TEXT NOT NULL, name TEXT NOT NULL, enabled INTEGER NOT NULL, rowSecurity INTEGER NOT NULL,
  permissions TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  UNIQUE (databaseId, id));
CREATE TABLE IF NOT EXISTS tdb_columns (
  tableSeq INTEGER NOT NULL REFERENCES tdb_tables(seq) ON DELETE CASCADE,
  key TEXT NOT NULL COLLATE NOCASE, position INTEGER NOT NULL, spec TEXT NOT NULL,
  PRIMARY KEY (tableSeq, key));
CREATE TABLE IF NOT EXISTS tdb_indexes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tableSeq INTEGER NOT NULL REFERENCES tdb_tables(seq) ON DELETE CASCADE,
  key TEXT NOT NULL, type TEXT NOT NULL, columns TEXT NOT NULL, orders TEXT NOT NULL,
  lengths TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  UNIQUE (tableSeq, key));
`;

interface TableRecord {
  seq: number;
  databaseId: string;
  id: string;
  name: string;
  enabled: number;
  rowSecurity: number;
  permissions: string;
  createdAt: string;
  updatedAt: string;
}

interface IndexRecord {
  seq: number;
  key: string;
  type: IndexInfo['type'];
  columns: string;
  orders: string;
  lengths: string;
  createdAt: string;
  updatedAt: string;
}

/** Body of a table create/update. */
export interface TableInput {
  name?: unknown;
  permissions?: unknown;
  rowSecurity?: unknown;
  enabled?: unknown;
}

/** Body of an index create. */
export interface IndexInput {
  key?: unknown;
  type?: unknown;
  columns?: unknown;
  orders?: unknown;
  lengths?: unknown;
}

/**
 * The registry of databases, tables, columns and indexes, and the DDL that keeps one real SQLite
 * table per Appwrite table in step with it. Column and index changes are synchronous, so creates
 * answer 202 with `status: "available"` at once (Appwrite answers `processing` and finishes in a
 * worker; clients poll until `available`, which they then see on the first poll).
 *
 * Layout per table (seq N): `tdb_rows_N` with `"$sequence" INTEGER PRIMARY KEY AUTOINCREMENT` (never
 * reused, like MariaDB's auto-increment), `"$id" UNIQUE`, `"$createdAt"`, `"$updatedAt"`,
 * `"$permissions"` (a JSON copy for responses) and one typed column per Appwrite column;
 * `tdb_perms_N (seq, action, role)` for row permissions, filtered in SQL; `tdb_idx_N_M` real
 * indexes; `tdb_fts_N_M` FTS5 tables for fulltext indexes, kept in sync by triggers.
 */
export class Schema {
  readonly db: Sql;
  private readonly cache = new Map<string, TableInfo>();
  /** Bumped on every schema change, so callers can drop statements prepared against the old one. */
  version = 0;

  constructor(db: Sql) {
    this.db = db;
    db.exec(REGISTRY);
    narrowFtsUpdateTriggers(db);
    // Appwrite's `regex` query; SQLite calls a user function named regexp for `x REGEXP y`. RE2,
    // not RegExp: a backtracking engine lets one pattern hold the event loop (query-regex.ts).
    db.function('regexp', { deterministic: true }, (pattern, value) =>
      typeof value === 'string' && typeof pattern === 'string' && regexMatches(pattern, value)
        ? 1
        : 0,
    );
  }

  private changed(): void {
    this.cache.clear();
    this.version++;
  }

  // ---- databases -------------------------------------------------------------------------

  /** Creates a database; 409 `database_already_exists` if the id is taken. */
  createDatabase(
    input: { databaseId?: unknown; name?: unknown; enabled?: unknown },
    type: DatabaseInfo['type'],
  ): DatabaseInfo {
    const id = requireId(input.databaseId, 'databaseId');
    const name = requireName(input.name);
    const now = formatDate(new Date());
    const enabled = input.enabled === undefined ? true : requireBool(input.enabled, 'enabled');
    const info: DatabaseInfo = { id, name, enabled, type, createdAt: now, updatedAt: now };
    try {
      this.db
        .prepare(
          'INSERT INTO tdb_databases (id, name, enabled, type, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, name, enabled ? 1 : 0, type, now, now);
    } catch (error) {
      if (isConstraint(error)) {
        throw new AppwriteError('database_already_exists', `Database "${id}" already exists.`);
      }
      throw error;
    }
    return info;
  }

  /** A database by id, or 404 `database_not_found`. */
  getDatabase(id: string): DatabaseInfo {
    const row = this.db.prepare('SELECT * FROM tdb_databases WHERE id = ?').get(id) as
      | (Omit<DatabaseInfo, 'enabled'> & { enabled: number })
      | undefined;
    if (!row) throw new AppwriteError('database_not_found', `Database "${id}" was not found.`);
    return { ...row, enabled: row.enabled === 1 };
  }

  /** All databases, filtered by `queries` and `search`. */
  listDatabases(queries: unknown, search: unknown, total = true) {
    const rows = this.db.prepare('SELECT id FROM tdb_databases ORDER BY rowid').all() as {
      id: string;
    }[];
    const models = rows.map((r) => databaseModel(this.getDatabase(r.id)));
    const page = listMetadata(models, queries, search, '$id', total, LIST_ATTRIBUTES.databases);
    return { total: page.total, databases: page.items };
  }

  /** Renames or enables/disables a database. */
  updateDatabase(id: string, input: { name?: unknown; enabled?: unknown }): DatabaseInfo {
    const info = this.getDatabase(id);
    const name = input.name === undefined ? info.name : requireName(input.name);
    const enabled =
      input.enabled === undefined ? info.enabled : requireBool(input.enabled, 'enabled');
    const now = formatDate(new Date());
    this.db
      .prepare('UPDATE tdb_databases SET name = ?, enabled = ?, updatedAt = ? WHERE id = ?')
      .run(name, enabled ? 1 : 0, now, id);
    this.changed();
    return { ...info, name, enabled, updatedAt: now };
  }

  /** Deletes a database with all its tables and their rows. */
  deleteDatabase(id: string): void {
    this.getDatabase(id);
    this.db.transaction(() => {
      const tables = this.db.prepare('SELECT id FROM tdb_tables WHERE databaseId = ?').all(id) as {
        id: string;
      }[];
      for (const t of tables) this.deleteTable(id, t.id);
      this.db.prepare('DELETE FROM tdb_databases WHERE id = ?').run(id);
    })();
    this.changed();
  }

  // ---- tables ----------------------------------------------------------------------------

  /** Creates a table and its SQLite tables; 409 `table_already_exists` if the id is taken. */
  createTable(databaseId: string, tableId: unknown, input: TableInput): TableInfo {
    this.getDatabase(databaseId);
    const id = requireId(tableId, 'tableId');
    const name = requireName(input.name);
    const permissions = parsePermissions(input.permissions, TABLE_ACTIONS) ?? [];
    const rowSecurity =
      input.rowSecurity === undefined ? false : requireBool(input.rowSecurity, 'rowSecurity');
    const enabled = input.enabled === undefined ? true : requireBool(input.enabled, 'enabled');
    const now = formatDate(new Date());
    this.db.transaction(() => {
      let seq: number;
      try {
        seq = Number(
          this.db
            .prepare(
              `INSERT INTO tdb_tables (databaseId, id, name, enabled, rowSecurity, permissions, createdAt, updatedAt)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              databaseId,
              id,
              name,
              enabled ? 1 : 0,
              rowSecurity ? 1 : 0,
              JSON.stringify(permissions),
              now,
              now,
            ).lastInsertRowid,
        );
      } catch (error) {
        if (isConstraint(error)) {
          throw new AppwriteError('table_already_exists', `Table "${id}" already exists.`);
        }
        throw error;
      }
      const rows = `tdb_rows_${seq}`;
      this.db.exec(`
        CREATE TABLE "${rows}" (
          "$sequence" INTEGER PRIMARY KEY AUTOINCREMENT,
          "$id" TEXT NOT NULL UNIQUE,
          "$createdAt" TEXT NOT NULL,
          "$updatedAt" TEXT NOT NULL,
          "$permissions" TEXT NOT NULL DEFAULT '[]');
        CREATE INDEX "${rows}_created" ON "${rows}" ("$createdAt");
        CREATE INDEX "${rows}_updated" ON "${rows}" ("$updatedAt");
        CREATE TABLE "tdb_perms_${seq}" (
          seq INTEGER NOT NULL REFERENCES "${rows}"("$sequence") ON DELETE CASCADE,
          action TEXT NOT NULL, role TEXT NOT NULL,
          PRIMARY KEY (seq, action, role)) WITHOUT ROWID;
      `);
    })();
    this.changed();
    return this.table(databaseId, id);
  }

  /** The table with its columns and indexes; 404 `database_not_found` / `table_not_found`. */
  table(databaseId: string, tableId: string): TableInfo {
    const cacheKey = `${databaseId}\u0000${tableId}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const database = this.getDatabase(databaseId);
    const record = this.db
      .prepare('SELECT * FROM tdb_tables WHERE databaseId = ? AND id = ?')
      .get(databaseId, tableId) as TableRecord | undefined;
    if (!record) throw new AppwriteError('table_not_found', `Table "${tableId}" was not found.`);
    const columns = (
      this.db
        .prepare('SELECT spec FROM tdb_columns WHERE tableSeq = ? ORDER BY position')
        .all(record.seq) as { spec: string }[]
    ).map((c) => JSON.parse(c.spec) as Column);
    const indexes = (
      this.db
        .prepare('SELECT * FROM tdb_indexes WHERE tableSeq = ? ORDER BY seq')
        .all(record.seq) as IndexRecord[]
    ).map((i) => ({
      ...i,
      columns: JSON.parse(i.columns) as string[],
      orders: JSON.parse(i.orders) as unknown[],
      lengths: JSON.parse(i.lengths) as unknown[],
    }));
    const info: TableInfo = {
      seq: record.seq,
      databaseId,
      databaseEnabled: database.enabled,
      databaseType: database.type,
      id: record.id,
      name: record.name,
      enabled: record.enabled === 1,
      rowSecurity: record.rowSecurity === 1,
      permissions: JSON.parse(record.permissions) as string[],
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      columns,
      indexes,
      rowsTable: `tdb_rows_${record.seq}`,
      permsTable: `tdb_perms_${record.seq}`,
    };
    this.cache.set(cacheKey, info);
    return info;
  }

  /** Tables of a database, filtered by `queries` and `search`. */
  listTables(databaseId: string, queries: unknown, search: unknown, total = true) {
    this.getDatabase(databaseId);
    const ids = this.db
      .prepare('SELECT id FROM tdb_tables WHERE databaseId = ? ORDER BY seq')
      .all(databaseId) as { id: string }[];
    const models = ids.map((r) => tableModel(this.table(databaseId, r.id)));
    const page = listMetadata(models, queries, search, '$id', total, LIST_ATTRIBUTES.tables);
    return { total: page.total, tables: page.items };
  }

  /** Updates a table's name, permissions, rowSecurity or enabled flag. */
  updateTable(databaseId: string, tableId: string, input: TableInput): TableInfo {
    const info = this.table(databaseId, tableId);
    const name = input.name === undefined ? info.name : requireName(input.name);
    const permissions = parsePermissions(input.permissions, TABLE_ACTIONS) ?? info.permissions;
    const rowSecurity =
      input.rowSecurity === undefined
        ? info.rowSecurity
        : requireBool(input.rowSecurity, 'rowSecurity');
    const enabled =
      input.enabled === undefined ? info.enabled : requireBool(input.enabled, 'enabled');
    this.db
      .prepare(
        'UPDATE tdb_tables SET name = ?, permissions = ?, rowSecurity = ?, enabled = ?, updatedAt = ? WHERE seq = ?',
      )
      .run(
        name,
        JSON.stringify(permissions),
        rowSecurity ? 1 : 0,
        enabled ? 1 : 0,
        formatDate(new Date()),
        info.seq,
      );
    this.changed();
    return this.table(databaseId, tableId);
  }

  /** Drops a table, its rows, permissions and indexes. */
  deleteTable(databaseId: string, tableId: string): void {
    const info = this.table(databaseId, tableId);
    this.db.transaction(() => {
      for (const index of info.indexes) {
        if (index.type === 'fulltext')
          this.db.exec(`DROP TABLE IF EXISTS "${ftsTableName(info, index)}"`);
      }
      this.db.exec(
        `DROP TABLE IF EXISTS "${info.permsTable}"; DROP TABLE IF EXISTS "${info.rowsTable}";`,
      );
      this.db.prepare('DELETE FROM tdb_tables WHERE seq = ?').run(info.seq);
    })();
    this.changed();
  }

  // ---- columns ---------------------------------------------------------------------------

  /** Adds a column (`ALTER TABLE ADD COLUMN`); 409 `column_already_exists` on a clash (any case). */
  createColumn(databaseId: string, tableId: string, kind: ColumnKind, input: ColumnInput): Column {
    const info = this.table(databaseId, tableId);
    const column = defineColumn(kind, input, formatDate(new Date()));
    if (info.columns.some((c) => c.key.toLowerCase() === column.key.toLowerCase())) {
      throw new AppwriteError('column_already_exists', `Column "${column.key}" already exists.`);
    }
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO tdb_columns (tableSeq, key, position, spec) VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM tdb_columns WHERE tableSeq = ?), ?)',
        )
        .run(info.seq, column.key, info.seq, JSON.stringify(column));
      this.db.exec(
        `ALTER TABLE "${info.rowsTable}" ADD COLUMN ${ident(column.key)} ${sqlTypeOf(column)}`,
      );
    })();
    this.changed();
    return column;
  }

  /** A column by key, or 404 `column_not_found`. */
  column(databaseId: string, tableId: string, key: string): Column {
    const column = this.table(databaseId, tableId).columns.find((c) => c.key === key);
    if (!column) throw new AppwriteError('column_not_found', `Column "${key}" was not found.`);
    return column;
  }

  /** Columns of a table, filtered by `queries`. */
  listColumns(databaseId: string, tableId: string, queries: unknown, total = true) {
    const models = this.table(databaseId, tableId).columns.map(columnModel);
    const page = listMetadata(models, queries, undefined, 'key', total, LIST_ATTRIBUTES.columns);
    return { total: page.total, columns: page.items };
  }

  /**
   * Updates a column. The route names the kind; a mismatch is 400 `column_type_invalid`. A new key
   * renames the SQL column (SQLite rewrites indexes and triggers) and the index definitions.
   */
  updateColumn(
    databaseId: string,
    tableId: string,
    kind: ColumnKind,
    key: string,
    input: ColumnInput,
  ): Column {
    const info = this.table(databaseId, tableId);
    const old = this.column(databaseId, tableId, key);
    if (old.kind !== kind) {
      throw new AppwriteError('column_type_invalid', `Column "${key}" is not of type ${kind}.`);
    }
    const next = updateColumn(old, input, formatDate(new Date()));
    this.requireFits(info, old, next);
    const renamed = next.key !== old.key;
    if (
      renamed &&
      info.columns.some((c) => c !== old && c.key.toLowerCase() === next.key.toLowerCase())
    ) {
      throw new AppwriteError('column_already_exists', `Column "${next.key}" already exists.`);
    }
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE tdb_columns SET key = ?, spec = ? WHERE tableSeq = ? AND key = ?')
        .run(next.key, JSON.stringify(next), info.seq, old.key);
      if (!renamed) return;
      this.db.exec(
        `ALTER TABLE "${info.rowsTable}" RENAME COLUMN ${ident(old.key)} TO ${ident(next.key)}`,
      );
      for (const index of info.indexes) {
        if (!index.columns.includes(old.key)) continue;
        const columns = index.columns.map((c) => (c === old.key ? next.key : c));
        this.db
          .prepare('UPDATE tdb_indexes SET columns = ? WHERE seq = ?')
          .run(JSON.stringify(columns), index.seq);
        if (index.type === 'fulltext') {
          dropFts(this.db, info, index);
          createFts(this.db, info, { ...index, columns });
        }
      }
    })();
    this.changed();
    return next;
  }

  /**
   * A string column shrunk below a value it holds is 400 `column_invalid_resize`: Appwrite's
   * ALTER fails on the truncation (utopia-php/database MariaDB adapter → TruncateException,
   * Attributes/Action.php updateAttribute). SQLite's length() counts characters, as VARCHAR does.
   */
  private requireFits(info: TableInfo, old: Column, next: Column): void {
    if (old.kind !== 'string' || old.array || next.size === undefined) return;
    if (old.size !== undefined && next.size >= old.size) return;
    const tooLong = this.db
      .prepare(`SELECT 1 FROM "${info.rowsTable}" WHERE length(${ident(old.key)}) > ? LIMIT 1`)
      .get(next.size);
    if (tooLong) {
      throw new AppwriteError(
        'column_invalid_resize',
        `Column "${old.key}" holds values longer than ${next.size} characters; shorten them first.`,
      );
    }
  }

  /** Deletes a column and every index that uses it. */
  deleteColumn(databaseId: string, tableId: string, key: string): void {
    const info = this.table(databaseId, tableId);
    const column = this.column(databaseId, tableId, key);
    this.db.transaction(() => {
      for (const index of info.indexes) {
        if (index.columns.includes(column.key)) this.dropIndex(info, index);
      }
      this.db.exec(`ALTER TABLE "${info.rowsTable}" DROP COLUMN ${ident(column.key)}`);
      this.db
        .prepare('DELETE FROM tdb_columns WHERE tableSeq = ? AND key = ?')
        .run(info.seq, column.key);
    })();
    this.changed();
  }

  // ---- indexes ---------------------------------------------------------------------------

  /**
   * Creates an index: a real SQLite index for `key`/`unique`, an FTS5 table for `fulltext`. A
   * unique index over duplicate values is 400 `column_index_invalid` (Appwrite marks it failed).
   */
  createIndex(databaseId: string, tableId: string, input: IndexInput): IndexInfo {
    const info = this.table(databaseId, tableId);
    if (!isValidKey(input.key)) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `key` param: must be a valid key.',
      );
    }
    const key = input.key;
    if (input.type !== 'key' && input.type !== 'unique' && input.type !== 'fulltext') {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `type` param: must be one of key, unique, fulltext.',
      );
    }
    const type = input.type;
    const columns = input.columns;
    if (
      !Array.isArray(columns) ||
      columns.length === 0 ||
      !columns.every((c) => typeof c === 'string')
    ) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `columns` param: must be a non-empty array of column keys.',
      );
    }
    const orders = input.orders === undefined || input.orders === null ? [] : input.orders;
    if (
      !Array.isArray(orders) ||
      orders.length > columns.length ||
      !orders.every((o) => o === null || o === 'ASC' || o === 'DESC' || o === 'asc' || o === 'desc')
    ) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `orders` param: each must be ASC or DESC.',
      );
    }
    const lengths = input.lengths === undefined || input.lengths === null ? [] : input.lengths;
    if (!Array.isArray(lengths)) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `lengths` param: must be an array.',
      );
    }
    if (info.indexes.some((i) => i.key === key)) {
      throw new AppwriteError('column_index_already_exists', `Index "${key}" already exists.`);
    }
    for (const name of columns as string[]) {
      const column = info.columns.find((c) => c.key === name);
      const system = name === '$id' || name === '$createdAt' || name === '$updatedAt';
      if (!column && !system) {
        throw new AppwriteError('column_unknown', `Unknown column "${name}" in index.`);
      }
      if (
        type === 'fulltext' &&
        (!column || column.array || !['string', 'email', 'url', 'ip', 'enum'].includes(column.kind))
      ) {
        throw new AppwriteError(
          'column_index_invalid',
          `A fulltext index needs string columns; "${name}" is not one.`,
        );
      }
    }
    const now = formatDate(new Date());
    let index!: IndexInfo;
    this.db.transaction(() => {
      const seq = Number(
        this.db
          .prepare(
            `INSERT INTO tdb_indexes (tableSeq, key, type, columns, orders, lengths, createdAt, updatedAt)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            info.seq,
            key,
            type,
            JSON.stringify(columns),
            JSON.stringify(orders),
            JSON.stringify(lengths),
            now,
            now,
          ).lastInsertRowid,
      );
      index = {
        seq,
        key,
        type,
        columns: columns as string[],
        orders,
        lengths,
        createdAt: now,
        updatedAt: now,
      };
      if (type === 'fulltext') {
        createFts(this.db, info, index);
        return;
      }
      // The declared orders are kept and echoed, but the SQLite index is built ascending: SQLite
      // walks an index either way, and every list appends `"$sequence"` (the rowid, implicitly last
      // in each index) in the direction of the last order term, so `equal(a) + orderDesc(b)` on an
      // index (a ASC, b DESC) would need a sort for the rowid while (a, b) read backwards needs none.
      const parts = (columns as string[]).map((c) => ident(c));
      try {
        this.db.exec(
          `CREATE ${type === 'unique' ? 'UNIQUE ' : ''}INDEX "tdb_idx_${info.seq}_${seq}" ON "${info.rowsTable}" (${parts.join(', ')})`,
        );
      } catch (error) {
        if (isConstraint(error)) {
          throw new AppwriteError(
            'column_index_invalid',
            `Index "${key}" cannot be unique: existing rows share values.`,
          );
        }
        throw error;
      }
    })();
    this.changed();
    return index;
  }

  /** An index by key, or 404 `column_index_not_found`. */
  index(databaseId: string, tableId: string, key: string): IndexInfo {
    const index = this.table(databaseId, tableId).indexes.find((i) => i.key === key);
    if (!index) throw new AppwriteError('column_index_not_found', `Index "${key}" was not found.`);
    return index;
  }

  /** Indexes of a table, filtered by `queries`. */
  listIndexes(databaseId: string, tableId: string, queries: unknown, total = true) {
    const models = this.table(databaseId, tableId).indexes.map(indexModel);
    const page = listMetadata(models, queries, undefined, 'key', total, LIST_ATTRIBUTES.indexes);
    return { total: page.total, indexes: page.items };
  }

  /** Deletes an index. */
  deleteIndex(databaseId: string, tableId: string, key: string): void {
    const info = this.table(databaseId, tableId);
    const index = this.index(databaseId, tableId, key);
    this.db.transaction(() => this.dropIndex(info, index))();
    this.changed();
  }

  private dropIndex(info: TableInfo, index: IndexInfo): void {
    if (index.type === 'fulltext') dropFts(this.db, info, index);
    else this.db.exec(`DROP INDEX IF EXISTS "tdb_idx_${info.seq}_${index.seq}"`);
    this.db.prepare('DELETE FROM tdb_indexes WHERE seq = ?').run(index.seq);
  }
}

function requireId(value: unknown, name: string): string {
  const id = typeof value === 'string' ? resolveId(value) : null;
  if (!id) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: use letters, digits, ".", "-", "_" (no leading special), at most 36 characters, or "unique()".`,
    );
  }
  return id;
}

function requireName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `name` param: must be a string of 1 to 128 characters.',
    );
  }
  return value;
}

function requireBool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: must be a boolean.`,
    );
  }
  return value;
}
