import type { NotificationsRead } from '#shared/schemas/notification.ts';
import { AppError } from '../../_lib/app-error.ts';
import { noBody } from '../../_lib/body.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { requireMember } from '../../_lib/member.ts';
import type { RepoFor } from './posts-handlers.ts';
import { validId } from './posts-handlers.ts';

function notificationNotFound(): AppError {
  return new AppError('row_not_found', 'No notification with this id.');
}

/**
 * `PUT /notifications/:notificationId/read`: the recipient marks one notification read
 * (idempotent). Someone else's is a 404, as a missing one: its existence is not the caller's
 * business (the row is readable by its recipient only). Needs a member, not a verified email.
 */
export function readNotification(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const { userId } = await requireMember(req, (id) => repo.getMember(id), { verified: false });
    noBody(req);
    const id = validId(params.notificationId);
    const notification = id === null ? null : await repo.getNotification(id);
    if (!notification || notification.recipientId !== userId) throw notificationNotFound();
    const updated = notification.read
      ? 0
      : (await repo.markNotificationRead(notification.$id))
        ? 1
        : 0;
    const answer: NotificationsRead = { updated };
    return res.json(answer);
  };
}

/** `PUT /notifications/read`: the caller's unread notifications, all marked read (idempotent). */
export function readAllNotifications(repoFor: RepoFor): RouteHandler {
  return async ({ req, res }) => {
    const repo = repoFor(req);
    const { userId } = await requireMember(req, (id) => repo.getMember(id), { verified: false });
    noBody(req);
    const answer: NotificationsRead = { updated: await repo.markAllNotificationsRead(userId) };
    return res.json(answer);
  };
}
