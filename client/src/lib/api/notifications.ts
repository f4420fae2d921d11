import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { unreadNotificationQueries } from '#shared/queries.ts';
import { tables } from '../appwrite.ts';
import { withRetry } from '../retry.ts';

/**
 * The bell's count: the member's unread rows of the `notifications` table (row permission: read for
 * them alone). In the main bundle with the header; the list and its writes are in
 * `notification-list.ts`, loaded with the page.
 */
export async function unreadCount(userId: string): Promise<number> {
  const result = await withRetry(() =>
    tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.notifications,
      queries: unreadNotificationQueries(userId),
    }),
  );
  return result.total;
}
