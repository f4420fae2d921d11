import type { Sql } from '../platform/db.ts';
import { ident } from '../platform/sql-text.ts';
import type { IndexInfo, TableInfo } from './schema-types.ts';

/*
 * Fulltext indexes as SQLite FTS5 tables: one external-content FTS5 table per fulltext index,
 * kept in step with the row table by triggers, and the translation of Appwrite's `search` term.
 */

/** The SQLite name of a fulltext index's FTS5 table. */
export function ftsTableName(table: TableInfo, index: IndexInfo): string {
  return `tdb_fts_${table.seq}_${index.seq}`;
}

/**
 * An external-content FTS5 table over the row table, so the text is stored once; triggers keep
 * it in step on insert, update and delete, and `rebuild` indexes the rows already there. The update
 * trigger fires only when an indexed column is written: a counter moving on a row with long text
 * (a post's likes) re-indexed that text on every change before.
 */
export function createFts(db: Sql, info: TableInfo, index: IndexInfo): void {
  const fts = ftsTableName(info, index);
  const cols = index.columns.map(ident).join(', ');
  const newCols = index.columns.map((c) => `new.${ident(c)}`).join(', ');
  const oldCols = index.columns.map((c) => `old.${ident(c)}`).join(', ');
  const rows = info.rowsTable;
  db.exec(`
    CREATE VIRTUAL TABLE "${fts}" USING fts5(${cols}, content='${rows}', content_rowid='$sequence');
    CREATE TRIGGER "${fts}_ai" AFTER INSERT ON "${rows}" BEGIN
      INSERT INTO "${fts}" (rowid, ${cols}) VALUES (new."$sequence", ${newCols});
    END;
    CREATE TRIGGER "${fts}_ad" AFTER DELETE ON "${rows}" BEGIN
      INSERT INTO "${fts}" ("${fts}", rowid, ${cols}) VALUES ('delete', old."$sequence", ${oldCols});
    END;
    CREATE TRIGGER "${fts}_au" AFTER UPDATE OF ${cols} ON "${rows}" BEGIN
      INSERT INTO "${fts}" ("${fts}", rowid, ${cols}) VALUES ('delete', old."$sequence", ${oldCols});
      INSERT INTO "${fts}" (rowid, ${cols}) VALUES (new."$sequence", ${newCols});
    END;
    INSERT INTO "${fts}" ("${fts}") VALUES ('rebuild');
  `);
}

/**
 * Gives the update triggers of fulltext indexes made before `createFts` named their columns
 * (`AFTER UPDATE ON`, firing on any column) the column list, so an older data folder re-indexes
 * text only when it changes too. The columns are the FTS5 table's own. Run once when the schema
 * opens; a trigger already in the new form is left alone.
 */
export function narrowFtsUpdateTriggers(db: Sql): void {
  const triggers = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tdb?_fts?_%' ESCAPE '?'`,
    )
    .all() as { name: string; sql: string }[];
  const old = triggers.filter((t) => t.name.endsWith('_au') && t.sql.includes('AFTER UPDATE ON '));
  for (const { name, sql } of old) {
    const fts = name.slice(0, -'_au'.length);
    const columns = (db.prepare(`PRAGMA table_info("${fts}")`).all() as { name: string }[]).map(
      (c) => ident(c.name),
    );
    if (columns.length === 0) continue;
    db.transaction(() => {
      db.exec(`DROP TRIGGER "${name}"`);
      db.exec(sql.replace('AFTER UPDATE ON ', `AFTER UPDATE OF ${columns.join(', ')} ON `));
    })();
  }
}

/** Drops a fulltext index's FTS5 table and its triggers. */
export function dropFts(db: Sql, info: TableInfo, index: IndexInfo): void {
  const fts = ftsTableName(info, index);
  db.exec(`
    DROP TRIGGER IF EXISTS "${fts}_ai"; DROP TRIGGER IF EXISTS "${fts}_ad";
    DROP TRIGGER IF EXISTS "${fts}_au"; DROP TABLE IF EXISTS "${fts}";
  `);
}

/**
 * Turns a search term into an FTS5 query the way Appwrite's MariaDB adapter treats one in boolean
 * mode: words (letters and digits) any of which may match, the last one also as a prefix. Every
 * word is quoted, so FTS5 syntax in the input is inert.
 */
export function ftsMatch(term: string, column: string | null): string | null {
  const words = term.match(/[\p{L}\p{N}_]+/gu);
  if (!words || words.length === 0) return null;
  const parts = words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`);
  const body = parts.join(' OR ');
  return column === null ? body : `{${ftsColumn(column)}} : (${body})`;
}

function ftsColumn(key: string): string {
  return `"${key.replaceAll('"', '""')}"`;
}
