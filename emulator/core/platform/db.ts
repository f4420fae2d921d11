import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
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
