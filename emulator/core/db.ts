import Database from 'better-sqlite3';

/** The SQLite handle every core module shares. */
export type Sql = Database.Database;

/**
 * Opens the data file with the settings a server needs: WAL so readers never wait on the writer,
 * `synchronous = NORMAL` (durable at each checkpoint, and an acknowledged write survives a process
 * kill because WAL appends reach the OS before we answer), and a busy timeout for the rare case of a
 * second process (a test, a CLI) touching the same file. `:memory:` is accepted for unit tests.
 */
export function openDatabase(file: string): Sql {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
