import type { Report } from '#shared/schemas/report.ts';

/**
 * The queue after a report changed (a Realtime event, or an admin's own action): an open report is
 * in it once, oldest first; a settled or deleted one leaves it.
 */
export function applyReport(
  queue: readonly Report[],
  report: Report,
  action: 'create' | 'update' | 'delete',
): Report[] {
  const rest = queue.filter((row) => row.$id !== report.$id);
  if (action === 'delete' || report.status !== 'open') return rest;
  return [...rest, report].sort((a, b) => a.$createdAt.localeCompare(b.$createdAt));
}

/** Where a report's content is: the post's page, at the comment for a comment. */
export function reportPath(report: Pick<Report, 'targetType' | 'targetId' | 'postId'>): string {
  return `/post/${encodeURIComponent(report.postId)}`;
}

/** How the queue names what was reported. */
export function reportSubject(report: Pick<Report, 'targetType'>): string {
  return report.targetType === 'post' ? 'A post' : 'A comment';
}
