import { Query } from 'appwrite';
import { Channel } from '#shared/channels.ts';
import { FunctionId, Route } from '#shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import { Post } from '#shared/schemas/post.ts';
import { Profile } from '#shared/schemas/profile.ts';
import {
  type ActivityDay,
  type DashboardStats,
  Stats,
  type StatsFields,
} from '#shared/schemas/stats.ts';
import { tables } from './appwrite.ts';
import { callFunction } from './call-function.ts';
import { subscribe } from './realtime.svelte.ts';

/**
 * Where each dashboard card gets its figures. Each reads a different source, so one broken source
 * breaks one card: totals from the `stats` row (O(1), live over Realtime), top posts from the
 * `top` index on `posts`, activity from the `stats` function (which reads the 14 `activity` rows).
 */

/** The global counters, read straight from the `stats` row. */
export async function loadTotals(): Promise<StatsFields> {
  const row = await tables.getRow({
    databaseId: DATABASE_ID,
    tableId: TableId.stats,
    rowId: STATS_ROW_ID,
  });
  return totalsOf(row);
}

/**
 * Follows the `stats` row: `onTotals` gets each new value; `onReconnect` should reload. Meant to be
 * the body of an `$effect` (it returns the stop function).
 */
export function watchTotals(onTotals: (totals: StatsFields) => void, onReconnect: () => void) {
  return subscribe(
    [Channel.row(TableId.stats, STATS_ROW_ID)],
    (event) => {
      const parsed = Stats.safeParse(event.payload);
      if (parsed.success) onTotals(totalsOf(parsed.data));
    },
    { onReconnect },
  );
}

function totalsOf(row: unknown): StatsFields {
  const { users, posts, comments, likes } = Stats.parse(row);
  return { users, posts, comments, likes };
}

/** likes ÷ posts, rounded to two decimals, 0 with no posts: the `stats` function's own rule. */
export function averageLikesPerPost(totals: StatsFields): number {
  return totals.posts === 0 ? 0 : Math.round((totals.likes / totals.posts) * 100) / 100;
}

/** A top post with its author's name for the list. */
export interface TopPostItem {
  post: Post;
  authorName: string;
}

/** The `count` most liked posts, most liked first, each with its author's display name. */
export async function loadTopPosts(count = 5): Promise<TopPostItem[]> {
  const { rows } = await tables.listRows({
    databaseId: DATABASE_ID,
    tableId: TableId.posts,
    queries: [Query.orderDesc('likesCount'), Query.orderDesc('$createdAt'), Query.limit(count)],
  });
  const posts = rows.map((row) => Post.parse(row));
  const authorIds = [...new Set(posts.map((post) => post.authorId))];
  const names = new Map<string, string>();
  if (authorIds.length > 0) {
    const profiles = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      queries: [Query.equal('$id', authorIds), Query.limit(authorIds.length)],
    });
    for (const row of profiles.rows) {
      const profile = Profile.safeParse(row);
      if (profile.success) names.set(profile.data.$id, profile.data.name);
    }
  }
  return posts.map((post) => ({ post, authorName: names.get(post.authorId) ?? 'Someone' }));
}

/** The last 14 days of activity, oldest first, from the `stats` function. */
export async function loadActivity(): Promise<ActivityDay[]> {
  const stats = await callFunction<DashboardStats>(FunctionId.stats, Route.stats.get);
  return stats.activity;
}
