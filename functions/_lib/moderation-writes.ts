import { createHash } from 'node:crypto';
import type { ReportStatus } from '#shared/schemas/report.ts';
import type { AtomicWrite, CounterMove, RowWrite } from './post-writes.ts';
import { hiddenRead, VISIBLE_READ } from './visibility.ts';

/**
 * Hiding and showing again, as atomic writes (functions/_lib/post-writes.ts): the row's flag, reason
 * and read permissions, the open reports it settles, and the counters — all in one transaction.
 *
 * What the counters count (README "Moderation"): **the rows other members can read.** A hidden post
 * or comment is out: `stats.posts` and its author's `postsCount`, or its post's `commentsCount`,
 * `stats.comments` and its author's `commentsCount`. The likes and comments of a hidden post are
 * rows of their own that stay readable, so they stay counted (`stats.likes`, the author's
 * `likesReceived`, `stats.comments`, the commenters' counts). Every move is a fixed ±1: nothing
 * depends on a count read before the transaction, so a like or comment racing a hide cannot make a
 * counter drift.
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
  return [
    { counter: { table: 'stats', column: 'posts' }, delta: sign },
    { counter: { table: 'profiles', rowId: post.authorId, column: 'postsCount' }, delta: sign },
  ];
}

function commentCounters(comment: HideableComment, sign: 1 | -1): CounterMove[] {
  return [
    { counter: { table: 'posts', rowId: comment.postId, column: 'commentsCount' }, delta: sign },
    { counter: { table: 'stats', column: 'comments' }, delta: sign },
    {
      counter: { table: 'profiles', rowId: comment.authorId, column: 'commentsCount' },
      delta: sign,
    },
  ];
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

/** Hides a comment: readable by its author and admins only, out of the comment counts. */
export function hideCommentWrite(
  comment: HideableComment,
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
    counters: commentCounters(comment, -1),
  };
}

/** Shows a hidden comment again. */
export function restoreCommentWrite(comment: HideableComment): AtomicWrite {
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
    counters: commentCounters(comment, 1),
    activity: false,
  };
}
