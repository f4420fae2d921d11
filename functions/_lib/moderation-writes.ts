import { createHash } from 'node:crypto';
import type { ReportStatus } from '#shared/schemas/report.ts';
import { excerptOf } from './notifications.ts';
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
 *
 * A notification quotes what it is about (`excerpt`: a post's title, the start of a comment) and
 * its recipient reads it on their own row, which a hide does not change. So the same transaction
 * takes the quote out of other members' notifications about the hidden post or comment (`quoting`:
 * their ids, `ModerationRepo.notificationsQuoting`), and showing it again puts the quote back from
 * the row, as it was written (`requote`). The author's own notifications keep theirs: they can read
 * what they wrote.
 */

/** The report's id: derived from (target, reporter), so a second report is the same row. */
export function reportRowId(targetId: string, reporterId: string): string {
  return createHash('sha256')
    .update(`report\n${targetId}\n${reporterId}`)
    .digest('hex')
    .slice(0, 36);
}

/** A post as hiding needs it (`title`: what a notification about it quotes). */
export interface HideablePost {
  $id: string;
  authorId: string;
  title: string;
}

/** A comment as hiding needs it (`body`: what a notification about it quotes). */
export interface HideableComment {
  $id: string;
  postId: string;
  authorId: string;
  body: string;
}

/**
 * At most this many notifications quote one post or comment to others, so a hide's transaction
 * holds them all: a comment tells the post's author, up to `MAX_REPLY_RECIPIENTS` (20) earlier
 * commenters and up to `Limits.mentions.max` (10) members it mentions; a post only those it mentions.
 */
export const QUOTING_LIMIT = 40;

/** Notifications given `excerpt` (`null`: the quote taken out). */
function quoted(notificationIds: readonly string[], excerpt: string | null): RowWrite[] {
  return notificationIds.map((rowId) => ({
    action: 'update',
    table: 'notifications',
    rowId,
    data: { excerpt },
  }));
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

/**
 * Hides a post: readable by its author and admins only, `reason` on the row, counters out, its title
 * out of the `quoting` notifications.
 */
export function hidePostWrite(
  post: HideablePost,
  reason: string,
  reportIds: readonly string[],
  quoting: readonly string[],
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
      ...quoted(quoting, null),
    ],
    counters: postCounters(post, -1),
  };
}

/**
 * Shows a hidden post again: `read("any")` back, the counters back (not as today's activity), its
 * title back in the `requote` notifications.
 */
export function restorePostWrite(post: HideablePost, requote: readonly string[]): AtomicWrite {
  return {
    rows: [
      {
        action: 'update',
        table: 'posts',
        rowId: post.$id,
        data: { hidden: false, hiddenReason: null },
        permissions: [...VISIBLE_READ],
      },
      ...quoted(requote, excerptOf(post.title)),
    ],
    counters: postCounters(post, 1),
    activity: false,
  };
}

/**
 * Hides a comment: readable by its author and admins only, out of the comment counts, its words out
 * of the `quoting` notifications.
 */
export function hideCommentWrite(
  comment: HideableComment,
  reason: string,
  reportIds: readonly string[],
  quoting: readonly string[],
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
      ...quoted(quoting, null),
    ],
    counters: commentCounters(comment, -1),
  };
}

/** Shows a hidden comment again, its start back in the `requote` notifications. */
export function restoreCommentWrite(
  comment: HideableComment,
  requote: readonly string[],
): AtomicWrite {
  return {
    rows: [
      {
        action: 'update',
        table: 'comments',
        rowId: comment.$id,
        data: { hidden: false, hiddenReason: null },
        permissions: [...VISIBLE_READ],
      },
      ...quoted(requote, excerptOf(comment.body)),
    ],
    counters: commentCounters(comment, 1),
    activity: false,
  };
}
