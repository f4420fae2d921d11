import { FunctionId, Route } from '#shared/functions.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { threadQueries } from '#shared/queries.ts';
import { Comment, type CommentCreate } from '#shared/schemas/comment.ts';
import { tables } from '../appwrite.ts';
import { callFunction } from '../call-function.ts';
import { withRetry } from '../retry.ts';

/** Comments: a post's thread read from the `comments` table, writes through the `posts` function. */
export async function listComments(postId: string): Promise<Comment[]> {
  const comments: Comment[] = [];
  let cursor: string | undefined;
  // Threads are short; read them whole, a page of 100 at a time.
  for (let pages = 0; pages < 20; pages++) {
    const result = await withRetry(() =>
      tables.listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.comments,
        queries: threadQueries(postId, cursor),
        total: false,
      }),
    );
    for (const row of result.rows) {
      const comment = toComment(row);
      if (comment) comments.push(comment);
    }
    if (result.rows.length < 100) break;
    cursor = result.rows[result.rows.length - 1]?.$id;
  }
  return comments;
}

export const addComment = (postId: string, input: CommentCreate) =>
  callFunction<Comment>(FunctionId.posts, Route.posts.comment, { postId }, input);

export const removeComment = (commentId: string) =>
  callFunction<void>(FunctionId.posts, Route.posts.removeComment, { commentId });

export function toComment(row: unknown): Comment | null {
  const parsed = Comment.safeParse(row);
  return parsed.success ? parsed.data : null;
}
