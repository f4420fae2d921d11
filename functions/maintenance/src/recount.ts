import type { CounterRepair, StatsFields } from '#shared/schemas/stats.ts';
import type { MaintenanceRepo } from './maintenance-repo.ts';

/** How many posts or profiles one page holds (the ids of a page go into one `equal` query). */
export const RECOUNT_PAGE = 100;

/** What a recount found: repairs made (or due, in a dry run) and how many rows it read. */
export interface RecountResult {
  repairs: CounterRepair[];
  checked: number;
}

/** Sets the columns of `stored` that differ from `counted`; the repairs, one per column. */
async function repairRow<Row extends { $id: string }>(
  repo: MaintenanceRepo,
  table: 'posts' | 'profiles',
  stored: Row,
  counted: Partial<Record<keyof Row, number>>,
  dryRun: boolean,
): Promise<CounterRepair[]> {
  const repairs: CounterRepair[] = [];
  const values: Record<string, number> = {};
  for (const [column, to] of Object.entries(counted) as [string, number][]) {
    const from = Number(stored[column as keyof Row]);
    if (from === to) continue;
    values[column] = to;
    repairs.push({ table, rowId: stored.$id, column, from, to });
  }
  if (repairs.length === 0 || dryRun) return repairs;
  // A row deleted since it was read needs no repair.
  return (await repo.writeCounters(table, stored.$id, values)) ? repairs : [];
}

/**
 * Recounts every post's `likesCount` and `commentsCount` (comments not hidden) from the `likes` and
 * `comments` rows, page
 * by page (one page of posts, then every like and comment of those posts), and sets the ones that
 * differ. Adds what it counted to `totals`, so the `stats` row can be set from the same pass.
 *
 * Absolute writes are right for a recount, but not atomic with the board: a like that lands between
 * the count and the write is lost from the post's counter. The next run finds and repairs that.
 */
export async function recountPosts(
  repo: MaintenanceRepo,
  totals: StatsFields,
  dryRun: boolean,
): Promise<RecountResult> {
  const repairs: CounterRepair[] = [];
  let checked = 0;
  let cursor: string | null = null;
  for (;;) {
    const page = await repo.postsPage(cursor, RECOUNT_PAGE);
    const ids = page.map((post) => post.$id);
    const [likes, comments] = await Promise.all([
      repo.countBy({ table: 'likes', column: 'postId' }, ids),
      repo.countBy({ table: 'comments', column: 'postId' }, ids),
    ]);
    for (const post of page) {
      const counted = {
        likesCount: likes.get(post.$id) ?? 0,
        commentsCount: comments.get(post.$id) ?? 0,
      };
      // A hidden post is out of `stats.posts`; its likes and visible comments are still counted
      // (moderation-writes.ts).
      if (!post.hidden) totals.posts += 1;
      totals.likes += counted.likesCount;
      totals.comments += counted.commentsCount;
      repairs.push(...(await repairRow(repo, 'posts', post, counted, dryRun)));
    }
    checked += page.length;
    if (page.length < RECOUNT_PAGE) return { repairs, checked };
    cursor = page[page.length - 1]?.$id ?? null;
  }
}

/**
 * Recounts every profile's `postsCount`, `commentsCount` and `likesReceived` (the sum of its posts'
 * `likesCount`, so it runs after `recountPosts` has made those exact) and counts profiles into
 * `totals.users`. In a dry run the posts were not repaired, so `likesReceived` is summed from what
 * they hold: the report may then name a profile that the real run would find right.
 */
export async function recountProfiles(
  repo: MaintenanceRepo,
  totals: StatsFields,
  dryRun: boolean,
): Promise<RecountResult> {
  const repairs: CounterRepair[] = [];
  let checked = 0;
  let cursor: string | null = null;
  for (;;) {
    const page = await repo.profilesPage(cursor, RECOUNT_PAGE);
    const ids = page.map((profile) => profile.$id);
    const [posts, comments, likes] = await Promise.all([
      repo.countBy({ table: 'posts', column: 'authorId' }, ids),
      repo.countBy({ table: 'comments', column: 'authorId' }, ids),
      repo.likesReceivedBy(ids),
    ]);
    for (const profile of page) {
      const counted = {
        postsCount: posts.get(profile.$id) ?? 0,
        commentsCount: comments.get(profile.$id) ?? 0,
        likesReceived: likes.get(profile.$id) ?? 0,
      };
      totals.users += 1;
      repairs.push(...(await repairRow(repo, 'profiles', profile, counted, dryRun)));
    }
    checked += page.length;
    if (page.length < RECOUNT_PAGE) return { repairs, checked };
    cursor = page[page.length - 1]?.$id ?? null;
  }
}

/**
 * Sets the `stats` row to `totals` (users = profiles, posts = posts, likes and comments = what the
 * posts' recount found) where it differs, creating it when missing.
 */
export async function repairStats(
  repo: MaintenanceRepo,
  totals: StatsFields,
  dryRun: boolean,
): Promise<CounterRepair[]> {
  const stored = (await repo.getStats()) ?? { users: 0, posts: 0, comments: 0, likes: 0 };
  const repairs: CounterRepair[] = [];
  for (const column of ['users', 'posts', 'comments', 'likes'] as const) {
    if (stored[column] === totals[column]) continue;
    repairs.push({
      table: 'stats',
      rowId: 'global',
      column,
      from: stored[column],
      to: totals[column],
    });
  }
  if (repairs.length > 0 && !dryRun) await repo.writeStats({ ...totals });
  return repairs;
}
