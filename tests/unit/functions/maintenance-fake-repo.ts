/**
 * An in-memory `MaintenanceRepo`: a small board (posts, likes, comments, profiles, the stats row),
 * avatar and export files, jobs, webhook deliveries and rate-limit rows. Pages follow Appwrite's
 * cursor rules where maintenance depends on them — stable order, and a cursor naming a row that no
 * longer exists is an error (`general_cursor_not_found`), so a sweep that pages past what it deleted
 * fails here as it would on Appwrite. Every write is recorded.
 */
import { hiddenRead, VISIBLE_READ } from '../../../functions/_lib/visibility.ts';
import type {
  CountedBy,
  JobRef,
  MaintenanceRepo,
  PostCounters,
  ProfileCounters,
  PurgedTable,
} from '../../../functions/maintenance/src/maintenance-repo.ts';
import type { StatsFields } from '../../../shared/schemas/stats.ts';

export interface FakePost extends PostCounters {}
export interface FakeProfile extends ProfileCounters {
  avatarId: string | null;
  name?: string;
  /** `undefined`/`null`: made before handles. */
  handle?: string | null;
}
export interface FakeFile {
  createdAt: Date;
}
export interface FakeJob {
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  updatedAt: Date;
  fileId: string | null;
}

/** Rows in id order after `after`; a cursor that names no row is Appwrite's 400. */
function pageOf<T>(rows: Map<string, T>, after: string | null, limit: number): [string, T][] {
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (after !== null && !rows.has(after)) {
    throw new Error(`general_cursor_not_found: ${after}`);
  }
  const start = after === null ? 0 : sorted.findIndex(([id]) => id === after) + 1;
  return sorted.slice(start, start + limit);
}

export class FakeMaintenanceRepo implements MaintenanceRepo {
  readonly posts = new Map<string, FakePost>();
  readonly likes = new Map<string, { postId: string; userId: string }>();
  readonly comments = new Map<string, { postId: string; authorId: string; hidden?: boolean }>();
  readonly profiles = new Map<string, FakeProfile>();
  stats: StatsFields | null = null;
  readonly avatars = new Map<string, FakeFile>();
  readonly exports = new Map<string, FakeFile>();
  readonly jobs = new Map<string, FakeJob>();
  readonly deliveries = new Map<string, { receivedAt: Date }>();
  readonly rateLimits = new Map<string, { windowStart: Date }>();
  readonly admins = new Set<string>();
  readonly writes: string[] = [];
  /** The largest `values` list one count was asked for (the repo says ≤ 100). */
  largestCount = 0;

  /** `null` for an id that is not a project user (a console member). */
  async isAdmin(userId: string) {
    if (this.admins.has(userId)) return true;
    return this.profiles.has(userId) ? false : null;
  }

  async postsPage(after: string | null, limit: number) {
    return pageOf(this.posts, after, limit).map(([, post]) => ({ ...post }));
  }

  async profilesPage(after: string | null, limit: number) {
    return pageOf(this.profiles, after, limit).map(([, p]) => ({
      $id: p.$id,
      postsCount: p.postsCount,
      commentsCount: p.commentsCount,
      likesReceived: p.likesReceived,
    }));
  }

