/**
 * An in-memory `ModerationRepo`: `FakePostsRepo` (via `FakeOnUserDeletedRepo`: posts, comments, likes, counters, row permissions,
 * all-or-nothing atomic writes) plus the `reports` table with Appwrite's 409 for a second report of
 * the same id.
 */
import type {
  ModerationRepo,
  ReportRow,
} from '../../../functions/moderation/src/moderation-repo.ts';
import type { ReportFields } from '../../../shared/schemas/report.ts';
import { FakeOnUserDeletedRepo } from './on-user-deleted-fake-repo.ts';

/** Built on the on-user-deleted fake (itself the posts fake), so one board serves all three. */
export class FakeModerationRepo extends FakeOnUserDeletedRepo implements ModerationRepo {
  async createReport(rowId: string, fields: ReportFields): Promise<ReportRow | null> {
    this.writes.push(`createReport ${rowId}`);
    if (this.reports.has(rowId)) return null;
    const now = new Date().toISOString();
    const report: ReportRow = { $id: rowId, $createdAt: now, $updatedAt: now, ...fields };
    this.reports.set(rowId, report);
    return structuredClone(report);
  }

  async getReport(reportId: string): Promise<ReportRow | null> {
    const report = this.reports.get(reportId);
    return report ? structuredClone(report) : null;
  }

  async openReportIds(targetId: string, limit: number): Promise<string[]> {
    return [...this.reports.values()]
      .filter((r) => r.targetId === targetId && r.status === 'open')
      .map((r) => r.$id)
      .slice(0, limit);
  }

  async notificationsQuoting(
    about: { postId: string; commentId: string | null },
    authorId: string,
    limit: number,
  ): Promise<string[]> {
    return [...this.notifications.values()]
      .filter(
        (n) =>
          n.postId === about.postId &&
          n.commentId === about.commentId &&
          n.recipientId !== authorId,
      )
      .map((n) => n.$id)
      .slice(0, limit);
  }
}
