import * as z from 'zod/mini';
import { Counter } from './common.ts';
import { rowOf } from './row.ts';

/**
 * The single `stats` row (id `global`): global counters kept with atomic increments, so the dashboard
 * reads in O(1) however large the board grows. `maintenance` recounts and repairs drift.
 */
export const StatsFields = z.strictObject({
  users: Counter,
  posts: Counter,
  comments: Counter,
  likes: Counter,
});
export type StatsFields = z.infer<typeof StatsFields>;

export const Stats = rowOf(StatsFields);
export type Stats = z.infer<typeof Stats>;
