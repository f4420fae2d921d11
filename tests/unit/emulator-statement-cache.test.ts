import { expect, test } from 'vitest';
import {
  cachedStatementCount,
  MAX_CACHED_STATEMENTS,
  openDatabase,
  statement,
  transact,
} from '../../emulator/core/platform/db.ts';

test('a statement is prepared once per handle and reused', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const first = statement(db, 'SELECT v FROM t WHERE id = ?');
  expect(statement(db, 'SELECT v FROM t WHERE id = ?')).toBe(first);
  expect(statement(openDatabase(':memory:'), 'SELECT 1')).not.toBe(statement(db, 'SELECT 1'));
});

test('the statement cache stays within its bound however many distinct statements it is asked for', () => {
  const db = openDatabase(':memory:');
  for (let i = 0; i < MAX_CACHED_STATEMENTS * 3; i++) {
    expect(statement(db, `SELECT ${i} AS n`).get()).toEqual({ n: i });
    expect(cachedStatementCount(db)).toBeLessThanOrEqual(MAX_CACHED_STATEMENTS);
  }
});

test('transact commits, nests as a savepoint that rolls back alone, and rolls back on a throw', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (v TEXT NOT NULL UNIQUE)');
  const insert = (v: string) => statement(db, 'INSERT INTO t (v) VALUES (?)').run(v);
  const values = () =>
    (statement(db, 'SELECT v FROM t ORDER BY v').all() as { v: string }[]).map((r) => r.v);
  const result = transact(db, () => {
    insert('a');
    expect(() =>
      transact(db, () => {
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
    transact(db, () => {
      insert('d');
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(values()).toEqual(['a', 'c']);
  expect(db.inTransaction).toBe(false);
});
