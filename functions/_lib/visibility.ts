import { ADMIN_LABEL } from '#shared/ids.ts';

/**
 * Who may read a post or comment row. `posts` and `comments` have `rowSecurity` on and no table-level
 * read, so each row carries its own: everyone while visible; only its author and admins once hidden.
 * Appwrite then keeps a hidden row out of every list, search, count and Realtime event for anyone
 * else — no client can read it, whatever it asks.
 */
export const VISIBLE_READ: readonly string[] = ['read("any")'];

/** A hidden row's read permissions: its author and the `admin` label. */
export function hiddenRead(authorId: string): string[] {
  return [`read("user:${authorId}")`, `read("label:${ADMIN_LABEL}")`];
}
