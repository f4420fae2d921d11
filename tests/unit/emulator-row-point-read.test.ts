import { Query } from 'node-appwrite';
import { expect, test } from 'vitest';
import { freshData, who } from '../support/emulator-data.ts';

/**
 * `rows.get` reads one row through a statement prepared once per table (core/tablesdb/rows.ts
 * `pointRead`), which names the table's columns by position. A schema change must give it a new
 * statement: reused, a dropped column would shift every value after it, and an added one would be
 * missing.
 */
test('a point read follows the columns after one is dropped and one is added', () => {
  const { schema, rows } = freshData();
  schema.createTable('main', 'notes', { name: 'notes', permissions: ['read("users")'] });
  schema.createColumn('main', 'notes', 'string', { key: 'a', size: 20 });
  schema.createColumn('main', 'notes', 'string', { key: 'b', size: 20 });
  schema.createColumn('main', 'notes', 'integer', { key: 'c' });
  rows.create(who.key, 'main', 'notes', 'n1', { a: 'first', b: 'second', c: 3 }, undefined);
  const read = () => rows.get(who.key, 'main', 'notes', 'n1');
  expect(read()).toMatchObject({ $id: 'n1', a: 'first', b: 'second', c: 3 });

  schema.deleteColumn('main', 'notes', 'b');
  const afterDrop = read();
  expect(afterDrop).toMatchObject({ a: 'first', c: 3 });
  expect(afterDrop).not.toHaveProperty('b');

  schema.createColumn('main', 'notes', 'string', { key: 'd', size: 20 });
  rows.update(who.key, 'main', 'notes', 'n1', { d: 'fourth' }, undefined);
  expect(read()).toMatchObject({ a: 'first', c: 3, d: 'fourth' });
});

test('a point read answers what the filtered read answers, key order included', () => {
  const { schema, rows } = freshData();
  schema.createTable('main', 'notes', {
    name: 'notes',
    permissions: ['read("users")'],
    rowSecurity: true,
  });
  schema.createColumn('main', 'notes', 'string', { key: 'title', size: 20 });
  schema.createColumn('main', 'notes', 'integer', { key: 'n' });
  schema.createColumn('main', 'notes', 'boolean', { key: 'done' });
  rows.create(who.key, 'main', 'notes', 'n1', { title: 'x', n: 1, done: true }, [
    'read("user:other")',
  ]);
  // The key takes the point read; `other` (no table grant, a row grant) the permission-filtered one.
  const viaKey = rows.get(who.key, 'main', 'notes', 'n1');
  const viaGrant = rows.get(who.other, 'main', 'notes', 'n1');
  expect(JSON.stringify(viaKey)).toBe(JSON.stringify(viaGrant));
  const selected = [Query.select(['title'])];
  expect(JSON.stringify(rows.get(who.key, 'main', 'notes', 'n1', selected))).toBe(
    JSON.stringify(rows.get(who.other, 'main', 'notes', 'n1', selected)),
  );
});
