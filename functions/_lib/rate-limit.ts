import { createHash } from 'node:crypto';
import type { TablesDB } from 'node-appwrite';
import { isStatus, isType } from '#lib/appwrite-errors.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { type RateLimitAction, RateLimits } from '#shared/limits.ts';
import type { RateLimitFields } from '#shared/schemas/rate-limit.ts';
import { AppError } from './app-error.ts';

/** One action's limit: at most `limit` per fixed window of `windowSeconds`. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}
export type RateLimitTable = Readonly<Record<RateLimitAction, RateLimit>>;

/** Counts a user's actions; throws `429 general_rate_limit_exceeded` once one is over its limit. */
export interface RateLimiter {
  consume(userId: string, action: RateLimitAction): Promise<void>;
}

/** A limiter that never refuses: what `AGORA_RATE_LIMITS=off` gives. */
export const unlimited: RateLimiter = { consume: async () => undefined };

/**
 * The limits a function applies, from its `AGORA_RATE_LIMITS` variable:
 *
 * - unset, empty or `on` → `RateLimits` (shared/limits.ts) as they are;
 * - `off` → no limits, nothing written (tests that hammer one user, the bench);
 * - a positive number `n` → every limit × `n` (a test that wants room but still a bound).
 *
 * Anything else is a configuration error, thrown so the execution answers 500 and logs why rather
 * than running unlimited by mistake.
 */
export function rateLimitsFrom(setting: string | undefined): RateLimitTable | null {
  const value = (setting ?? '').trim().toLowerCase();
  if (value === '' || value === 'on') return RateLimits;
  if (value === 'off') return null;
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new Error(
      `AGORA_RATE_LIMITS must be "on", "off" or a positive multiplier, not "${setting}".`,
    );
  }
  const scaled = Object.entries(RateLimits).map(([action, { limit, windowSeconds }]) => [
    action,
    { limit: Math.max(1, Math.round(limit * factor)), windowSeconds },
  ]);
  return Object.fromEntries(scaled) as Record<RateLimitAction, RateLimit>;
}

/**
 * The counter row's id: derived from (user, action, window start), so every execution in a window
 * finds the same row and a new window starts a new one. 36 hex characters (a valid row id).
 */
export function rateLimitRowId(
  userId: string,
  action: RateLimitAction,
  windowStart: number,
): string {
  return createHash('sha256')
    .update(`${userId}\n${action}\n${windowStart}`)
    .digest('hex')
    .slice(0, 36);
}

const NOUNS: Record<RateLimitAction, string> = {
  post: 'posts',
  comment: 'comments',
  like: 'likes',
  export: 'exports',
  register: 'sign-ups from your network',
  report: 'reports',
};

function per(windowSeconds: number): string {
  if (windowSeconds === 60) return 'a minute';
  if (windowSeconds === 3600) return 'an hour';
  return `per ${windowSeconds} seconds`;
}

/** The 429 for `action`, with the seconds until its window ends as the message's hint and `retry-after`. */
export function rateLimited(
  action: RateLimitAction,
  limit: RateLimit,
  retryAfterSeconds: number,
): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError(
    'general_rate_limit_exceeded',
    `Too many ${NOUNS[action]}: at most ${limit.limit} ${per(limit.windowSeconds)}. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    undefined,
    { retryAfterSeconds: seconds },
  );
}

/**
 * A fixed-window limiter kept in the `ratelimits` table, so it holds across concurrent executions,
 * warm runtimes and processes (per-process memory would not). One call per action once the window's
 * row exists — every action but a window's first:
 *
 * 1. `incrementRowColumn` by 1 with `max: limit` on the window's derived id — Appwrite refuses an
 *    increment that would pass `max` with `400 column_limit_exceeded` and changes nothing. It checks
 *    under the row's lock (utopia-php/database `Database::increaseDocumentAttribute` reads the row
 *    `forUpdate` in a transaction, then bounds the UPDATE by `max - value`; Appwrite's Rows
 *    Increment maps its LimitException to `column_limit_exceeded`), and the local Appwrite checks in
 *    the UPDATE itself, so however many executions race, exactly `limit` get through;
 * 2. on 404 (the window's first action: no row yet), `createRow` with `count: 1`; a 409 there means
 *    a concurrent first action made it a moment before, so this one increments after all (step 1,
 *    once more);
 * 3. `column_limit_exceeded` → `429 general_rate_limit_exceeded`, retry after the window's end.
 *
 * No call is retried (`withRetry`): a lost answer to the increment would count the action twice.
 * Rows of past windows are dead weight that `maintenance` may delete (index `by_window`).
 */
export function createRateLimiter(
  tables: TablesDB,
  limits: RateLimitTable | null,
  now: () => number = Date.now,
): RateLimiter {
  if (limits === null) return unlimited;
  return {
    async consume(userId, action) {
      const limit = limits[action];
      const windowMs = limit.windowSeconds * 1000;
      const at = now();
      const windowStart = Math.floor(at / windowMs) * windowMs;
      const rowId = rateLimitRowId(userId, action, windowStart);
      const target = { databaseId: DATABASE_ID, tableId: TableId.ratelimits, rowId };
      const data: RateLimitFields = {
        userId,
        action,
        windowStart: new Date(windowStart).toISOString(),
        count: 1,
      };
      const increment = async () => {
        try {
          await tables.incrementRowColumn({
            ...target,
            column: 'count',
            value: 1,
            max: limit.limit,
          });
          return true;
        } catch (thrown) {
          if (isStatus(thrown, 404)) return false;
          if (!isType(thrown, 'column_limit_exceeded')) throw thrown;
          throw rateLimited(action, limit, (windowStart + windowMs - at) / 1000);
        }
      };
      if (await increment()) return;
      try {
        await tables.createRow({ ...target, data, permissions: [] });
        return;
      } catch (thrown) {
        if (!isStatus(thrown, 409)) throw thrown;
      }
      if (!(await increment())) {
        throw new Error(`The rate-limit row ${rowId} is missing right after it was created.`);
      }
    },
  };
}

/** The limiter for one execution, with the limits its `AGORA_RATE_LIMITS` variable sets. */
export function rateLimiterFor(tables: TablesDB): RateLimiter {
  return createRateLimiter(tables, rateLimitsFrom(process.env.AGORA_RATE_LIMITS));
}
