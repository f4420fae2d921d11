import { type Client, Query, TablesDB } from 'node-appwrite';
import { isStatus, orNull } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import type { ReportFields } from '#shared/schemas/report.ts';
import type { RowHead } from '../../_lib/post-cascade.ts';
import { createPostsRepo, type PostsRepo } from '../../posts/src/posts-repo.ts';

export type ReportRow = RowHead & ReportFields;

/** How many open reports of one target a hide settles in its transaction (the rest stay open). */
export const SETTLE_LIMIT = 50;

/**
 * What the `moderation` function asks of Appwrite: the posts repository's reads and atomic writes
 * (a hide is one transaction: the row, its permissions, the reports, the counters), plus the
 * `reports` table. The node-appwrite implementation is below; the unit tests use
 * tests/unit/functions/moderation-fake-repo.ts.
 */
export interface ModerationRepo
  extends Pick<
    PostsRepo,
    'getMember' | 'getPost' | 'getComment' | 'atomically' | 'upsertNotification'
  > {
  /** Creates the report with this id; `null` when it exists already (409). */
  createReport(rowId: string, fields: ReportFields): Promise<ReportRow | null>;
  getReport(reportId: string): Promise<ReportRow | null>;
  /** The ids of up to `limit` open reports of one post or comment. */
  openReportIds(targetId: string, limit: number): Promise<string[]>;
  /**
   * The ids of up to `limit` notifications that quote a post (`commentId: null`: the mentions in it)
   * or a comment to anyone but `authorId` (index `about`).
   */
  notificationsQuoting(
    about: { postId: string; commentId: string | null },
    authorId: string,
    limit: number,
  ): Promise<string[]>;
}

function reportOf(row: RowHead & ReportFields): ReportRow {
  const { targetType, targetId, postId, authorId, reporterId, reason, status } = row;
  return {
    $id: row.$id,
    $createdAt: row.$createdAt,
    $updatedAt: row.$updatedAt,
    ...{ targetType, targetId, postId, authorId, reporterId, reason, status },
  };
}

/**
 * The repository over node-appwrite. The report's create has a derived id, so a retry after a lost
 * answer finds its own row (409) and answers it: it goes through `withRetry` like the reads.
 */
export function createModerationRepo(client: Client): ModerationRepo {
  const posts = createPostsRepo(client);
  const tables = new TablesDB(client);
  const base = { databaseId: DATABASE_ID, tableId: TableId.reports };
  return {
    getMember: posts.getMember,
    getPost: posts.getPost,
    getComment: posts.getComment,
    atomically: posts.atomically,
    upsertNotification: posts.upsertNotification,
    async createReport(rowId, fields) {
      try {
        // The table grants read("label:admin"); the row needs no permissions of its own.
        const row = await withRetry(() =>
          tables.createRow({ ...base, rowId, data: fields, permissions: [] }),
        );
        return reportOf(row as unknown as ReportRow);
      } catch (thrown) {
        if (isStatus(thrown, 409)) return null;
        throw thrown;
      }
    },
    async getReport(reportId) {
      const row = await orNull(withRetry(() => tables.getRow({ ...base, rowId: reportId })));
      return row === null ? null : reportOf(row as unknown as ReportRow);
    },
    async openReportIds(targetId, limit) {
      const list = await withRetry(() =>
        tables.listRows({
          ...base,
          queries: [
            Query.equal('targetId', targetId),
            Query.equal('status', 'open'),
            Query.select(['$id']),
            Query.limit(limit),
          ],
          total: false,
        }),
      );
      return list.rows.map((row) => row.$id);
    },
    async notificationsQuoting(about, authorId, limit) {
      const list = await withRetry(() =>
        tables.listRows({
          databaseId: DATABASE_ID,
          tableId: TableId.notifications,
          queries: [
            Query.equal('postId', about.postId),
            about.commentId === null
              ? Query.isNull('commentId')
              : Query.equal('commentId', about.commentId),
            Query.notEqual('recipientId', authorId),
            Query.select(['$id']),
            Query.limit(limit),
          ],
          total: false,
        }),
      );
      return list.rows.map((row) => row.$id);
    },
  };
}
