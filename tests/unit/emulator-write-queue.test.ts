import { expect, test } from 'vitest';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { WriteQueue } from '../../emulator/core/tablesdb/write-queue.ts';

test('writes queued in one turn share a transaction, and a failing one rolls back alone', async () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  const queue = new WriteQueue(db);
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  let inTransaction = 0;
  const write = (v: string) =>
    queue.run(() => {
      if (db.inTransaction) inTransaction++;
      return Number(insert.run(v).lastInsertRowid);
    });
  const results = await Promise.allSettled([
    write('a'),
    write('b'),
    queue.run(() => {
      insert.run('c');
      throw new Error('boom');
    }),
    write('a'), // unique violation
    write('d'),
  ]);
  expect(results.map((r) => r.status)).toEqual([
    'fulfilled',
    'fulfilled',
    'rejected',
    'rejected',
    'fulfilled',
  ]);
  expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['a', 'b', 'd']);
  expect(inTransaction).toBe(4);
});

test('nothing runs before the batch and every promise settles after its commit', async () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  const queue = new WriteQueue(db);
  const pending = queue.run(() => db.prepare('INSERT INTO t VALUES (?)').run('x').changes);
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
  expect(await pending).toBe(1);
  expect(db.inTransaction).toBe(false);
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1);
});
