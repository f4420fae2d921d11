import { Query } from 'appwrite';
import { FunctionId, Route } from '#shared/functions.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import type { Comment } from '#shared/schemas/comment.ts';
import type { Post } from '#shared/schemas/post.ts';
import { Report, type ReportResolve, type ReportTarget } from '#shared/schemas/report.ts';
import { tables } from '../appwrite.ts';
import { callFunction } from '../call-function.ts';
import { withRetry } from '../retry.ts';

/**
 * Moderation: members report through the `moderation` function; admins read the queue straight from
 * the `reports` table (read("label:admin")) and act through the function.
 */

/** Reports the queue shows at once: the oldest open ones. */
export const QUEUE_PAGE = 50;

/** Reports a post or comment; reporting again answers the same report. */
export const reportContent = (targetType: ReportTarget, targetId: string, reason: string) =>
  callFunction<Report>(
    FunctionId.moderation,
    Route.moderation.report,
    {},
    {
      targetType,
      targetId,
      reason,
    },
  );

export const resolveReport = (reportId: string, decision: ReportResolve) =>
  callFunction<Report>(FunctionId.moderation, Route.moderation.resolve, { reportId }, decision);

export const restorePost = (postId: string) =>
  callFunction<Post>(FunctionId.moderation, Route.moderation.restorePost, { postId });

export const restoreComment = (commentId: string) =>
  callFunction<Comment>(FunctionId.moderation, Route.moderation.restoreComment, { commentId });

/** Parses a row from a list or a Realtime payload; null when it is not a report. */
export function toReport(row: unknown): Report | null {
  const parsed = Report.safeParse(row);
  return parsed.success ? parsed.data : null;
}

/** The open reports, oldest first (index `queue`). */
export async function listOpenReports(): Promise<Report[]> {
  const result = await withRetry(() =>
    tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.reports,
      queries: [
        Query.equal('status', 'open'),
        Query.orderAsc('$createdAt'),
        Query.limit(QUEUE_PAGE),
      ],
      total: false,
    }),
  );
  return result.rows.map(toReport).filter((report): report is Report => report !== null);
}
