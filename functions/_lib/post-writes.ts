import { createHash, randomBytes } from 'node:crypto';
import type { CommentFields } from '#shared/schemas/comment.ts';
import type { LikeFields } from '#shared/schemas/like.ts';
import type { NotificationFields } from '#shared/schemas/notification.ts';
import type { StatsFields } from '#shared/schemas/stats.ts';
import type { NotificationWrite } from './notifications.ts';

/** A comment's stored fields as written; `hidden`/`hiddenReason` default to visible. */
export type NewComment = Omit<CommentFields, 'hidden' | 'hiddenReason'> &
  Partial<Pick<CommentFields, 'hidden' | 'hiddenReason'>>;

/** A counter column the functions keep, per table. */
export type CounterRef =
  | { table: 'posts'; rowId: string; column: 'likesCount' | 'commentsCount' }
  | { table: 'profiles'; rowId: string; column: 'postsCount' | 'commentsCount' | 'likesReceived' }
  | { table: 'stats'; column: keyof StatsFields };

/**
 * A row an atomic write creates, updates or deletes. An update may also replace the row's
 * permissions (`moderation` hides a post by taking its `read("any")` away, functions/_lib/visibility.ts)
 * and, with it, take its quote out of other members' notifications (functions/_lib/moderation-writes.ts).
 */
export type RowWrite =
  | { action: 'create'; table: 'likes'; rowId: string; data: LikeFields }
  | { action: 'create'; table: 'comments'; rowId: string; data: NewComment }
  /** Readable by its recipient only (`notificationPermissions`). */
  | { action: 'create'; table: 'notifications'; rowId: string; data: NotificationFields }
  | { action: 'delete'; table: 'posts' | 'comments' | 'likes'; rowId: string }
  | {
      action: 'update';
      table: 'posts' | 'comments' | 'reports' | 'notifications';
      rowId: string;
      data: Record<string, unknown>;
      permissions?: string[];
    };

/**
 * A counter moved by `delta`. A `required` counter's row must exist — it is the post the write is
 * about — or nothing is written; otherwise a missing `profiles` row is skipped (on-user-created makes
 * them) and the `stats` row is made at zero. A move down stops at 0.
 */
export interface CounterMove {
  counter: CounterRef;
  delta: number;
  required?: boolean;
}

/**
 * Rows and the counters that count them, written all together or not at all (one TablesDB
 * transaction: `PostCascadeRepo.atomically`). Something created also counts in today's `activity`
 * row, as `incrementStat` does — unless `activity` is `false` (content shown again after it was
 * hidden was not created today).
 */
export interface AtomicWrite {
  rows: RowWrite[];
  counters: CounterMove[];
  activity?: boolean;
}

/**
 * What an atomic write did: everything (`done`), or nothing because a row to create exists already
 * (`exists`: Appwrite's 409 `transaction_conflict`) or a row to delete — or a required counter's row —
 * is gone (`missing`). `rowId` names that row.
 */
export type AtomicOutcome =
  | { status: 'done' }
  | { status: 'exists'; rowId: string }
  | { status: 'missing'; rowId: string };

/** Appwrite's limit on one transaction's operations (APP_LIMIT_DATABASE_TRANSACTION). */
export const MAX_OPERATIONS = 100;

/** The counter moves of a write, one per counter (their deltas added), none of 0. */
export function mergedCounters(moves: readonly CounterMove[]): CounterMove[] {
  const merged = new Map<string, CounterMove>();
  for (const move of moves) {
    const { counter } = move;
    const key = `${counter.table}/${'rowId' in counter ? counter.rowId : ''}/${counter.column}`;
    const seen = merged.get(key);
    if (seen) {
      seen.delta += move.delta;
      seen.required ||= move.required;
    } else merged.set(key, { ...move });
  }
  return [...merged.values()].filter((move) => move.delta !== 0);
}

/** How many transaction operations a write takes: its rows, its counters and today's activity moves. */
export function operationCount(write: AtomicWrite): number {
  const counters = mergedCounters(write.counters);
  const activity =
    write.activity === false
      ? 0
      : counters.filter((m) => m.counter.table === 'stats' && m.delta > 0).length;
  return write.rows.length + counters.length + activity;
}

