import type { CommentFields } from '#shared/schemas/comment.ts';
import {
  type AtomicOutcome,
  type AtomicWrite,
  type CounterMove,
  type CounterRef,
  MAX_OPERATIONS,
  operationCount,
  type PostRef,
} from './post-writes.ts';

export type { CounterRef } from './post-writes.ts';

/** The system fields a function hands back with a row. */
export interface RowHead {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
}
/** A comment as functions read it; rows made before moderation have no `hidden` (visible). */
export type CommentRow = RowHead &
  Omit<CommentFields, 'hidden' | 'hiddenReason'> &
  Partial<Pick<CommentFields, 'hidden' | 'hiddenReason'>>;

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
  /**
   * Writes rows and their counters all together or not at all (one TablesDB transaction; see
   * functions/_lib/post-writes.ts for the rules). At most `MAX_OPERATIONS` operations.
   */
  atomically(write: AtomicWrite): Promise<AtomicOutcome>;
}

/** How often a cascade step reads its page again after a row on it went meanwhile. */
const MAX_REREADS = 5;

/**
 * Deletes a post with its comments and likes, moving every counter down by what this call deleted:
 * `stats.posts` and the author's `postsCount`, each comment author's `commentsCount` and
 * `stats.comments`, `stats.likes` and the author's `likesReceived`.
 *
 * Each step is one transaction (`repo.atomically`) holding rows and the counters that count them, so
 * a crash or timeout never leaves a counter out of step with the rows. The first step deletes the
 * post with as many of its comments and likes as fit in one transaction (all of them for a post with
 * fewer than about 90); further steps take the next ones, each time the first page again (the
 * previous one is gone), until a page comes back empty — that last read also finds a comment or like
 * made between the first read and the post's delete. A row someone else deleted meanwhile (its author
 * unliking) makes the step write nothing; it then reads its page again.
 *
 * Returns `false` (and moves nothing) when the post was already gone: whoever deletes the row moves
 * the counters, so a concurrent or replayed second delete counts nothing. Used by `DELETE
 * /posts/:postId` and by `on-user-deleted` for each of a deleted user's posts.
 */
export async function removePostWithContent(
  repo: PostCascadeRepo,
  post: PostRef,
): Promise<boolean> {
  let deleted = false;
  let rereads = 0;
  for (;;) {
    const [comments, likeIds] = await Promise.all([
      repo.listComments(post.$id, CASCADE_PAGE),
      repo.listLikeIds(post.$id, CASCADE_PAGE),
    ]);
    if (deleted && comments.length === 0 && likeIds.length === 0) return true;
    const outcome = await repo.atomically(cascadeWrite(post, !deleted, comments, likeIds));
    if (outcome.status === 'done') {
      deleted = true;
      rereads = 0;
      continue;
    }
    if (!deleted && outcome.rowId === post.$id) return false;
    rereads += 1;
    if (rereads > MAX_REREADS) {
      // Rows keep vanishing under us: what is left is orphaned rows for `maintenance`.
      if (deleted) return true;
      throw new Error(`Deleting post ${post.$id}: its comments and likes kept changing.`);
    }
  }
}

/**
 * One cascade step: the post (on the `first` step) with its own two counters, then as many of
 * `comments` and `likeIds` — with the counters they move — as fit in one transaction. What was
 * hidden is already out of the counters (functions/_lib/moderation-writes.ts): a hidden post does
 * not move `stats.posts` or its author's `postsCount` again, a hidden comment moves nothing. (The
 * likes and other comments of a hidden post are counted as any, and go down as any.)
 */
export function cascadeWrite(
  post: PostRef,
  first: boolean,
  comments: readonly CommentRow[],
  likeIds: readonly string[],
): AtomicWrite {
  const { authorId } = post;
  let write: AtomicWrite = { rows: [], counters: [] };
  if (first) {
    write.rows.push({ action: 'delete', table: 'posts', rowId: post.$id });
    if (!post.hidden) {
      write.counters.push(
        { counter: { table: 'stats', column: 'posts' }, delta: -1 },
        { counter: { table: 'profiles', rowId: authorId, column: 'postsCount' }, delta: -1 },
      );
    }
  }
  const added = (next: AtomicWrite['rows'][number], counters: CounterMove[]): boolean => {
    const candidate = { rows: [...write.rows, next], counters: [...write.counters, ...counters] };
    if (operationCount(candidate) > MAX_OPERATIONS) return false;
    write = candidate;
    return true;
  };
  for (const comment of comments) {
    const counters: CounterMove[] = comment.hidden
      ? []
      : [
          { counter: { table: 'stats', column: 'comments' }, delta: -1 },
          {
            counter: { table: 'profiles', rowId: comment.authorId, column: 'commentsCount' },
            delta: -1,
          },
        ];
    if (!added({ action: 'delete', table: 'comments', rowId: comment.$id }, counters)) return write;
  }
  for (const likeId of likeIds) {
    const fits = added({ action: 'delete', table: 'likes', rowId: likeId }, [
      { counter: { table: 'stats', column: 'likes' }, delta: -1 },
      { counter: { table: 'profiles', rowId: authorId, column: 'likesReceived' }, delta: -1 },
    ]);
    if (!fits) return write;
  }
  return write;
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
