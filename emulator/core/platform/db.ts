import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database, { type Statement } from 'better-sqlite3';
import { FILE_MODE } from './private-files.ts';

/** The SQLite handle every core module shares. */
export type Sql = Database.Database;

/**
 * Opens the data file with the settings a server needs: WAL so readers never wait on the writer,
 * `synchronous = NORMAL` (durable at each checkpoint, and an acknowledged write survives a process
 * kill because WAL appends reach the OS before we answer), and a busy timeout for the rare case of a
 * second process (a test, a CLI) touching the same file. `:memory:` is accepted for unit tests.
 *
 * The file holds the JWT signing secret, the token key and function variables in plain text, so it
 * is created 0600 before SQLite opens it: SQLite gives its `-wal` and `-shm` files the database
 * file's mode, whatever the umask. A file from an older version is tightened the same way.
 */
export function openDatabase(file: string): Sql {
  if (file !== ':memory:' && file !== '') {
    closeSync(openSync(file, 'a', FILE_MODE));
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      if (existsSync(path)) chmodSync(path, FILE_MODE);
    }
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** How many statements a `StatementCache` keeps; the SQL it is given is the code's own. */
export const MAX_CACHED_STATEMENTS = 256;

/**
 * Prepared statements of one handle, each prepared on first use and then reused: preparing parses
 * the SQL and costs more than the small indexed read or write it runs (5% of the server's time over
 * a run of likes, where the transaction store prepared each statement per call). For fixed SQL on
 * tables whose columns do not change (`SELECT *` keeps the columns it was prepared with); a row
 * table's statements are rows.ts's, which drops them when the schema changes. Bounded: past
 * `MAX_CACHED_STATEMENTS` it empties and refills. Not for `iterate()`, which holds its statement
 * until the iteration ends. A store makes its own (there is no cache shared through the handle).
 */
export class StatementCache {
  readonly #db: Sql;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Sql) {
    this.#db = db;
  }

  /** The prepared statement for `sql`. */
  get(sql: string): Statement {
    let found = this.#statements.get(sql);
    if (!found) {
      found = this.#db.prepare(sql);
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) this.#statements.clear();
      this.#statements.set(sql, found);
    }
    return found;
  }

  /** How many statements it holds (tests check the bound). */
  get size(): number {
    return this.#statements.size;
  }
}

/** Runs a function in a transaction: see `transactionRunner`. */
export type Transact = <T>(fn: () => T) => T;

/**
 * A function that runs `fn` in a SQLite transaction on `db`, or in a savepoint inside one already
 * open, and returns what it returns; a throw rolls back (to the savepoint) and is rethrown.
 * better-sqlite3's `db.transaction(fn)` does the same but builds four wrapper functions on every
 * call; a store makes one runner when it is built and calls it for every write.
 */
export function transactionRunner(db: Sql): Transact {
  const run = db.transaction((body: () => unknown) => body());
  return <T>(fn: () => T) => run(fn) as T;
}
