import type { ReportTarget } from '#shared/schemas/report.ts';

/** What was hidden, for the author's notification. */
export interface HiddenNotice {
  /** Who wrote it: the one to notify. */
  authorId: string;
  targetType: ReportTarget;
  targetId: string;
  /** The post itself, or the comment's post (where a notification links to). */
  postId: string;
  /** The reason the admin gave, as the author will read it on the row. */
  reason: string;
  /** The admin who hid it. */
  hiddenBy: string;
}

/**
 * HOOK FOR NOTIFICATIONS — does nothing yet. `moderation` calls it after a post or comment is hidden
 * (after the commit, once per hide; never for content already hidden). The notifications work (built
 * alongside, merged by the lead) should write the author's notification row here. It must not throw
 * into the caller: the hide is done whatever happens to the notification.
 */
export async function notifyAuthorOfHide(_notice: HiddenNotice): Promise<void> {}
