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

/**
 * How a feed is ordered: newest first (index `feed`), most liked of all time (index `top`), or most
 * liked of the last seven days (the week's posts by index `feed`, then sorted: a week is a few
 * thousand posts even at 100k, where walking `top` for the week's would read old posts first).
 */
export const FEED_SORTS = ['new', 'top', 'week'] as const;
export type FeedSort = (typeof FEED_SORTS)[number];

/** The window of the `week` sort. */
export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export interface FeedOptions {
  sort?: FeedSort;
  /** Only posts with this tag (a tag page). */
  tag?: string;
  /** "Now" for the `week` sort (tests pin it). */
  now?: Date;
}

/**
 * A feed page: `limit` posts after `cursor` (the last post id shown), in `sort` order, optionally
 * one tag's. Ties in likes fall back to Appwrite's own tie-breaker, the row's sequence.
 */
export function feedQueries(
  cursor?: string,
  limit = FEED_PAGE,
  { sort = 'new', tag, now = new Date() }: FeedOptions = {},
): string[] {
  return [
    ...(tag ? [Query.contains('tags', [tag])] : []),
    ...(sort === 'week'
      ? [Query.greaterThan('$createdAt', new Date(now.getTime() - WEEK_MS).toISOString())]
      : []),
    sort === 'new' ? Query.orderDesc('$createdAt') : Query.orderDesc('likesCount'),
    Query.limit(limit),
    ...after(cursor),
  ];
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

/** The most words a search sends (each is two fulltext conditions). */
export const SEARCH_WORDS_MAX = 8;

/**
 * Words Appwrite's MariaDB fulltext index never holds: InnoDB's default stopwords, and any word
 * shorter than its 3-character minimum token. Searched alone, such a word matches nothing on
 * Appwrite, so with every word required it would empty every search; it is left out while other
 * words remain (the local Appwrite's FTS5 would match it, but must agree with Appwrite).
 */
const UNINDEXED = new Set(
  'a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www'.split(
    ' ',
  ),
);
const indexed = (word: string) => word.length >= 3 && !UNINDEXED.has(word);

/**
 * The words a search looks for: letters, digits and `_` runs (what a fulltext index splits on),
 * distinct, case-folded; stopwords and words under 3 characters dropped when other words remain;
 * at most SEARCH_WORDS_MAX. `<img src=x onerror=alert(1)>` → img, src, onerror, alert.
 */
export function searchTerms(text: string): string[] {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])];
  const useful = words.some(indexed) ? words.filter(indexed) : words;
  return useful.slice(0, SEARCH_WORDS_MAX);
}

/**
 * Posts that have every word of `text` in their title or body, newest first. Appwrite's `search`
 * matches ANY word of its term (MariaDB boolean mode with the operators stripped, the last word a
 * prefix), so each word is its own condition — `or(search(title, w), search(body, w))` — and the
 * words are joined with `and`. `Query.search` needs the fulltext indexes `search_title` and
 * `search_body`; matching is by whole word (the last letters a prefix).
 */
export function searchQueries(text: string, limit = FEED_PAGE, cursor?: string): string[] {
  const each = searchTerms(text).map((word) =>
    Query.or([Query.search('title', word), Query.search('body', word)]),
  );
  const [first] = each;
  const filter = each.length > 1 ? [Query.and(each)] : first ? [first] : [];
  return [...filter, Query.orderDesc('$createdAt'), Query.limit(limit), ...after(cursor)];
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

/** A member's notifications, latest change first (a collapsed like moves up). Index `by_recipient`. */
export function notificationQueries(
  recipientId: string,
  cursor?: string,
  limit: number = Limits.page.default,
): string[] {
  return [
    Query.equal('recipientId', recipientId),
    Query.orderDesc('$updatedAt'),
    Query.limit(limit),
    ...after(cursor),
  ];
}

/** A member's unread notifications, for their count (`total`). Index `unread`. */
export function unreadNotificationQueries(recipientId: string): string[] {
  return [
    Query.equal('recipientId', recipientId),
    Query.equal('read', false),
    Query.select(['$id']),
    Query.limit(1),
  ];
}
