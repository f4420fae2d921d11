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

/**
 * What an operator may send to the `maintenance` function (`POST /`; the hourly schedule sends
 * nothing): `dryRun` reports what would change and writes nothing.
 */
export const MaintenanceRequest = z.strictObject({
  dryRun: z.optional(z.boolean()),
});
export type MaintenanceRequest = z.infer<typeof MaintenanceRequest>;

/** A counter maintenance found wrong: the row, the column, what it held and what it holds now. */
export interface CounterRepair {
  table: 'stats' | 'posts' | 'profiles';
  rowId: string;
  column: string;
  from: number;
  to: number;
}

/** What one `maintenance` run changed (or, in a dry run, would change). */
export interface MaintenanceReport {
  dryRun: boolean;
  /** Rows read per table, to show the recount covered the board. */
  checked: { posts: number; profiles: number; avatars: number };
  /** Every counter set to its recounted value; at most `MAX_REPORTED_REPAIRS` are listed. */
  repairs: CounterRepair[];
  /** How many counters were repaired in all (the list above may be cut). */
  repairedCounters: number;
  /** Posts and comments whose read permissions were set to what `hidden` calls for (moderation). */
  repairedPermissions: number;
  removed: {
    avatarFiles: number;
    jobs: number;
    exportFiles: number;
    webhookDeliveries: number;
    rateLimits: number;
  };
  /** Profiles made before handles that were given one, derived from their name (`dryRun`: would be). */
  handlesGiven: number;
  /** Steps that failed (their cause is in the execution's error log); the others still ran. */
  failed: string[];
  durationMs: number;
}
