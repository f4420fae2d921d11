import { Query } from 'appwrite';
import { Limits } from '#shared/limits.ts';

/**
 * The client's query builders for its direct table reads (shared/queries.ts did not exist when this
 * was written; move these there if it lands). Each matches an index in appwrite.json: `feed`
 * ($createdAt DESC), `thread` (postId, $createdAt), `one_per_user` (postId, userId), the fulltext
 * `search_title` / `search_body`.
 */
export const FEED_PAGE = 20;

/** The feed, newest first, `limit` rows after `cursor` (the last post id shown). */
export function feedQueries(cursor?: string, limit = FEED_PAGE): string[] {
  return [
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
    ...(cursor ? [Query.cursorAfter(cursor)] : []),
  ];
}

/** A post's comments, oldest first (a conversation reads down). */
export function threadQueries(postId: string, cursor?: string, limit = Limits.page.max): string[] {
  return [
    Query.equal('postId', postId),
    Query.orderAsc('$createdAt'),
    Query.limit(limit),
    ...(cursor ? [Query.cursorAfter(cursor)] : []),
  ];
}

/** Which of `postIds` the user liked (their `likes` rows). */
export function myLikesQueries(userId: string, postIds: string[]): string[] {
  return [
    Query.equal('userId', userId),
    Query.equal('postId', postIds),
    Query.limit(Math.min(Math.max(postIds.length, 1), Limits.page.max)),
  ];
}

/** Profiles by id (authors of a page of posts or comments). */
export function profilesQueries(ids: string[]): string[] {
  return [Query.equal('$id', ids), Query.limit(Math.min(Math.max(ids.length, 1), Limits.page.max))];
}

/** Posts whose title or body matches `text` (fulltext), newest first. */
export function searchQueries(text: string, limit = 25): string[] {
  return [
    Query.or([Query.search('title', text), Query.search('body', text)]),
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
  ];
}

/** A user's posts, newest first (the `by_author` index). */
export function authorPostsQueries(authorId: string, cursor?: string, limit = FEED_PAGE): string[] {
  return [
    Query.equal('authorId', authorId),
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
    ...(cursor ? [Query.cursorAfter(cursor)] : []),
  ];
}
