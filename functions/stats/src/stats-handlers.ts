import { activityRowId, lastUtcDays } from '#shared/schemas/activity.ts';
import type { ActivityDay, DashboardStats, StatsFields } from '#shared/schemas/stats.ts';
import { AppError } from '../../_lib/app-error.ts';
import { readJson } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import type { StatsRepo } from './stats-repo.ts';

/** How many posts the dashboard lists, and how many days its chart shows. */
export const TOP_POSTS = 5;
export const ACTIVITY_DAYS = 14;

const ZERO: StatsFields = { users: 0, posts: 0, comments: 0, likes: 0 };

/** What the handler needs per execution: the repository, and the clock (tests set it). */
export interface StatsDeps {
  repoFor: (req: RuntimeRequest) => StatsRepo;
  now?: () => Date;
}

/** The route reads nothing from a body: anything but an empty one (or `{}`) is refused, not ignored. */
function noBody(req: RuntimeRequest): void {
  const body = readJson(req.bodyText);
  if (body === undefined) return;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const keys = Object.keys(body);
    if (keys.length === 0) return;
    throw new AppError(
      'general_argument_invalid',
      'This route takes no body.',
      Object.fromEntries(
        keys.map((key) => [key, { code: 'unrecognized_keys', message: 'Unrecognized key.' }]),
      ),
    );
  }
  throw new AppError('general_bad_request', 'This route takes no body.');
}

/** likes / posts to two decimals; 0 for an empty board. */
export function averageLikes(totals: StatsFields): number {
  if (totals.posts === 0) return 0;
  return Math.round((totals.likes / totals.posts) * 100) / 100;
}

/**
 * `GET /`: everything the dashboard draws — totals from the `stats` row, the average, the top posts
 * from the `top` index, and the last 14 UTC days from the `activity` rows, oldest first, a missing
 * day as zeros. Three reads whatever the board's size. Anyone may ask (`execute: ["any"]`): the same
 * rows are publicly readable anyway.
 */
export function getDashboard({ repoFor, now = () => new Date() }: StatsDeps): RouteHandler {
  return async ({ req, res }) => {
    noBody(req);
    const repo = repoFor(req);
    const days = lastUtcDays(now(), ACTIVITY_DAYS);
    const [totals, topPosts, rows] = await Promise.all([
      repo.getTotals(),
      repo.topPosts(TOP_POSTS),
      repo.activityRows(days.map((day) => activityRowId(day))),
    ]);
    const counted = totals ?? ZERO;
    const activity: ActivityDay[] = days.map((day) => ({
      day,
      ...(rows.get(activityRowId(day)) ?? ZERO),
    }));
    const dashboard: DashboardStats = {
      totals: counted,
      averageLikesPerPost: averageLikes(counted),
      topPosts,
      activity,
    };
    return res.json(dashboard);
  };
}
