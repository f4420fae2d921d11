import { type Client, ID, type Models, Query, TablesDB, Users } from 'node-appwrite';
import { isStatus, isType, orNull } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import type { NotificationFields } from '#shared/schemas/notification.ts';
import type { PostFields } from '#shared/schemas/post.ts';
import { type MemberLookup, memberLookup } from '../../_lib/member.ts';
import { type NotificationWrite, notificationPermissions } from '../../_lib/notifications.ts';
import type { CommentRow, PostCascadeRepo, RowHead } from '../../_lib/post-cascade.ts';
import { type AtomicOutcome, type AtomicWrite, likeRowId } from '../../_lib/post-writes.ts';
import { ensureStatsRow, incrementStat } from '../../_lib/stats-counter.ts';
import { VISIBLE_READ } from '../../_lib/visibility.ts';
import { atomicWrites, preparedAtomicWrites } from './posts-transactions.ts';

export type { CommentRow, CounterRef, RowHead } from '../../_lib/post-cascade.ts';
export { CASCADE_PAGE } from '../../_lib/post-cascade.ts';
export { likeRowId } from '../../_lib/post-writes.ts';
/** A post as the function reads it; rows made before moderation have no `hidden` (visible). */
export type PostRow = RowHead & Optional<PostFields, 'hidden' | 'hiddenReason'>;
type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
export type NotificationRow = RowHead & NotificationFields;

/**
 * What the `posts` function asks of Appwrite: the cascade's operations (deletePost, listComments,
 * deleteComment, listLikeIds, deleteLikeById, bump, and `atomically` — rows and their counters in
 * one transaction, posts-transactions.ts — see functions/_lib/post-cascade.ts) plus these. The
 * node-appwrite implementation is below; the unit
 * tests use an in-memory one, and one shared suite (tests/unit/functions/posts-repo-suite.ts) holds
 * both to the same behaviour.
 */
export interface PostsRepo extends PostCascadeRepo {
  /**
   * Starts opening the transaction of an atomic write now, so its round trip overlaps the route's
   * first reads (posts-transactions.ts `preparedAtomicWrites`).
   */
  prepareAtomic(): PreparedAtomic;
  /** The user as the member checks need them (Users API, scope `users.read`); `null` when gone. */
  getMember: MemberLookup;
  getPost(postId: string): Promise<PostRow | null>;
  createPost(fields: Omit<PostRow, keyof RowHead>): Promise<PostRow>;
  /** `null` when the post is gone. */
  updatePost(postId: string, patch: Partial<PostFields>): Promise<PostRow | null>;
  /**
   * A bare like row, no counters: `true` when this call created it, `false` when it already existed
   * (409). The routes like with `atomically(likeWrite(…))`; this is for seeding (tests, bench).
   */
  createLike(postId: string, userId: string): Promise<boolean>;
  /** Deletes a bare like row, no counters: `true` when this call deleted it, `false` when there was none. */
  deleteLike(postId: string, userId: string): Promise<boolean>;
  getComment(commentId: string): Promise<CommentRow | null>;
  /** A bare comment row, no counters (seeding); the route comments with `atomically(commentWrite(…))`. */
  createComment(fields: Omit<CommentRow, keyof RowHead>): Promise<CommentRow>;
  /** The members holding these handles (index `handle`): their user ids; unknown handles left out. */
  userIdsByHandles(handles: readonly string[]): Promise<string[]>;
  /** The authors of a post's latest `limit` comments, newest first (repeats kept). */
  recentCommenters(postId: string, limit: number): Promise<string[]>;
  /** Creates the notification, or overwrites it (the collapsed like): readable by its recipient only. */
  upsertNotification(write: NotificationWrite): Promise<void>;
  getNotification(notificationId: string): Promise<NotificationRow | null>;
  /** Marks one notification read; `false` when it is gone. */
  markNotificationRead(notificationId: string): Promise<boolean>;
  /** Marks every unread notification of `recipientId` read; how many it changed. */
  markAllNotificationsRead(recipientId: string): Promise<number>;
}

/**
 * An atomic write (`PostsRepo.atomically`) whose transaction is already being opened: `atomically`
 * once, or `release` when the route ends without writing (a no-op after `atomically`). Routes call
 * `release` in a `finally`.
 */
export interface PreparedAtomic {
  atomically(write: AtomicWrite): Promise<AtomicOutcome>;
  release(): Promise<void>;
}

