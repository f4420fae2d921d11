import { AppwriteException, type TablesDB } from 'node-appwrite';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import type { StatsFields } from '#shared/schemas/stats.ts';

const STATS_ZERO: StatsFields = { users: 0, posts: 0, comments: 0, likes: 0 };

function isStatus(thrown: unknown, code: number): boolean {
  return thrown instanceof AppwriteException && thrown.code === code;
}

async function increment(tables: TablesDB, column: keyof StatsFields, value: number) {
  try {
    const row = await tables.incrementRowColumn({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
      column,
      value,
    });
    return Number((row as Record<string, unknown>)[column] ?? 0);
  } catch (thrown) {
    if (isStatus(thrown, 404)) return null;
    throw thrown;
  }
}

/**
 * Adds `value` (≥ 0) to a global counter in the `stats` row atomically and returns the new value.
 * A missing row (a fresh project) is created at zero first — a concurrent creator's 409 means it
 * exists now. Not retried: a lost answer to an increment would count twice.
 */
export async function incrementStat(
  tables: TablesDB,
  column: keyof StatsFields,
  value: number,
): Promise<number> {
  const moved = await increment(tables, column, value);
  if (moved !== null) return moved;
  await ensureStatsRow(tables);
  const again = await increment(tables, column, value);
  if (again === null) throw new Error('The stats row is missing right after it was created.');
  return again;
}

/**
 * Creates the `stats` row at zero when a fresh project has none yet; a concurrent creator's 409 means
 * it exists now. Every function that moves a global counter calls this after a 404, then retries.
 */
export async function ensureStatsRow(tables: TablesDB): Promise<void> {
  try {
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
      data: STATS_ZERO,
      permissions: [],
    });
  } catch (thrown) {
    if (!isStatus(thrown, 409)) throw thrown;
  }
}
