import * as z from 'zod/mini';
import { Counter } from './common.ts';
import { rowOf } from './row.ts';

/**
 * What an `activity` row stores: one row per UTC day, id `d` + `YYYYMMDD` (`activityRowId`), counting
 * what was created that day. Counters only go up (`incrementStat` bumps today's row with each new
 * user, post, comment or like); a delete leaves the day as it was, since the chart shows activity, not
 * what still exists. The dashboard reads the last 14 rows by id, so its cost does not grow with the
 * board.
 */
export const ActivityFields = z.strictObject({
  users: Counter,
  posts: Counter,
  comments: Counter,
  likes: Counter,
});
export type ActivityFields = z.infer<typeof ActivityFields>;

export const Activity = rowOf(ActivityFields);
export type Activity = z.infer<typeof Activity>;

/** `YYYY-MM-DD` of `at` in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The activity row id of the UTC day `day` (`YYYY-MM-DD`) or of the instant `at`: `d20261129`. */
export function activityRowId(at: Date | string): string {
  const day = typeof at === 'string' ? at : utcDay(at);
  return `d${day.replaceAll('-', '')}`;
}

/** The `count` UTC days ending with the day of `now`, oldest first, as `YYYY-MM-DD`. */
export function lastUtcDays(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, index) =>
    utcDay(new Date(today - (count - 1 - index) * 86_400_000)),
  );
}