/** `true` when `work` succeeded, `false` on `code` (409 exists / 404 gone), else rethrows. */
async function succeeded(work: Promise<unknown>, code: number): Promise<boolean> {
  try {
    await work;
    return true;
  } catch (thrown) {
    if (isStatus(thrown, code)) return false;
    throw thrown;
  }
}

function head(row: RowHead): RowHead {
  return { $id: row.$id, $createdAt: row.$createdAt, $updatedAt: row.$updatedAt };
}

/** Rows made before moderation have no `hidden`/`hiddenReason`: visible. */
function hiddenOf(row: { hidden?: boolean | null; hiddenReason?: string | null }) {
  return { hidden: row.hidden === true, hiddenReason: row.hiddenReason ?? null };
}

function postOf(row: PostRow): PostRow {
  const { authorId, title, body, tags, likesCount, commentsCount } = row;
  return { ...head(row), authorId, title, body, tags, likesCount, commentsCount, ...hiddenOf(row) };
}

function notificationOf(row: NotificationRow): NotificationRow {
  const { recipientId, kind, actorId, postId, commentId, excerpt, read } = row;
  return { ...head(row), recipientId, kind, actorId, postId, commentId, excerpt, read };
}

function commentOf(row: CommentRow): CommentRow {
  const { postId, authorId, body } = row;
  return { ...head(row), postId, authorId, body, ...hiddenOf(row) };
}

/**
 * The repository over `node-appwrite`, with the execution's client. Reads, the idempotent post edit,
 * fixed-id deletes and the fixed-id like create go through `withRetry` (a transient failure is tried
 * again); creates with `ID.unique()` and every counter move are not retried: a lost answer would
 * make a second row or count twice.
 */