/**
 * The like row's id: derived from (post, user), so a second like is a 409 on the id as well as on
 * the unique index, and unlike deletes by id without a query. 36 hex characters (a valid row id).
 */
export function likeRowId(postId: string, userId: string): string {
  return createHash('sha256').update(`${postId}\n${userId}`).digest('hex').slice(0, 36);
}

/** A fresh row id (20 hex characters, as Appwrite's `ID.unique()`), chosen before the write. */
export function newRowId(): string {
  return randomBytes(10).toString('hex');
}

/**
 * A post as the writes need it. A `hidden` post is already out of `stats.posts` and its author's
 * `postsCount` (functions/_lib/moderation-writes.ts), so deleting it does not count it out again.
 */
export interface PostRef {
  $id: string;
  authorId: string;
  hidden?: boolean;
}

/** The like row and the counters it moves: the post's `likesCount`, `stats.likes`, the author's `likesReceived`. */
function likeCounters(post: PostRef, delta: 1 | -1): CounterMove[] {
  return [
    { counter: { table: 'posts', rowId: post.$id, column: 'likesCount' }, delta, required: true },
    { counter: { table: 'stats', column: 'likes' }, delta },
    { counter: { table: 'profiles', rowId: post.authorId, column: 'likesReceived' }, delta },
  ];
}

/** `userId` likes the post: the like row with its counters. */
export function likeWrite(post: PostRef, userId: string): AtomicWrite {
  const data = { postId: post.$id, userId };
  const rowId = likeRowId(post.$id, userId);
  return {
    rows: [{ action: 'create', table: 'likes', rowId, data }],
    counters: likeCounters(post, 1),
  };
}

/** `userId` unlikes the post: the like row deleted with its counters. */
export function unlikeWrite(post: PostRef, userId: string): AtomicWrite {
  return {
    rows: [{ action: 'delete', table: 'likes', rowId: likeRowId(post.$id, userId) }],
    counters: likeCounters(post, -1),
  };
}

/** Notifications as rows of a write: created with it, or not at all. */
export function notificationRows(notifications: readonly NotificationWrite[]): RowWrite[] {
  return notifications.map(({ rowId, data }) => ({
    action: 'create',
    table: 'notifications',
    rowId,
    data,
  }));
}

/**
 * A comment on the post, with the post's `commentsCount`, `stats.comments` and the commenter's, and
 * the notifications it causes (`notifyComment`, `notifyReplies`): one transaction, so a comment is
 * never announced without existing, nor written without its notifications.
 */
export function commentWrite(
  rowId: string,
  fields: NewComment,
  notifications: readonly NotificationWrite[] = [],
): AtomicWrite {
  return {
    rows: [
      { action: 'create', table: 'comments', rowId, data: fields },
      ...notificationRows(notifications),
    ],
    counters: [
      {
        counter: { table: 'posts', rowId: fields.postId, column: 'commentsCount' },
        delta: 1,
        required: true,
      },
      { counter: { table: 'stats', column: 'comments' }, delta: 1 },
      { counter: { table: 'profiles', rowId: fields.authorId, column: 'commentsCount' }, delta: 1 },
    ],
  };
}

/**
 * A comment deleted with the same three counters. The post's counter is not required: a comment
 * left behind by a post delete that timed out can still be deleted. A hidden comment was counted
 * out when it was hidden (moderation-writes.ts), so it moves nothing.
 */
export function uncommentWrite(
  comment: { $id: string } & Pick<CommentFields, 'postId' | 'authorId'> & { hidden?: boolean },
): AtomicWrite {
  const rows: RowWrite[] = [{ action: 'delete', table: 'comments', rowId: comment.$id }];
  if (comment.hidden) return { rows, counters: [] };
  return {
    rows,
    counters: [
      { counter: { table: 'posts', rowId: comment.postId, column: 'commentsCount' }, delta: -1 },
      { counter: { table: 'stats', column: 'comments' }, delta: -1 },
      {
        counter: { table: 'profiles', rowId: comment.authorId, column: 'commentsCount' },
        delta: -1,
      },
    ],
  };
}
