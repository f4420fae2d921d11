/**
 * An in-memory `PostsRepo` with Appwrite's behaviour where the handlers depend on it: a 409 for a
 * second like of the same (post, user), 404s as `null`/`false`, counters that never go below 0, a
 * `stats` row that is created on first use, and atomic writes that write all or nothing (at most 100
 * operations, as a transaction; an update replaces a row's permissions when it names them). Every
 * write is recorded, so a test can say "nothing was written".
 */
import { randomUUID } from 'node:crypto';
import type { Member } from '../../../functions/_lib/member.ts';
import type { NotificationWrite } from '../../../functions/_lib/notifications.ts';
import {
  type AtomicOutcome,
  type AtomicWrite,
  MAX_OPERATIONS,
  mergedCounters,
  operationCount,
} from '../../../functions/_lib/post-writes.ts';
import { VISIBLE_READ } from '../../../functions/_lib/visibility.ts';
import type { ReportRow } from '../../../functions/moderation/src/moderation-repo.ts';
import {
  type CommentRow,
  type CounterRef,
  likeRowId,
  type NotificationRow,
  type PostRow,
  type PostsRepo,
  type PreparedAtomic,
} from '../../../functions/posts/src/posts-repo.ts';
import { ADMIN_LABEL, MEMBER_LABEL } from '../../../shared/ids.ts';
import type { LikeFields } from '../../../shared/schemas/like.ts';
import type { StatsFields } from '../../../shared/schemas/stats.ts';

export interface FakeProfile {
  postsCount: number;
  commentsCount: number;
  likesReceived: number;
}

export class FakePostsRepo implements PostsRepo {
  readonly posts = new Map<string, PostRow>();
  readonly comments = new Map<string, CommentRow>();
  readonly likes = new Map<string, LikeFields>();
  readonly profiles = new Map<string, FakeProfile>();
  /** The `reports` table (the `moderation` function's; its atomic writes settle them). */
  readonly reports = new Map<string, ReportRow>();
  /** Each post's and comment's row permissions, as `"table/rowId"` → permissions. */
  readonly permissions = new Map<string, readonly string[]>();
  readonly notifications = new Map<string, NotificationRow>();
  /** handle → user id, as the `profiles` rows' unique `handle` column holds them. */
  readonly handles = new Map<string, string>();
  stats: StatsFields | null = null;
  /** Every write, as `"method id"`, in order. */
  readonly writes: string[] = [];

  /** Users the gate never vetted (no `member` label), and members with no verified email. */
  readonly unvetted = new Set<string>();
  readonly unverified = new Set<string>();

  constructor(readonly admins: ReadonlySet<string> = new Set()) {}

  /** Gives a user a profile row (the `on-user-created` function would). */
  addProfile(userId: string): void {
    this.profiles.set(userId, { postsCount: 0, commentsCount: 0, likesReceived: 0 });
  }

  /** Every user id exists: a vetted, verified member unless a set above says otherwise. */
  async getMember(userId: string): Promise<Member> {
    const labels = this.unvetted.has(userId) ? [] : [MEMBER_LABEL];
    if (this.admins.has(userId)) labels.push(ADMIN_LABEL);
    return { userId, labels, emailVerification: !this.unverified.has(userId) };
  }

  async getPost(postId: string) {
    const post = this.posts.get(postId);
    return post ? structuredClone(post) : null;
  }

  async createPost(fields: Omit<PostRow, '$id' | '$createdAt' | '$updatedAt'>) {
    const now = new Date().toISOString();
    const post: PostRow = {
      $id: randomUUID().replaceAll('-', ''),
      $createdAt: now,
      $updatedAt: now,
      ...fields,
    };
    this.posts.set(post.$id, post);
    this.permissions.set(`posts/${post.$id}`, [...VISIBLE_READ]);
    this.writes.push(`createPost ${post.$id}`);
    return structuredClone(post);
  }

  async updatePost(postId: string, patch: Partial<PostRow>) {
    const post = this.posts.get(postId);
    if (!post) return null;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    Object.assign(post, defined, { $updatedAt: new Date().toISOString() });
    this.writes.push(`updatePost ${postId}`);
    return structuredClone(post);
  }

  async deletePost(postId: string) {
    this.writes.push(`deletePost ${postId}`);
    return this.posts.delete(postId);
  }

  async createLike(postId: string, userId: string) {
    this.writes.push(`createLike ${postId} ${userId}`);
    const id = likeRowId(postId, userId);
    if (this.likes.has(id)) return false;
    this.likes.set(id, { postId, userId });
    return true;
  }

  async deleteLike(postId: string, userId: string) {
    this.writes.push(`deleteLike ${postId} ${userId}`);
    return this.likes.delete(likeRowId(postId, userId));
  }

  async getComment(commentId: string) {
    const comment = this.comments.get(commentId);
    return comment ? structuredClone(comment) : null;
  }

  async createComment(fields: Omit<CommentRow, '$id' | '$createdAt' | '$updatedAt'>) {
    const now = new Date().toISOString();
    const comment: CommentRow = {
      $id: randomUUID().replaceAll('-', ''),
      $createdAt: now,
      $updatedAt: now,
      ...fields,
    };
    this.comments.set(comment.$id, comment);
    this.permissions.set(`comments/${comment.$id}`, [...VISIBLE_READ]);
    this.writes.push(`createComment ${comment.$id}`);
    return structuredClone(comment);
  }

  async deleteComment(commentId: string) {
    this.writes.push(`deleteComment ${commentId}`);
    return this.comments.delete(commentId);
  }

  async listComments(postId: string, limit: number) {
    return [...this.comments.values()].filter((c) => c.postId === postId).slice(0, limit);
  }

