import type { Sql } from './db.ts';

/**
 * A small SQLite table of JSON documents keyed by id, with an indexed `parent` column (a function's
 * id for deployments, variables and executions; '' for project-level things) and an indexed `tag`
 * (an execution's status, so the clock finds scheduled ones without reading every execution). Functions, deployments,
 * variables, executions, proxy rules and webhooks are a handful of rows each with nested lists, so a
 * JSON column is simpler than a column per field and costs nothing at this size. Executions, the one
 * table that grows, are read by `parent` through the index — a function's executions, all of them —
 * then filtered by permission and paged in memory (core/functions/executions.ts `list`): fine for a
 * local server's history, linear in a function's executions.
 */
export class DocTable<T extends { $id: string }> {
  readonly #db: Sql;
  readonly #name: string;
  readonly #get;
  readonly #put;
  readonly #delete;
  readonly #byParent;
  readonly #byTag;

  constructor(db: Sql, name: string) {
    this.#db = db;
    this.#name = name;
    db.exec(`CREATE TABLE IF NOT EXISTS "${name}" (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      parent TEXT NOT NULL DEFAULT '',
      tag TEXT NOT NULL DEFAULT '',
      doc TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX IF NOT EXISTS "${name}_parent" ON "${name}" (parent, seq)`);
    db.exec(`CREATE INDEX IF NOT EXISTS "${name}_tag" ON "${name}" (tag, seq)`);
    this.#get = db.prepare(`SELECT doc FROM "${name}" WHERE id = ?`);
    this.#put = db.prepare(
      `INSERT INTO "${name}" (id, parent, tag, doc) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET parent = excluded.parent, tag = excluded.tag, doc = excluded.doc`,
    );
    this.#delete = db.prepare(`DELETE FROM "${name}" WHERE id = ?`);
    this.#byParent = db.prepare(`SELECT doc FROM "${name}" WHERE parent = ? ORDER BY seq`);
    this.#byTag = db.prepare(`SELECT doc FROM "${name}" WHERE tag = ? ORDER BY seq`);
  }

  /** The document with this id, or `null`. */
  get(id: string): T | null {
    const row = this.#get.get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  /** Inserts or replaces a document (its creation order is kept on replace). */
  put(doc: T, parent = '', tag = ''): T {
    this.#put.run(doc.$id, parent, tag, JSON.stringify(doc));
    return doc;
  }

  /** Deletes a document; true when there was one. */
  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0;
  }

  /** Every document under a parent, oldest first. */
  byParent(parent: string): T[] {
    return (this.#byParent.all(parent) as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);
  }

  /** Every document with a tag, oldest first. */
  byTag(tag: string): T[] {
    return (this.#byTag.all(tag) as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);
  }

  /** Every document, oldest first. */
  all(): T[] {
    return (
      this.#db.prepare(`SELECT doc FROM "${this.#name}" ORDER BY seq`).all() as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as T);
  }

  /** Deletes every document under a parent. */
  deleteByParent(parent: string): void {
    this.#db.prepare(`DELETE FROM "${this.#name}" WHERE parent = ?`).run(parent);
  }
}
