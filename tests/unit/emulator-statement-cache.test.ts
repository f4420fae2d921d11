import { expect, test } from 'vitest';
import {
  MAX_CACHED_STATEMENTS,
  openDatabase,
  StatementCache,
  transactionRunner,
} from '../../emulator/core/platform/db.ts';

test('a statement is prepared once and reused', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const statements = new StatementCache(db);
  const first = statements.get('SELECT v FROM t WHERE id = ?');
  expect(statements.get('SELECT v FROM t WHERE id = ?')).toBe(first);
  expect(statements.size).toBe(1);
});

test('the statement cache stays within its bound however many distinct statements it is asked for', () => {
  const statements = new StatementCache(openDatabase(':memory:'));
  for (let i = 0; i < MAX_CACHED_STATEMENTS * 3; i++) {
    expect(statements.get(`SELECT ${i} AS n`).get()).toEqual({ n: i });
    expect(statements.size).toBeLessThanOrEqual(MAX_CACHED_STATEMENTS);
  }
});

test('a transaction runner commits, nests as a savepoint that rolls back alone, and rolls back on a throw', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (v TEXT NOT NULL UNIQUE)');
  const transact = transactionRunner(db);
  const insert = (v: string) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  const values = () =>
    (db.prepare('SELECT v FROM t ORDER BY v').all() as { v: string }[]).map((r) => r.v);
  const result = transact(() => {
    insert('a');
    expect(() =>
      transact(() => {
        insert('b');
        insert('a'); // unique violation: undoes 'b' only
      }),
    ).toThrow();
    insert('c');
    return 'done';
  });
  expect(result).toBe('done');
  expect(values()).toEqual(['a', 'c']);
  expect(() =>
    transact(() => {
      insert('d');
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(values()).toEqual(['a', 'c']);
  expect(db.inTransaction).toBe(false);
});
