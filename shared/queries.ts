import { Query } from 'appwrite';
import { Limits } from './limits.ts';

/**
 * The queries the browser sends when it reads tables directly (the feed, an author's posts, search,
 * a thread, likes, profiles): pure functions returning Appwrite query strings, shared by the Svelte
 * client and the contract test that proves they work on the local Appwrite and are served by the
 * indexes appwrite.json declares (tests/contract/feed-queries.test.ts). The `appwrite` package's
 * `Query` only builds JSON strings, so this module runs anywhere.
 *
 * Pages are cursor-based (`cursorAfter` the last row shown), never offsets: a cursor stays cheap and
 * stable however deep the reader scrolls and while new posts arrive on top.
 */

/** Posts per feed page. */
export const FEED_PAGE = 20;

const after = (cursor: string | undefined) => (cursor ? [Query.cursorAfter(cursor)] : []);

/** The feed, newest first, `limit` posts after `cursor` (the last post id shown). Index `feed`. */
export function feedQueries(cursor?: string, limit = FEED_PAGE): string[] {
  return [Query.orderDesc('$createdAt'), Query.limit(limit), ...after(cursor)];
}

/** One author's posts, newest first. Index `by_author` (authorId ASC, $createdAt DESC). */
export function authorPostsQueries(authorId: string, cursor?: string, limit = FEED_PAGE): string[] {
  return [
    Query.equal('authorId', authorId),
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
    ...after(cursor),
  ];
}

/**
 * Posts whose title or body matches `text`, newest first. `Query.search` needs a fulltext index on
 * its column: `search_title` and `search_body`. Appwrite matches whole words.
 */
export function searchQueries(text: string, limit = FEED_PAGE, cursor?: string): string[] {
  return [
    Query.or([Query.search('title', text), Query.search('body', text)]),
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
    ...after(cursor),
  ];
}

/** Posts whose `field` alone matches `text` (fulltext), newest first. */
export function searchFieldQueries(
  field: 'title' | 'body',
  text: string,
  cursor?: string,
  limit = FEED_PAGE,
): string[] {
  return [
    Query.search(field, text),
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
    ...after(cursor),
  ];
}

/** A post's comments, oldest first (a conversation reads down). Index `thread`. */
export function threadQueries(
  postId: string,
  cursor?: string,
  limit: number = Limits.page.max,
): string[] {
  return [
    Query.equal('postId', postId),
    Query.orderAsc('$createdAt'),
    Query.limit(limit),
    ...after(cursor),
  ];
}

/** Which of `postIds` the user liked (their `likes` rows). Index `by_user`. */
export function myLikesQueries(userId: string, postIds: string[]): string[] {
  return [
    Query.equal('userId', userId),
    Query.equal('postId', postIds),
    Query.limit(Math.min(Math.max(postIds.length, 1), Limits.page.max)),
  ];
}

/** Profiles by id (the authors of a page of posts or comments). */
export function profilesQueries(ids: string[]): string[] {
  return [Query.equal('$id', ids), Query.limit(Math.min(Math.max(ids.length, 1), Limits.page.max))];
}
