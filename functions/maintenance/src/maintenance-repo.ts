import {
  AppwriteException,
  type Client,
  type Models,
  Query,
  Storage,
  TablesDB,
  Users,
} from 'node-appwrite';
import { isStatus } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { ADMIN_LABEL, BucketId, DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import type { StatsFields } from '#shared/schemas/stats.ts';

/** A post's counters as stored; a `hidden` post is out of `stats` and its author's counts. */
export interface PostCounters {
  $id: string;
  authorId: string;
  likesCount: number;
  commentsCount: number;
  hidden?: boolean;
}

/** A profile's counters as stored (row id = user id). */
export interface ProfileCounters {
  $id: string;
  postsCount: number;
  commentsCount: number;
  likesReceived: number;
}

/** A post or comment as the visibility repair reads it. */
export interface ReadersRow {
  $id: string;
  authorId: string;
  hidden: boolean;
  permissions: string[];
}

/** A finished job and the export file it made, if any. */
export interface JobRef {
  $id: string;
  fileId: string | null;
}

/** The rows maintenance deletes by id when they are old. */
export type PurgedTable = 'jobs' | 'webhook_deliveries' | 'ratelimits';

/** A table and the column whose rows are counted per value (likes per post, comments per author, …). */
export type CountedBy =
  | { table: 'likes'; column: 'postId' }
  | { table: 'comments'; column: 'postId' | 'authorId' }
  | { table: 'posts'; column: 'authorId' };

/**
 * What `maintenance` asks of Appwrite. Every list is one page: a caller pages with `after` (the last
 * id it kept), so memory stays bounded by the page size however big the board is. The node-appwrite
 * implementation is below; the unit tests use an in-memory one.
 */
export interface MaintenanceRepo {
  /**
   * Whether the project user carries the `admin` label (Users API, scope `users.read`); `null` when
   * the project has no such user (a console member running it from the console).
   */
  isAdmin(userId: string): Promise<boolean | null>;
  /** Up to `limit` posts after the post `after` (`null`: from the start), in a stable order. */
  postsPage(after: string | null, limit: number): Promise<PostCounters[]>;
  /** Up to `limit` profiles after the profile `after`, in a stable order. */
  profilesPage(after: string | null, limit: number): Promise<ProfileCounters[]>;
  /**
   * For each of `values` (≤ 100), how many rows have `column` equal to it; missing means 0. Hidden
   * posts and comments are not counted (moderation: counters count what everyone sees).
   */
  countBy(counted: CountedBy, values: readonly string[]): Promise<Map<string, number>>;
  /** For each of `authorIds` (≤ 100), the sum of `likesCount` over their posts (hidden ones too). */
  likesReceivedBy(authorIds: readonly string[]): Promise<Map<string, number>>;
  /** The `global` row's counters, `null` when there is none yet. */
  getStats(): Promise<StatsFields | null>;
  /** Sets the `global` row to `fields`, creating it when missing. */
  writeStats(fields: StatsFields): Promise<void>;
  /** Up to `limit` profiles with no handle yet (made before handles): id and name. */
  profilesWithoutHandle(limit: number): Promise<{ $id: string; name: string }[]>;
  /** Gives a profile its handle: `taken` when another profile holds it (unique index), `gone` (404). */
  setHandle(userId: string, handle: string): Promise<'set' | 'taken' | 'gone'>;
  /** Sets counters of a post or profile to absolute values; `false` when the row is gone. */
  writeCounters(
    table: 'posts' | 'profiles',
    rowId: string,
    values: Record<string, number>,
  ): Promise<boolean>;
  /**
   * Up to `limit` posts or comments after the row `after`, with what their read permissions need:
   * their author, whether they are hidden, and the permissions they carry.
   */
  readersPage(
    table: 'posts' | 'comments',
    after: string | null,
    limit: number,
  ): Promise<ReadersRow[]>;
  /** Replaces a row's permissions; `false` when the row is gone. */
  writePermissions(
    table: 'posts' | 'comments',
    rowId: string,
    permissions: string[],
  ): Promise<boolean>;
  /** Up to `limit` ids of `avatars` files created before `before`, after the file `after`. */
  avatarFilesPage(before: Date, after: string | null, limit: number): Promise<string[]>;
  /** Which of `fileIds` (≤ 100) a profile links as its `avatarId`. */
  linkedAvatars(fileIds: readonly string[]): Promise<Set<string>>;
  /** Deletes a file; `false` when it was already gone. */
  deleteFile(bucket: 'avatars' | 'exports', fileId: string): Promise<boolean>;
  /** Up to `limit` succeeded or failed jobs last updated before `before`, after the job `after`. */
  finishedJobsPage(before: Date, after: string | null, limit: number): Promise<JobRef[]>;
  /** Up to `limit` ids of webhook deliveries received before `before`, after the row `after`. */
  deliveriesPage(before: Date, after: string | null, limit: number): Promise<string[]>;
  /**
   * Up to `limit` ids of rate-limit rows whose window started before `before`, after the row
   * `after`; empty when the project has no `ratelimits` table.
   */
  rateLimitsPage(before: Date, after: string | null, limit: number): Promise<string[]>;
  /** Deletes a row by id; `false` when it was already gone. */
  deleteRow(table: PurgedTable, rowId: string): Promise<boolean>;
}

/** How many rows one read of the rows being counted takes (Appwrite allows up to 5,000). */
const COUNT_PAGE = 1000;

/** `false` on a 404 (already gone), else rethrows. */
async function gone(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await withRetry(work);
    return true;
  } catch (thrown) {
    if (isStatus(thrown, 404)) return false;
    throw thrown;
  }
}

