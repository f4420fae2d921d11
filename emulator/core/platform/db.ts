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

/** How many statements `statement` keeps per handle; the SQL it is given is the code's own. */
export const MAX_CACHED_STATEMENTS = 256;

const statementCaches = new WeakMap<Sql, Map<string, Statement>>();

/**
 * The prepared statement for `sql` on `db`, prepared on first use and then reused: preparing parses
 * the SQL and costs more than the small indexed read or write it runs (5% of the server's time over
 * a run of likes, where the transaction store prepared each statement per call). For fixed SQL on
 * tables whose columns do not change (`SELECT *` would keep the columns it was prepared with);
 * a row table's statements are rows.ts's, which drops them when the schema changes. Bounded: past
 * `MAX_CACHED_STATEMENTS` the cache empties and refills. Not for `iterate()`, which holds its
 * statement until the iteration ends.
 */
export function statement(db: Sql, sql: string): Statement {
  let cache = statementCaches.get(db);
  if (!cache) {
    cache = new Map();
    statementCaches.set(db, cache);
  }
  let found = cache.get(sql);
  if (!found) {
    found = db.prepare(sql);
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    cache.set(sql, found);
  }
  return found;
}

/** How many statements `statement` holds for `db` (tests check the bound). */
export function cachedStatementCount(db: Sql): number {
  return statementCaches.get(db)?.size ?? 0;
}

const transactionRunners = new WeakMap<Sql, (fn: () => unknown) => unknown>();

/**
 * Runs `fn` in a SQLite transaction, or in a savepoint inside one already open, and returns what it
 * returns; a throw rolls back (to the savepoint) and is rethrown. better-sqlite3's
 * `db.transaction(fn)` does the same but builds four wrapper functions on every call; this wraps
 * once per handle.
 */
export function transact<T>(db: Sql, fn: () => T): T {
  let run = transactionRunners.get(db);
  if (!run) {
    run = db.transaction((body: () => unknown) => body());
    transactionRunners.set(db, run);
  }
  return run(fn) as T;
}
