import { FunctionId, Route } from '#shared/functions.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import {
  authorPostsQueries,
  type FeedOptions,
  feedQueries,
  searchQueries,
} from '#shared/queries.ts';
import type { LikeState } from '#shared/schemas/like.ts';
import { Post, type PostCreate, type PostUpdate } from '#shared/schemas/post.ts';
import { tables } from '../appwrite.ts';
import { callFunction } from '../call-function.ts';
import { withRetry } from '../retry.ts';

/**
 * Posts: reads straight from the `posts` table (read("any")), writes through the `posts` function.
 * Rows are parsed with the shared `Post` schema; a row that does not parse is skipped, not shown
 * half-broken.
 */
export interface PostPage {
  posts: Post[];
  /** Whether another page may follow (this one was full). */
  more: boolean;
}

/** A feed page: newest first by default; `options` picks the sort (new, top, week) and a tag. */
export async function listFeed(
  cursor?: string,
  limit?: number,
  options?: FeedOptions,
): Promise<PostPage> {
  return page(feedQueries(cursor, limit, options), limit);
}

export async function listByAuthor(authorId: string, cursor?: string): Promise<PostPage> {
  return page(authorPostsQueries(authorId, cursor));
}

/** Posts per search page. */
export const SEARCH_PAGE = 25;

/** Posts with every word of `text`, newest first, a page after `cursor`. */
export async function searchPosts(text: string, cursor?: string): Promise<PostPage> {
  return page(searchQueries(text, SEARCH_PAGE, cursor), SEARCH_PAGE);
}

export async function getPost(postId: string): Promise<Post> {
  const row = await withRetry(() =>
    tables.getRow({ databaseId: DATABASE_ID, tableId: TableId.posts, rowId: postId }),
  );
  return Post.parse(row);
}

export const createPost = (input: PostCreate) =>
  callFunction<Post>(FunctionId.posts, Route.posts.create, {}, input);

export const updatePost = (postId: string, input: PostUpdate) =>
  callFunction<Post>(FunctionId.posts, Route.posts.update, { postId }, input);

export const removePost = (postId: string) =>
  callFunction<void>(FunctionId.posts, Route.posts.remove, { postId });

export const likePost = (postId: string) =>
  callFunction<LikeState>(FunctionId.posts, Route.posts.like, { postId });

export const unlikePost = (postId: string) =>
  callFunction<LikeState>(FunctionId.posts, Route.posts.unlike, { postId });

/** Parses a row from a list or a Realtime payload; null when it is not a post. */
export function toPost(row: unknown): Post | null {
  const parsed = Post.safeParse(row);
  return parsed.success ? parsed.data : null;
}

async function page(queries: string[], limit = 20): Promise<PostPage> {
  const result = await withRetry(() =>
    tables.listRows({ databaseId: DATABASE_ID, tableId: TableId.posts, queries, total: false }),
  );
  const posts = result.rows.map(toPost).filter((post): post is Post => post !== null);
  return { posts, more: result.rows.length >= limit };
}
