import * as z from 'zod/mini';
import { Counter, DateTime, Id } from './common.ts';
import { rowOf } from './row.ts';

/** What is limited per user, or per client address for `register` (shared/limits.ts `RateLimits` holds the numbers). */
export const RateLimitAction = z.enum(['post', 'comment', 'like', 'export', 'register', 'report']);

/**
 * A `ratelimits` row: how many times `userId` did `action` in the fixed window starting at
 * `windowStart`. Its id is derived from (user, action, window), so every execution in that window
 * finds the same row; functions create it at 1 and move `count` with an atomic increment bounded by
 * the limit. Only functions read or write it; `maintenance` may delete rows of past windows.
 */
export const RateLimitFields = z.strictObject({
  userId: Id,
  action: RateLimitAction,
  windowStart: DateTime,
  count: Counter,
});
export type RateLimitFields = z.infer<typeof RateLimitFields>;

export const RateLimitRow = rowOf(RateLimitFields);
export type RateLimitRow = z.infer<typeof RateLimitRow>;