  async listLikeIds(postId: string, limit: number) {
    return [...this.likes.entries()]
      .filter(([, like]) => like.postId === postId)
      .map(([id]) => id)
      .slice(0, limit);
  }

  async deleteLikeById(likeId: string) {
    this.writes.push(`deleteLikeById ${likeId}`);
    return this.likes.delete(likeId);
  }

  /** Prepared atomic writes neither used nor released: open transactions, upstream. */
  openTransactions = 0;

  prepareAtomic(): PreparedAtomic {
    this.openTransactions += 1;
    let open = true;
    const close = () => {
      if (open) this.openTransactions -= 1;
      open = false;
    };
    return {
      atomically: (write) => {
        if (!open) throw new Error('A prepared atomic write is used once.');
        close();
        return this.atomically(write);
      },
      release: async () => close(),
    };
  }

  async atomically(write: AtomicWrite): Promise<AtomicOutcome> {
    if (operationCount(write) > MAX_OPERATIONS) {
      throw new Error(`transaction_limit_exceeded: ${operationCount(write)} operations`);
    }
    for (const row of write.rows) {
      const exists = this.#table(row.table).has(row.rowId);
      if (row.action === 'create' && exists) return { status: 'exists', rowId: row.rowId };
      if (row.action !== 'create' && !exists) return { status: 'missing', rowId: row.rowId };
    }
    const counters = mergedCounters(write.counters);
    for (const { counter, required } of counters) {
      if (required && counter.table === 'posts' && !this.posts.has(counter.rowId)) {
        return { status: 'missing', rowId: counter.rowId };
      }
    }
    this.writes.push(`atomically ${write.rows.map((r) => `${r.action} ${r.table} ${r.rowId}`)}`);
    const now = new Date().toISOString();
    for (const row of write.rows) {
      if (row.action === 'delete') {
        this.#table(row.table).delete(row.rowId);
        this.permissions.delete(`${row.table}/${row.rowId}`);
      } else if (row.action === 'update') {
        const stored = this.#table(row.table).get(row.rowId) as Record<string, unknown>;
        Object.assign(stored, row.data, { $updatedAt: now });
        if (row.permissions) this.permissions.set(`${row.table}/${row.rowId}`, row.permissions);
      } else if (row.table === 'likes') this.likes.set(row.rowId, { ...row.data });
      else if (row.table === 'notifications') {
        this.notifications.set(row.rowId, {
          $id: row.rowId,
          $createdAt: now,
          $updatedAt: now,
          ...row.data,
        });
      } else {
        this.comments.set(row.rowId, {
          $id: row.rowId,
          $createdAt: now,
          $updatedAt: now,
          ...row.data,
        });
        this.permissions.set(`comments/${row.rowId}`, [...VISIBLE_READ]);
      }
    }
    for (const { counter, delta } of counters) this.#move(counter, delta);
    return { status: 'done' };
  }

  /** Whether a guest could read the row: its permissions hold `read("any")`. */
  isPublic(table: 'posts' | 'comments', rowId: string): boolean {
    return this.permissions.get(`${table}/${rowId}`)?.includes('read("any")') ?? false;
  }

  #table(
    table: 'posts' | 'comments' | 'likes' | 'reports' | 'notifications',
  ): Map<string, unknown> {
    if (table === 'posts') return this.posts;
    if (table === 'comments') return this.comments;
    if (table === 'reports') return this.reports;
    if (table === 'notifications') return this.notifications;
    return this.likes;
  }

  async userIdsByHandles(handles: readonly string[]) {
    return handles.flatMap((handle) => {
      const id = this.handles.get(handle);
      return id === undefined ? [] : [id];
    });
  }

  async recentCommenters(postId: string, limit: number) {
    return [...this.comments.values()]
      .filter((c) => c.postId === postId)
      .reverse()
      .slice(0, limit)
      .map((c) => c.authorId);
  }

  async upsertNotification({ rowId, data }: NotificationWrite) {
    this.writes.push(`upsertNotification ${rowId}`);
    const now = new Date().toISOString();
    const existing = this.notifications.get(rowId);
    this.notifications.set(rowId, {
      $id: rowId,
      $createdAt: existing?.$createdAt ?? now,
      $updatedAt: now,
      ...data,
    });
  }

  async getNotification(notificationId: string) {
    const row = this.notifications.get(notificationId);
    return row ? structuredClone(row) : null;
  }

  async markNotificationRead(notificationId: string) {
    this.writes.push(`markNotificationRead ${notificationId}`);
    const row = this.notifications.get(notificationId);
    if (!row) return false;
    row.read = true;
    return true;
  }

  async markAllNotificationsRead(recipientId: string) {
    this.writes.push(`markAllNotificationsRead ${recipientId}`);
    let updated = 0;
    for (const row of this.notifications.values()) {
      if (row.recipientId !== recipientId || row.read) continue;
      row.read = true;
      updated += 1;
    }
    return updated;
  }

  async bump(counter: CounterRef, delta: number) {
    this.writes.push(`bump ${counter.table}.${counter.column} ${delta}`);
    return this.#move(counter, delta);
  }

  /** A counter moved by `delta`, never below 0; `null` when its row is missing (`stats` is made). */
  #move(counter: CounterRef, delta: number): number | null {
    const move = (value: number) => Math.max(0, value + delta);
    if (counter.table === 'stats') {
      this.stats ??= { users: 0, posts: 0, comments: 0, likes: 0 };
      this.stats[counter.column] = move(this.stats[counter.column]);
      return this.stats[counter.column];
    }
    const row =
      counter.table === 'posts' ? this.posts.get(counter.rowId) : this.profiles.get(counter.rowId);
    if (!row) return null;
    const record = row as unknown as Record<string, number>;
    record[counter.column] = move(record[counter.column] ?? 0);
    return record[counter.column] ?? 0;
  }
}
