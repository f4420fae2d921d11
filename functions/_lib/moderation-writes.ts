import { createHash } from 'node:crypto';
import type { ReportStatus } from '#shared/schemas/report.ts';
import type { AtomicWrite, CounterMove, RowWrite } from './post-writes.ts';
import { hiddenRead, VISIBLE_READ } from './visibility.ts';

/**
 * Hiding and showing again, as atomic writes (functions/_lib/post-writes.ts): the row's flag, reason
 * and read permissions, the open reports it settles, and the counters — all in one transaction.
 *
 * What the counters count (README "Moderation"): `stats` and profiles count what everyone can see.
 * - A hidden post is out of `stats.posts` and its author's `postsCount`; its likes are out of
 *   `stats.likes` and the author's `likesReceived`; its (visible) comments are out of
 *   `stats.comments`. Its own `likesCount`/`commentsCount` stay as they are (its author and admins
 *   still see it). Nobody can like, unlike or comment on it while it is hidden.
 * - A hidden comment is out of its post's `commentsCount`, `stats.comments` (unless its post is
 *   hidden: then it is out already) and its author's `commentsCount`.
 * Showing again moves the same counters back by the values the row holds then.
 */

/** The report's id: derived from (target, reporter), so a second report is the same row. */
export function reportRowId(targetId: string, reporterId: string): string {
  return createHash('sha256')
    .update(`report\n${targetId}\n${reporterId}`)
    .digest('hex')
    .slice(0, 36);
}

/** A post as hiding needs it. */
export interface HideablePost {
  $id: string;
  authorId: string;
  likesCount: number;
  commentsCount: number;
}

/** A comment as hiding needs it. */
export interface HideableComment {
  $id: string;
  postId: string;
  authorId: string;
}

/** Reports settled with `status`, no counters. */
export function settleReports(reportIds: readonly string[], status: ReportStatus): RowWrite[] {
  return reportIds.map((rowId) => ({
    action: 'update',
    table: 'reports',
    rowId,
    data: { status },
  }));
}

function postCounters(post: HideablePost, sign: 1 | -1): CounterMove[] {
  const author = post.authorId;
  return [
    { counter: { table: 'stats', column: 'posts' }, delta: sign },
    { counter: { table: 'profiles', rowId: author, column: 'postsCount' }, delta: sign },
    { counter: { table: 'stats', column: 'likes' }, delta: sign * post.likesCount },
    {
      counter: { table: 'profiles', rowId: author, column: 'likesReceived' },
      delta: sign * post.likesCount,
    },
    { counter: { table: 'stats', column: 'comments' }, delta: sign * post.commentsCount },
  ];
}

function commentCounters(comment: HideableComment, postHidden: boolean, sign: 1 | -1) {
  const counters: CounterMove[] = [
    { counter: { table: 'posts', rowId: comment.postId, column: 'commentsCount' }, delta: sign },
    {
      counter: { table: 'profiles', rowId: comment.authorId, column: 'commentsCount' },
      delta: sign,
    },
  ];
  if (!postHidden) counters.push({ counter: { table: 'stats', column: 'comments' }, delta: sign });
  return counters;
}

/** Hides a post: readable by its author and admins only, `reason` on the row, counters out. */
export function hidePostWrite(
  post: HideablePost,
  reason: string,
  reportIds: readonly string[],
): AtomicWrite {
  return {
    rows: [
      {
        action: 'update',
        table: 'posts',
        rowId: post.$id,
        data: { hidden: true, hiddenReason: reason },
        permissions: hiddenRead(post.authorId),
      },
      ...settleReports(reportIds, 'hidden'),
    ],
    counters: postCounters(post, -1),
  };
}

/** Shows a hidden post again: `read("any")` back, the counters back (not as today's activity). */
export function restorePostWrite(post: HideablePost): AtomicWrite {
  return {
    rows: [
      {
        action: 'update',
        table: 'posts',
        rowId: post.$id,
        data: { hidden: false, hiddenReason: null },
        permissions: [...VISIBLE_READ],
      },
    ],
    counters: postCounters(post, 1),
    activity: false,
  };
}

/** Hides a comment; `postHidden`: its post is hidden, so `stats.comments` has it out already. */
export function hideCommentWrite(
  comment: HideableComment,
  postHidden: boolean,
  reason: string,
  reportIds: readonly string[],
): AtomicWrite {
  return {
    rows: [
      {
        action: 'update',
        table: 'comments',
        rowId: comment.$id,
        data: { hidden: true, hiddenReason: reason },
        permissions: hiddenRead(comment.authorId),
      },
      ...settleReports(reportIds, 'hidden'),
    ],
    counters: commentCounters(comment, postHidden, -1),
  };
}

/** Shows a hidden comment again. */
export function restoreCommentWrite(comment: HideableComment, postHidden: boolean): AtomicWrite {
  return {
    rows: [
      {
        action: 'update',
        table: 'comments',
        rowId: comment.$id,
        data: { hidden: false, hiddenReason: null },
        permissions: [...VISIBLE_READ],
      },
    ],
    counters: commentCounters(comment, postHidden, 1),
    activity: false,
  };
}