/** Appwrite's date-time format (`…+00:00`), so a text comparison with stored values is exact. */
function appwriteDate(at: Date): string {
  return at.toISOString().replace('Z', '+00:00');
}

function after(id: string | null): string[] {
  return id === null ? [] : [Query.cursorAfter(id)];
}

function numberOf(row: Models.Row, column: string): number {
  return Number((row as unknown as Record<string, unknown>)[column] ?? 0);
}

/** Rows made before moderation have no `hidden`: visible. */
function isHidden(row: Models.Row): boolean {
  return (row as unknown as Record<string, unknown>).hidden === true;
}

function textOf(row: Models.Row, column: string): string {
  return String((row as unknown as Record<string, unknown>)[column] ?? '');
}

/**
 * The repository over `node-appwrite`, with the execution's client. Reads, absolute writes and
 * deletes by id are idempotent, so each retries transient failures; nothing here increments.
 */
export function createMaintenanceRepo(client: Client): MaintenanceRepo {
  const tables = new TablesDB(client);
  const storage = new Storage(client);
  const users = new Users(client);
  const databaseId = DATABASE_ID;

  const list = (tableId: string, queries: string[]) =>
    withRetry(() => tables.listRows({ databaseId, tableId, queries, total: false }));

  /** Pages through every row with `column` in `values`, calling `visit` on each. */
  async function eachMatch(
    tableId: string,
    column: string,
    values: readonly string[],
    columns: string[],
    visit: (row: Models.Row) => void,
  ): Promise<void> {
    if (values.length === 0) return;
    let cursor: string | null = null;
    for (;;) {
      const page = await list(tableId, [
        Query.equal(column, [...values]),
        Query.select(['$id', ...columns]),
        Query.limit(COUNT_PAGE),
        ...after(cursor),
      ]);
      for (const row of page.rows) visit(row);
      if (page.rows.length < COUNT_PAGE) return;
      cursor = page.rows[page.rows.length - 1]?.$id ?? null;
    }
  }

  return {
    async isAdmin(userId) {
      try {
        const user = await withRetry(() => users.get({ userId }));
        return user.labels.includes(ADMIN_LABEL);
      } catch (thrown) {
        if (isStatus(thrown, 404)) return null;
        throw thrown;
      }
    },
    async postsPage(cursor, limit) {
      const page = await list(TableId.posts, [
        Query.select(['$id', 'authorId', 'likesCount', 'commentsCount', 'hidden']),
        Query.limit(limit),
        ...after(cursor),
      ]);
      return page.rows.map((row) => ({
        $id: row.$id,
        authorId: textOf(row, 'authorId'),
        likesCount: numberOf(row, 'likesCount'),
        commentsCount: numberOf(row, 'commentsCount'),
        hidden: isHidden(row),
      }));
    },
    async profilesPage(cursor, limit) {
      const page = await list(TableId.profiles, [
        Query.select(['$id', 'postsCount', 'commentsCount', 'likesReceived']),
        Query.limit(limit),
        ...after(cursor),
      ]);
      return page.rows.map((row) => ({
        $id: row.$id,
        postsCount: numberOf(row, 'postsCount'),
        commentsCount: numberOf(row, 'commentsCount'),
        likesReceived: numberOf(row, 'likesReceived'),
      }));
    },
    async countBy({ table, column }, values) {
      const counts = new Map<string, number>();
      const columns = table === 'likes' ? [column] : [column, 'hidden'];
      await eachMatch(table, column, values, columns, (row) => {
        if (isHidden(row)) return;
        const key = textOf(row, column);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
      return counts;
    },
    async likesReceivedBy(authorIds) {
      const sums = new Map<string, number>();
      await eachMatch(TableId.posts, 'authorId', authorIds, ['authorId', 'likesCount'], (row) => {
        const key = textOf(row, 'authorId');
        sums.set(key, (sums.get(key) ?? 0) + numberOf(row, 'likesCount'));
      });
      return sums;
    },
    async getStats() {
      const page = await list(TableId.stats, [Query.equal('$id', STATS_ROW_ID), Query.limit(1)]);
      const row = page.rows[0];
      if (!row) return null;
      return {
        users: numberOf(row, 'users'),
        posts: numberOf(row, 'posts'),
        comments: numberOf(row, 'comments'),
        likes: numberOf(row, 'likes'),
      };
    },
    async writeStats(fields) {
      // upsertRow sets the row whether or not it exists: one idempotent call.
      await withRetry(() =>
        tables.upsertRow({
          databaseId,
          tableId: TableId.stats,
          rowId: STATS_ROW_ID,
          data: fields,
          permissions: [],
        }),
      );
    },
    async readersPage(table, cursor, limit) {
      // System fields ($permissions) come with any select.
      const page = await list(TableId[table], [
        Query.select(['$id', 'authorId', 'hidden']),
        Query.limit(limit),
        ...after(cursor),
      ]);
      return page.rows.map((row) => ({
        $id: row.$id,
        authorId: textOf(row, 'authorId'),
        hidden: isHidden(row),
        permissions: row.$permissions,
      }));
    },
    writePermissions(table, rowId, permissions) {
      return gone(() =>
        tables.updateRow({ databaseId, tableId: TableId[table], rowId, permissions }),
      );
    },
    async profilesWithoutHandle(limit) {
      const page = await list(TableId.profiles, [
        Query.isNull('handle'),
        Query.select(['$id', 'name']),
        Query.limit(limit),
      ]);
      return page.rows.map((row) => ({ $id: row.$id, name: textOf(row, 'name') }));
    },
    async setHandle(userId, handle) {
      try {
        await withRetry(() =>
          tables.updateRow({
            databaseId,
            tableId: TableId.profiles,
            rowId: userId,
            data: { handle },
          }),
        );
        return 'set';
      } catch (thrown) {
        if (isStatus(thrown, 409)) return 'taken';
        if (isStatus(thrown, 404)) return 'gone';
        throw thrown;
      }
    },
    writeCounters(table, rowId, values) {
      return gone(() =>
        tables.updateRow({ databaseId, tableId: TableId[table], rowId, data: values }),
      );
    },
    async avatarFilesPage(before, cursor, limit) {
      const page = await withRetry(() =>
        storage.listFiles({
          bucketId: BucketId.avatars,
          queries: [
            Query.lessThan('$createdAt', appwriteDate(before)),
            Query.limit(limit),
            ...after(cursor),
          ],
          total: false,
        }),
      );
      return page.files.map((file) => file.$id);
    },
    async linkedAvatars(fileIds) {
      const linked = new Set<string>();
      await eachMatch(TableId.profiles, 'avatarId', fileIds, ['avatarId'], (row) => {
        linked.add(textOf(row, 'avatarId'));
      });
      return linked;
    },
    deleteFile(bucket, fileId) {
      return gone(() => storage.deleteFile({ bucketId: BucketId[bucket], fileId }));
    },
    async finishedJobsPage(before, cursor, limit) {
      const page = await list(TableId.jobs, [
        Query.equal('status', ['succeeded', 'failed']),
        Query.lessThan('$updatedAt', appwriteDate(before)),
        Query.select(['$id', 'fileId']),
        Query.limit(limit),
        ...after(cursor),
      ]);
      return page.rows.map((row) => {
        const fileId = (row as unknown as { fileId?: string | null }).fileId;
        return { $id: row.$id, fileId: fileId ? fileId : null };
      });
    },
    async deliveriesPage(before, cursor, limit) {
      const page = await list(TableId.webhookDeliveries, [
        Query.lessThan('receivedAt', appwriteDate(before)),
        Query.select(['$id']),
        Query.limit(limit),
        ...after(cursor),
      ]);
      return page.rows.map((row) => row.$id);
    },
    async rateLimitsPage(before, cursor, limit) {
      try {
        const page = await list(TableId.ratelimits, [
          Query.lessThan('windowStart', appwriteDate(before)),
          Query.select(['$id']),
          Query.limit(limit),
          ...after(cursor),
        ]);
        return page.rows.map((row) => row.$id);
      } catch (thrown) {
        // A project deployed without the rate-limit table has nothing to purge.
        if (isStatus(thrown, 404) && thrown instanceof AppwriteException) {
          if (thrown.type === 'table_not_found') return [];
        }
        throw thrown;
      }
    },
    deleteRow(table, rowId) {
      const tableId =
        table === 'jobs'
          ? TableId.jobs
          : table === 'ratelimits'
            ? TableId.ratelimits
            : TableId.webhookDeliveries;
      return gone(() => tables.deleteRow({ databaseId, tableId, rowId }));
    },
  };
}
