import { AppwriteException, type TablesDB } from 'node-appwrite';
import { describe, expect, test } from 'vitest';
import { incrementStat, recordActivity } from '../../../functions/_lib/stats-counter.ts';
import { STATS_ROW_ID, TableId } from '../../../shared/ids.ts';

/**
 * `incrementStat` keeps the `stats` row and today's `activity` row, against an in-memory TablesDB
 * that answers as Appwrite does where the counter depends on it: 404 for an increment of a missing
 * row, 409 for a second create of one id.
 */

class FakeTables {
  readonly rows = new Map<string, Record<string, number>>();
  readonly calls: string[] = [];
  /** Ids whose create a concurrent writer wins: the row appears and this create gets a 409. */
  readonly racedCreates = new Set<string>();

  async incrementRowColumn(p: { tableId: string; rowId: string; column: string; value: number }) {
    this.calls.push(`increment ${p.tableId}/${p.rowId}.${p.column}+${p.value}`);
    const row = this.rows.get(`${p.tableId}/${p.rowId}`);
    if (!row) throw new AppwriteException('Row not found', 404, 'row_not_found');
    row[p.column] = (row[p.column] ?? 0) + p.value;
    return { $id: p.rowId, ...row };
  }

  async createRow(p: { tableId: string; rowId: string; data: Record<string, number> }) {
    const key = `${p.tableId}/${p.rowId}`;
    this.calls.push(`create ${key}`);
    if (this.racedCreates.delete(key)) this.rows.set(key, { ...p.data });
    if (this.rows.has(key)) throw new AppwriteException('Row exists', 409, 'row_already_exists');
    this.rows.set(key, { ...p.data });
    return { $id: p.rowId, ...p.data };
  }

  get asTables(): TablesDB {
    return this as unknown as TablesDB;
  }
}

const NOV_29 = new Date('2026-11-29T23:59:59.999Z');
const NOV_30 = new Date('2026-11-30T00:00:00.000Z');

describe('incrementStat', () => {
  test('a fresh project: stats and the day row are made at zero, then counted', async () => {
    const tables = new FakeTables();
    expect(await incrementStat(tables.asTables, 'posts', 1, NOV_29)).toBe(1);
    expect(tables.rows.get(`${TableId.stats}/${STATS_ROW_ID}`)).toEqual({
      users: 0,
      posts: 1,
      comments: 0,
      likes: 0,
    });
    expect(tables.rows.get(`${TableId.activity}/d20261129`)).toEqual({
      users: 0,
      posts: 1,
      comments: 0,
      likes: 0,
    });
  });

  test('each UTC day has its own row; the total keeps adding up', async () => {
    const tables = new FakeTables();
    await incrementStat(tables.asTables, 'likes', 2, NOV_29);
    expect(await incrementStat(tables.asTables, 'likes', 3, NOV_30)).toBe(5);
    expect(tables.rows.get(`${TableId.activity}/d20261129`)?.likes).toBe(2);
    expect(tables.rows.get(`${TableId.activity}/d20261130`)?.likes).toBe(3);
  });

  test('a concurrent creator of the day row (409) does not lose this count', async () => {
    const tables = new FakeTables();
    await incrementStat(tables.asTables, 'users', 1, NOV_29);
    tables.racedCreates.add(`${TableId.activity}/d20261130`);
    await incrementStat(tables.asTables, 'users', 1, NOV_30);
    expect(tables.rows.get(`${TableId.activity}/d20261130`)?.users).toBe(1);
    expect(tables.rows.get(`${TableId.stats}/${STATS_ROW_ID}`)?.users).toBe(2);
  });

  test('adding 0 moves nothing and writes no activity', async () => {
    const tables = new FakeTables();
    await incrementStat(tables.asTables, 'comments', 1, NOV_29);
    tables.calls.length = 0;
    expect(await incrementStat(tables.asTables, 'comments', 0, NOV_29)).toBe(1);
    expect(tables.calls.filter((c) => c.includes(TableId.activity))).toEqual([]);
  });

  test('a negative value is refused before any write (deletes decrement instead)', async () => {
    const tables = new FakeTables();
    await expect(incrementStat(tables.asTables, 'posts', -1, NOV_29)).rejects.toThrow(/decrement/);
    expect(tables.calls).toEqual([]);
  });

  test('another failure than 404 is not swallowed', async () => {
    const tables = new FakeTables();
    tables.incrementRowColumn = async () => {
      throw new AppwriteException('Server error', 500, 'general_server_error');
    };
    await expect(incrementStat(tables.asTables, 'posts', 1, NOV_29)).rejects.toThrow(
      'Server error',
    );
    expect(tables.calls.filter((c) => c.startsWith('create'))).toEqual([]);
  });
});

describe('recordActivity', () => {
  test('counts into the row of the UTC day, not the local one', async () => {
    const tables = new FakeTables();
    await recordActivity(tables.asTables, 'posts', 1, new Date('2026-11-29T23:30:00-05:00'));
    expect([...tables.rows.keys()]).toEqual([`${TableId.activity}/d20261130`]);
  });
});
