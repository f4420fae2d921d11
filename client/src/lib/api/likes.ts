import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { myLikesQueries } from '#shared/queries.ts';
import { tables } from '../appwrite.ts';
import { withRetry } from '../retry.ts';

/** Which of `postIds` the user has liked, from their own `likes` rows (read("users")). */
export async function likedAmong(userId: string, postIds: string[]): Promise<Set<string>> {
  const liked = new Set<string>();
  for (let i = 0; i < postIds.length; i += 100) {
    const chunk = postIds.slice(i, i + 100);
    const result = await withRetry(() =>
      tables.listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.likes,
        queries: myLikesQueries(userId, chunk),
        total: false,
      }),
    );
    for (const row of result.rows) {
      const postId = (row as { postId?: unknown }).postId;
      if (typeof postId === 'string') liked.add(postId);
    }
  }
  return liked;
}
