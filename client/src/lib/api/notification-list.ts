import { FunctionId, Route } from '#shared/functions.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { notificationQueries } from '#shared/queries.ts';
import { Notification, type NotificationsRead } from '#shared/schemas/notification.ts';
import { tables } from '../appwrite.ts';
import { callFunction } from '../call-function.ts';
import { withRetry } from '../retry.ts';

/** The notifications page's reads (straight from TablesDB) and writes (through the `posts` function). */
/** The latest page of the member's notifications (rows that do not parse are left out). */
export async function listNotifications(userId: string): Promise<Notification[]> {
  const result = await withRetry(() =>
    tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.notifications,
      queries: notificationQueries(userId),
      total: false,
    }),
  );
  return result.rows.flatMap((row) => {
    const parsed = Notification.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

export const markRead = (notificationId: string) =>
  callFunction<NotificationsRead>(FunctionId.posts, Route.posts.readNotification, {
    notificationId,
  });

export const markAllRead = () =>
  callFunction<NotificationsRead>(FunctionId.posts, Route.posts.readAllNotifications);
