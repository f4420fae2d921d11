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

/** One post in the dashboard's top list. */
export interface TopPost {
  $id: string;
  title: string;
  authorId: string;
  likesCount: number;
  commentsCount: number;
  $createdAt: string;
}

/** One day of activity (UTC), for the dashboard's chart: what was created that day. */
export interface ActivityDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  users: number;
  posts: number;
  comments: number;
  likes: number;
}

/** What the `stats` function answers to `GET /`: everything the dashboard draws, read in O(1). */
export interface DashboardStats {
  totals: StatsFields;
  /** likes / posts, 0 when there are no posts; rounded to two decimals. */
  averageLikesPerPost: number;
  /** Up to 5 posts with the most likes, most liked first. */
  topPosts: TopPost[];
  /** The last 14 days, oldest first, every day present (zeros included). */
  activity: ActivityDay[];
}
