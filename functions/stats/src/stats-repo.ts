import { type Client, Query, TablesDB } from 'node-appwrite';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import type { ActivityFields } from '#shared/schemas/activity.ts';
import type { StatsFields, TopPost } from '#shared/schemas/stats.ts';

/**
 * What the `stats` function reads. Three reads whose cost does not depend on how many rows the board
 * has: one row by id, the first 5 rows of the `top` index, and at most 14 rows by id. The unit tests
 * use an in-memory implementation of the same interface.
 */
export interface StatsRepo {
  /** The `global` row's counters, or `null` before anything was ever counted. */
  getTotals(): Promise<StatsFields | null>;
  /** The `limit` posts with the most likes, most liked first (the `top` index on `likesCount`). */
  topPosts(limit: number): Promise<TopPost[]>;
  /** The `activity` rows among `rowIds` that exist, by row id. */
  activityRows(rowIds: readonly string[]): Promise<Map<string, ActivityFields>>;
}

const TOP_POST_COLUMNS = ['$id', '$createdAt', 'title', 'authorId', 'likesCount', 'commentsCount'];

function numberOf(row: Record<string, unknown>, column: string): number {
  return Number(row[column] ?? 0);
}

function countersOf(row: Record<string, unknown>): StatsFields {
  return {
    users: numberOf(row, 'users'),
    posts: numberOf(row, 'posts'),
    comments: numberOf(row, 'comments'),
    likes: numberOf(row, 'likes'),
  };
}

/** The repository over `node-appwrite`, with the execution's client. Every read retries transient failures. */
export function createStatsRepo(client: Client): StatsRepo {
  const tables = new TablesDB(client);
  const databaseId = DATABASE_ID;
  return {
    async getTotals() {
      // A list by id rather than getRow: a missing row is an empty page, not a 404 to catch.
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.stats,
          queries: [Query.equal('$id', STATS_ROW_ID), Query.limit(1)],
          total: false,
        }),
      );
      const row = list.rows[0];
      return row ? countersOf(row as unknown as Record<string, unknown>) : null;
    },
    async topPosts(limit) {
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.posts,
          queries: [
            Query.orderDesc('likesCount'),
            Query.limit(limit),
            Query.select(TOP_POST_COLUMNS),
          ],
          total: false,
        }),
      );
      return list.rows.map((raw) => {
        const row = raw as unknown as Record<string, unknown>;
        return {
          $id: String(row.$id),
          title: String(row.title ?? ''),
          authorId: String(row.authorId ?? ''),
          likesCount: numberOf(row, 'likesCount'),
          commentsCount: numberOf(row, 'commentsCount'),
          $createdAt: String(row.$createdAt),
        };
      });
    },
    async activityRows(rowIds) {
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.activity,
          queries: [Query.equal('$id', [...rowIds]), Query.limit(rowIds.length)],
          total: false,
        }),
      );
      return new Map(
        list.rows.map((row) => [row.$id, countersOf(row as unknown as Record<string, unknown>)]),
      );
    },
  };
}