export function createPostsRepo(client: Client): PostsRepo {
  const tables = new TablesDB(client);
  const users = new Users(client);
  const databaseId = DATABASE_ID;

  async function moveCounter(
    tableId: string,
    rowId: string,
    column: string,
    delta: number,
  ): Promise<number | null> {
    const counterOf = (row: Models.Row | null) =>
      row === null ? null : Number((row as Record<string, unknown>)[column] ?? 0);
    if (delta >= 0) {
      return counterOf(
        await orNull(
          tables.incrementRowColumn({ databaseId, tableId, rowId, column, value: delta }),
        ),
      );
    }
    const decrement = (value: number) =>
      orNull(tables.decrementRowColumn({ databaseId, tableId, rowId, column, value, min: 0 }));
    try {
      return counterOf(await decrement(-delta));
    } catch (thrown) {
      // Appwrite refuses a decrement that would pass `min` (column_limit_exceeded) rather than
      // clamping. The counter has drifted below what we remove: take it down to 0 instead, still
      // atomically (a concurrent move makes this refuse too, and then we leave it to maintenance).
      if (!isType(thrown, 'column_limit_exceeded')) throw thrown;
      const current = counterOf(
        await orNull(
          withRetry(() =>
            tables.getRow({ databaseId, tableId, rowId, queries: [Query.select([column])] }),
          ),
        ),
      );
      if (current === null || current <= 0) return current;
      try {
        return counterOf(await decrement(current));
      } catch (again) {
        if (isType(again, 'column_limit_exceeded')) return 0;
        throw again;
      }
    }
  }

  return {
    atomically: atomicWrites(tables),
    prepareAtomic: preparedAtomicWrites(tables),
    getMember: memberLookup(users),
    async getPost(postId) {
      const row = await orNull(
        withRetry(() => tables.getRow({ databaseId, tableId: TableId.posts, rowId: postId })),
      );
      return row === null ? null : postOf(row as unknown as PostRow);
    },
    async createPost(fields) {
      // rowSecurity is on and the table grants no read: the row's own read("any") makes it
      // public until `moderation` hides it (functions/_lib/visibility.ts). Only functions write.
      const row = await tables.createRow({
        databaseId,
        tableId: TableId.posts,
        rowId: ID.unique(),
        data: fields,
        permissions: [...VISIBLE_READ],
      });
      return postOf(row as unknown as PostRow);
    },
    async updatePost(postId, patch) {
      const row = await orNull(
        withRetry(() =>
          tables.updateRow({ databaseId, tableId: TableId.posts, rowId: postId, data: patch }),
        ),
      );
      return row === null ? null : postOf(row as unknown as PostRow);
    },
    deletePost(postId) {
      return succeeded(
        withRetry(() => tables.deleteRow({ databaseId, tableId: TableId.posts, rowId: postId })),
        404,
      );
    },
    createLike(postId, userId) {
      return succeeded(
        withRetry(() =>
          tables.createRow<Models.DefaultRow>({
            databaseId,
            tableId: TableId.likes,
            rowId: likeRowId(postId, userId),
            data: { postId, userId },
            permissions: [],
          }),
        ),
        409,
      );
    },
    deleteLike(postId, userId) {
      return succeeded(
        withRetry(() =>
          tables.deleteRow({
            databaseId,
            tableId: TableId.likes,
            rowId: likeRowId(postId, userId),
          }),
        ),
        404,
      );
    },
    async getComment(commentId) {
      const row = await orNull(
        withRetry(() => tables.getRow({ databaseId, tableId: TableId.comments, rowId: commentId })),
      );
      return row === null ? null : commentOf(row as unknown as CommentRow);
    },
    async createComment(fields) {
      const row = await tables.createRow({
        databaseId,
        tableId: TableId.comments,
        rowId: ID.unique(),
        data: fields,
        permissions: [...VISIBLE_READ],
      });
      return commentOf(row as unknown as CommentRow);
    },
    deleteComment(commentId) {
      return succeeded(
        withRetry(() =>
          tables.deleteRow({ databaseId, tableId: TableId.comments, rowId: commentId }),
        ),
        404,
      );
    },
    async listComments(postId, limit) {
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.comments,
          queries: [
            Query.equal('postId', postId),
            Query.orderAsc('$createdAt'),
            Query.limit(limit),
          ],
          total: false,
        }),
      );
      return list.rows.map((row) => commentOf(row as unknown as CommentRow));
    },
    async userIdsByHandles(handles) {
      if (handles.length === 0) return [];
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.profiles,
          queries: [
            Query.equal('handle', [...handles]),
            Query.select(['$id']),
            Query.limit(handles.length),
          ],
          total: false,
        }),
      );
      return list.rows.map((row) => row.$id);
    },
    async recentCommenters(postId, limit) {
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.comments,
          queries: [
            Query.equal('postId', postId),
            Query.orderDesc('$createdAt'),
            Query.limit(limit),
            Query.select(['authorId']),
          ],
          total: false,
        }),
      );
      return list.rows.map((row) => String((row as Record<string, unknown>).authorId));
    },
    async upsertNotification({ rowId, data }) {
      // Idempotent (a fixed id, the whole row): safe to try again.
      await withRetry(() =>
        tables.upsertRow({
          databaseId,
          tableId: TableId.notifications,
          rowId,
          data,
          permissions: notificationPermissions(data.recipientId),
        }),
      );
    },
    async getNotification(notificationId) {
      const row = await orNull(
        withRetry(() =>
          tables.getRow({ databaseId, tableId: TableId.notifications, rowId: notificationId }),
        ),
      );
      return row === null ? null : notificationOf(row as unknown as NotificationRow);
    },
    async markNotificationRead(notificationId) {
      const row = await orNull(
        withRetry(() =>
          tables.updateRow({
            databaseId,
            tableId: TableId.notifications,
            rowId: notificationId,
            data: { read: true },
          }),
        ),
      );
      return row !== null;
    },
    async markAllNotificationsRead(recipientId) {
      const result = await withRetry(() =>
        tables.updateRows({
          databaseId,
          tableId: TableId.notifications,
          data: { read: true },
          queries: [Query.equal('recipientId', recipientId), Query.equal('read', false)],
        }),
      );
      return result.total;
    },
    async listLikeIds(postId, limit) {
      const list = await withRetry(() =>
        tables.listRows({
          databaseId,
          tableId: TableId.likes,
          queries: [Query.equal('postId', postId), Query.limit(limit), Query.select(['$id'])],
          total: false,
        }),
      );
      return list.rows.map((row) => row.$id);
    },
    deleteLikeById(likeId) {
      return succeeded(
        withRetry(() => tables.deleteRow({ databaseId, tableId: TableId.likes, rowId: likeId })),
        404,
      );
    },
    async bump(counter, delta) {
      if (counter.table !== 'stats') {
        return moveCounter(counter.table, counter.rowId, counter.column, delta);
      }
      // Something was created: incrementStat counts it in `stats` and in today's `activity` row.
      if (delta > 0) return incrementStat(tables, counter.column, delta);
      const moved = await moveCounter(TableId.stats, STATS_ROW_ID, counter.column, delta);
      if (moved !== null) return moved;
      // The stats row is missing (a fresh project): make it, then move the counter.
      await ensureStatsRow(tables);
      return moveCounter(TableId.stats, STATS_ROW_ID, counter.column, delta);
    },
  };
}
