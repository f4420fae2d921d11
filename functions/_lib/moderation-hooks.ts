import type { ReportTarget } from '#shared/schemas/report.ts';
import { type NotificationWrite, notifyModeration } from './notifications.ts';

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

/** Where the author's notification is written: `PostsRepo.upsertNotification`. */
export interface NotificationWriter {
  upsertNotification(write: NotificationWrite): Promise<void>;
}

/**
 * Tells the author their post or comment was hidden, and why (`notifyModeration`; the moderator
 * stays unnamed). Called after the hide commits, once per hide; never for content already hidden.
 * The row's id is derived from (target, author), so hiding again after "Show again" makes the same
 * notification unread again instead of a second one. It never throws into the caller: the hide is
 * done whatever happens to the notification, which is logged through `log` when it fails.
 */
export async function notifyAuthorOfHide(
  writer: NotificationWriter,
  notice: HiddenNotice,
  log: (message: string) => void,
): Promise<void> {
  const write = notifyModeration(notice.authorId, {
    postId: notice.postId,
    commentId: notice.targetType === 'comment' ? notice.targetId : null,
    reason: notice.reason,
  });
  await writer.upsertNotification(write).catch((thrown: unknown) => {
    log(`moderation notification not written: ${String(thrown)}`);
  });
}