  async countBy(counted: CountedBy, values: readonly string[]) {
    this.largestCount = Math.max(this.largestCount, values.length);
    const wanted = new Set(values);
    const rows: Array<{ postId?: string; authorId?: string; hidden?: boolean }> =
      counted.table === 'likes'
        ? [...this.likes.values()]
        : counted.table === 'comments'
          ? [...this.comments.values()]
          : [...this.posts.values()];
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = row[counted.column] ?? '';
      if (wanted.has(key) && !row.hidden) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  async likesReceivedBy(authorIds: readonly string[]) {
    const wanted = new Set(authorIds);
    const sums = new Map<string, number>();
    for (const post of this.posts.values()) {
      if (wanted.has(post.authorId)) {
        sums.set(post.authorId, (sums.get(post.authorId) ?? 0) + post.likesCount);
      }
    }
    return sums;
  }

  async getStats() {
    return this.stats && { ...this.stats };
  }

  async writeStats(fields: StatsFields) {
    this.writes.push('writeStats');
    this.stats = { ...fields };
  }

  /**
   * Read permissions a test gave a post or comment (`"posts/p0001"`); a row not named here carries
   * the ones its `hidden` flag calls for.
   */
  readonly readers = new Map<string, string[]>();

  async readersPage(table: 'posts' | 'comments', after: string | null, limit: number) {
    const rows: Map<string, { authorId: string; hidden?: boolean }> =
      table === 'posts' ? this.posts : this.comments;
    return pageOf(rows, after, limit).map(([id, row]) => ({
      $id: id,
      authorId: row.authorId,
      hidden: row.hidden === true,
      permissions:
        this.readers.get(`${table}/${id}`) ??
        (row.hidden ? hiddenRead(row.authorId) : [...VISIBLE_READ]),
    }));
  }

  async writePermissions(table: 'posts' | 'comments', rowId: string, permissions: string[]) {
    this.writes.push(`writePermissions ${table}/${rowId}`);
    const rows: Map<string, unknown> = table === 'posts' ? this.posts : this.comments;
    if (!rows.has(rowId)) return false;
    this.readers.set(`${table}/${rowId}`, permissions);
    return true;
  }

  async profilesWithoutHandle(limit: number) {
    return [...this.profiles.entries()]
      .filter(([, p]) => !p.handle)
      .slice(0, limit)
      .map(([$id, p]) => ({ $id, name: p.name ?? $id }));
  }

  async setHandle(userId: string, handle: string) {
    this.writes.push(`setHandle ${userId} ${handle}`);
    const profile = this.profiles.get(userId);
    if (!profile) return 'gone' as const;
    if ([...this.profiles.values()].some((p) => p.handle === handle)) return 'taken' as const;
    profile.handle = handle;
    return 'set' as const;
  }

  async writeCounters(table: 'posts' | 'profiles', rowId: string, values: Record<string, number>) {
    this.writes.push(`writeCounters ${table}/${rowId}`);
    const row = table === 'posts' ? this.posts.get(rowId) : this.profiles.get(rowId);
    if (!row) return false;
    Object.assign(row, values);
    return true;
  }

  async avatarFilesPage(before: Date, after: string | null, limit: number) {
    const old = new Map([...this.avatars].filter(([, file]) => file.createdAt < before));
    if (after !== null && !this.avatars.has(after)) throw new Error('general_cursor_not_found');
    if (after !== null) old.set(after, this.avatars.get(after) as FakeFile);
    return pageOf(old, after, limit).map(([id]) => id);
  }

  async linkedAvatars(fileIds: readonly string[]) {
    const linked = new Set<string>();
    for (const profile of this.profiles.values()) {
      if (profile.avatarId !== null && fileIds.includes(profile.avatarId)) {
        linked.add(profile.avatarId);
      }
    }
    return linked;
  }

  async deleteFile(bucket: 'avatars' | 'exports', fileId: string) {
    this.writes.push(`deleteFile ${bucket}/${fileId}`);
    return (bucket === 'avatars' ? this.avatars : this.exports).delete(fileId);
  }

  async finishedJobsPage(before: Date, after: string | null, limit: number) {
    const finished = new Map(
      [...this.jobs].filter(
        ([id, job]) =>
          id === after ||
          ((job.status === 'succeeded' || job.status === 'failed') && job.updatedAt < before),
      ),
    );
    if (after !== null && !this.jobs.has(after)) throw new Error('general_cursor_not_found');
    return pageOf(finished, after, limit).map(
      ([id, job]): JobRef => ({ $id: id, fileId: job.fileId }),
    );
  }

  async deliveriesPage(before: Date, after: string | null, limit: number) {
    return this.olderThan(this.deliveries, (row) => row.receivedAt, before, after, limit);
  }

  async rateLimitsPage(before: Date, after: string | null, limit: number) {
    return this.olderThan(this.rateLimits, (row) => row.windowStart, before, after, limit);
  }

  async deleteRow(table: PurgedTable, rowId: string) {
    this.writes.push(`deleteRow ${table}/${rowId}`);
    const rows =
      table === 'jobs' ? this.jobs : table === 'ratelimits' ? this.rateLimits : this.deliveries;
    return rows.delete(rowId);
  }

  private olderThan<T>(
    rows: Map<string, T>,
    at: (row: T) => Date,
    before: Date,
    after: string | null,
    limit: number,
  ): string[] {
    if (after !== null && !rows.has(after)) throw new Error('general_cursor_not_found');
    const old = new Map([...rows].filter(([id, row]) => id === after || at(row) < before));
    return pageOf(old, after, limit).map(([id]) => id);
  }
}
