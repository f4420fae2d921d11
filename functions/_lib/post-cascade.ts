import type { CommentFields } from '#shared/schemas/comment.ts';
import type { StatsFields } from '#shared/schemas/stats.ts';

/** The system fields a function hands back with a row. */
export interface RowHead {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
}
export type CommentRow = RowHead & CommentFields;

/** A counter column the functions keep, per table. */
export type CounterRef =
  | { table: 'posts'; rowId: string; column: 'likesCount' | 'commentsCount' }
  | { table: 'profiles'; rowId: string; column: 'postsCount' | 'commentsCount' | 'likesReceived' }
  | { table: 'stats'; column: keyof StatsFields };

/** How many rows one cascade page reads. */
export const CASCADE_PAGE = 100;

/**
 * What deleting a post with everything hanging off it needs. The `posts` repository implements it
 * (functions/posts/src/posts-repo.ts); `on-user-deleted` uses that same implementation.
 */
export interface PostCascadeRepo {
  /** `true` when this call deleted it, `false` when it was already gone. */
  deletePost(postId: string): Promise<boolean>;
  /** The first page (at most `limit`) of a post's comments, oldest first. */
  listComments(postId: string, limit: number): Promise<CommentRow[]>;
  /** `true` when this call deleted it, `false` when it was already gone. */
  deleteComment(commentId: string): Promise<boolean>;
  /** The first page (at most `limit`) of the ids of a post's like rows. */
  listLikeIds(postId: string, limit: number): Promise<string[]>;
  /** Deletes a like row by id; `true` when this call deleted it. */
  deleteLikeById(likeId: string): Promise<boolean>;
  /**
   * Moves a counter by `delta` atomically (never below 0) and returns the new value, or `null` when
   * the row does not exist. The `stats` row is created when missing.
   */
  bump(counter: CounterRef, delta: number): Promise<number | null>;
}

/**
 * Deletes a post, then its comments and likes page by page, moving every counter down by what this
 * call actually deleted: `stats.posts` and the author's `postsCount`, each comment author's
 * `commentsCount` and `stats.comments`, `stats.likes` and the author's `likesReceived`.
 *
 * Returns `false` (and moves nothing) when the post was already gone: whoever deletes the row moves
 * the counters, so a concurrent or replayed second delete counts nothing. Used by `DELETE
 * /posts/:postId` and by `on-user-deleted` for each of a deleted user's posts.
 */
export async function removePostWithContent(
  repo: PostCascadeRepo,
  post: { $id: string; authorId: string },
): Promise<boolean> {
  if (!(await repo.deletePost(post.$id))) return false;
  await Promise.all([
    repo.bump({ table: 'stats', column: 'posts' }, -1),
    repo.bump({ table: 'profiles', rowId: post.authorId, column: 'postsCount' }, -1),
  ]);
  await removeComments(repo, post.$id);
  const likes = await removeLikes(repo, post.$id);
  if (likes > 0) {
    await Promise.all([
      repo.bump({ table: 'stats', column: 'likes' }, -likes),
      repo.bump({ table: 'profiles', rowId: post.authorId, column: 'likesReceived' }, -likes),
    ]);
  }
  return true;
}

/** How many rows of a page are deleted at once: enough to hide round trips, few enough to be gentle. */
export const PARALLEL = 8;

/** Runs `work` over `items`, `size` at a time, keeping the order of the results. */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}

/** How many of `items` fall under each key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts];
}

/**
 * Deletes a deleted post's comments in pages of `CASCADE_PAGE`, `PARALLEL` at a time; each comment
 * author's `commentsCount` goes down once per page by how many of theirs this call deleted. Each page
 * is the first page again (the previous one is gone), so no cursor can point at a deleted row; a page
 * that deletes nothing ends the loop, so it cannot spin.
 */
async function removeComments(repo: PostCascadeRepo, postId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await repo.listComments(postId, CASCADE_PAGE);
    const deleted = (
      await inBatches(page, PARALLEL, async (comment) =>
        (await repo.deleteComment(comment.$id)) ? comment : null,
      )
    ).filter((comment) => comment !== null);
    if (deleted.length > 0) {
      const perAuthor = countBy(deleted, (comment) => comment.authorId);
      await inBatches(perAuthor, PARALLEL, ([authorId, count]) =>
        repo.bump({ table: 'profiles', rowId: authorId, column: 'commentsCount' }, -count),
      );
      await repo.bump({ table: 'stats', column: 'comments' }, -deleted.length);
    }
    removed += deleted.length;
    if (page.length < CASCADE_PAGE || deleted.length === 0) return removed;
  }
}

/** Deletes a deleted post's likes in pages, as `removeComments` does; returns how many. */
async function removeLikes(repo: PostCascadeRepo, postId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await repo.listLikeIds(postId, CASCADE_PAGE);
    const done = await inBatches(page, PARALLEL, (likeId) => repo.deleteLikeById(likeId));
    const removedHere = done.filter(Boolean).length;
    removed += removedHere;
    if (page.length < CASCADE_PAGE || removedHere === 0) return removed;
  }
}
