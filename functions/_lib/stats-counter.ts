import type { TablesDB } from 'node-appwrite';
import { isStatus } from '#lib/appwrite-errors.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import { type ActivityFields, activityRowId } from '#shared/schemas/activity.ts';
import type { StatsFields } from '#shared/schemas/stats.ts';

const STATS_ZERO: StatsFields = { users: 0, posts: 0, comments: 0, likes: 0 };
const ACTIVITY_ZERO: ActivityFields = { users: 0, posts: 0, comments: 0, likes: 0 };

/** Adds `value` to `column` of one row atomically; the new value, or `null` when the row is missing. */
async function increment(
  tables: TablesDB,
  tableId: string,
  rowId: string,
  column: string,
  value: number,
): Promise<number | null> {
  try {
    const row = await tables.incrementRowColumn({
      databaseId: DATABASE_ID,
      tableId,
      rowId,
      column,
      value,
    });
    return Number((row as Record<string, unknown>)[column] ?? 0);
  } catch (thrown) {
    if (isStatus(thrown, 404)) return null;
    throw thrown;
  }
}

/** Creates a counter row at zero; a concurrent creator's 409 means it exists now. */
async function ensureRow(
  tables: TablesDB,
  tableId: string,
  rowId: string,
  zero: Record<string, number>,
): Promise<void> {
  try {
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId,
      rowId,
      data: zero,
      permissions: [],
    });
  } catch (thrown) {
    if (!isStatus(thrown, 409)) throw thrown;
  }
}

/** Increments, creating the row at zero first when it is missing; the new value. */
async function incrementCreating(
  tables: TablesDB,
  tableId: string,
  rowId: string,
  zero: Record<string, number>,
  column: string,
  value: number,
): Promise<number> {
  const moved = await increment(tables, tableId, rowId, column, value);
  if (moved !== null) return moved;
  await ensureRow(tables, tableId, rowId, zero);
  const again = await increment(tables, tableId, rowId, column, value);
  if (again === null)
    throw new Error(`The ${tableId} row ${rowId} is missing right after it was created.`);
  return again;
}

/**
 * Adds `value` (≥ 0) to a global counter in the `stats` row atomically and returns the new value; a
 * positive `value` is something created now, so today's `activity` row (UTC) counts it too. A missing
 * row (a fresh project, a new day) is created at zero first — a concurrent creator's 409 means it
 * exists now. Not retried: a lost answer to an increment would count twice.
 *
 * A delete moves `stats` down elsewhere (`decrementRowColumn`) and leaves `activity` alone: a day's
 * row says what was created that day.
 */
export async function incrementStat(
  tables: TablesDB,
  column: keyof StatsFields,
  value: number,
  now: Date = new Date(),
): Promise<number> {
  if (value < 0) throw new Error('incrementStat adds; move a counter down with a decrement.');
  const [total] = await Promise.all([
    incrementCreating(tables, TableId.stats, STATS_ROW_ID, STATS_ZERO, column, value),
    value > 0 ? recordActivity(tables, column, value, now) : undefined,
  ]);
  return total;
}

/** Adds `value` to `column` of the `activity` row of `now`'s UTC day, creating the row when missing. */
export async function recordActivity(
  tables: TablesDB,
  column: keyof ActivityFields,
  value: number,
  now: Date = new Date(),
): Promise<number> {
  return incrementCreating(
    tables,
    TableId.activity,
    activityRowId(now),
    ACTIVITY_ZERO,
    column,
    value,
  );
}

/**
 * Creates the `stats` row at zero when a fresh project has none yet; a concurrent creator's 409 means
 * it exists now. Every function that moves a global counter calls this after a 404, then retries.
 */
export async function ensureStatsRow(tables: TablesDB): Promise<void> {
  await ensureRow(tables, TableId.stats, STATS_ROW_ID, STATS_ZERO);
}

/** Creates the `activity` row of `now`'s UTC day at zero when it is missing (a new day). */
export async function ensureActivityRow(tables: TablesDB, now: Date = new Date()): Promise<void> {
  await ensureRow(tables, TableId.activity, activityRowId(now), ACTIVITY_ZERO);
}
