import { Query } from 'node-appwrite';
import { expect, test } from 'vitest';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { EventBus } from '../../emulator/core/platform/events.ts';
import { openTablesDB } from '../../emulator/core/tablesdb/service.ts';
import { freshData, who } from '../support/emulator-data.ts';

/** A table with a fulltext index on `title` and a counter beside it, with one row. */
function postsTable(data = freshData()) {
  const { schema, rows } = data;
  schema.createTable('main', 'posts', { name: 'posts' });
  schema.createColumn('main', 'posts', 'string', { key: 'title', size: 200 });
  schema.createColumn('main', 'posts', 'integer', { key: 'likes', default: 0 });
  schema.createIndex('main', 'posts', { key: 'ft', type: 'fulltext', columns: ['title'] });
  rows.create(who.key, 'main', 'posts', 'p1', { title: 'apples and pears', likes: 0 }, undefined);
  const fts = `tdb_fts_${schema.table('main', 'posts').seq}_${schema.table('main', 'posts').indexes[0]?.seq}`;
  /** Segments the FTS5 table holds: every re-indexing writes one. */
  const segments = () =>
    (schema.db.prepare(`SELECT count(*) AS n FROM "${fts}_data"`).get() as { n: number }).n;
  const found = (term: string) =>
    rows.list(who.key, 'main', 'posts', [Query.search('title', term)]).rows.map((r) => r.$id);
  return { data, segments, found, fts };
}

test('a counter moving on a row does not re-index its text; changing the text does', () => {
  const { data, segments, found } = postsTable();
  const before = segments();
  data.rows.increment(who.key, 'main', 'posts', 'p1', 'likes', 1, undefined, 'up');
  data.rows.update(who.key, 'main', 'posts', 'p1', { likes: 5 }, undefined);
  expect(segments()).toBe(before);
  expect(found('apples')).toEqual(['p1']);

  data.rows.update(who.key, 'main', 'posts', 'p1', { title: 'plums only' }, undefined);
  expect(segments()).toBeGreaterThan(before);
  expect(found('apples')).toEqual([]);
  expect(found('plums')).toEqual(['p1']);
});

test('a data folder whose update trigger fires on any column gets it narrowed when opened', () => {
  const db = openDatabase(':memory:');
  const first = openTablesDB(db, new EventBus());
  first.schema.createDatabase({ databaseId: 'main', name: 'main' }, 'tablesdb');
  const { fts, segments } = postsTable(first);
  // As an older version made it: AFTER UPDATE ON, for every column.
  const { sql } = db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(`${fts}_au`) as {
    sql: string;
  };
  db.exec(`DROP TRIGGER "${fts}_au"`);
  db.exec(sql.replace(/AFTER UPDATE OF .* ON /, 'AFTER UPDATE ON '));

  const reopened = openTablesDB(db, new EventBus());
  const before = segments();
  reopened.rows.increment(who.key, 'main', 'posts', 'p1', 'likes', 1, undefined, 'up');
  expect(segments()).toBe(before);
  reopened.rows.update(who.key, 'main', 'posts', 'p1', { title: 'plums only' }, undefined);
  expect(
    reopened.rows.list(who.key, 'main', 'posts', [Query.search('title', 'plums')]).rows.length,
  ).toBe(1);
});
