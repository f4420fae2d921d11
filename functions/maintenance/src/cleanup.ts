import { RateLimits } from '#shared/limits.ts';
import type { JobRef, MaintenanceRepo } from './maintenance-repo.ts';

/** How many files or rows one cleanup page holds. */
export const CLEANUP_PAGE = 100;

/** An avatar file younger than this is left alone: its upload may be about to be linked. */
export const AVATAR_GRACE_MS = 60 * 60 * 1000;
/** Finished jobs (and their export files) and webhook delivery records are kept this long. */
export const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** A rate-limit row is expired once the longest window has passed since it started. */
export const RATE_LIMIT_EXPIRY_MS =
  Math.max(...Object.values(RateLimits).map((limit) => limit.windowSeconds)) * 1000;

/** One kind of thing to clear out, page by page. */
interface Sweep<Item extends { id: string }> {
  /** Up to `CLEANUP_PAGE` candidates after the one with id `after`. */
  page(after: string | null): Promise<Item[]>;
  /** Which candidates of a page go; all of them when absent. */
  select?(items: Item[]): Promise<Item[]>;
  /** Removes one; `false` when it was already gone. */
  remove(item: Item): Promise<boolean>;
  dryRun: boolean;
}

/** How many were removed (or would be, in a dry run) and how many candidates were looked at. */
export interface SweepResult {
  removed: number;
  checked: number;
}

/**
 * Runs a sweep. The cursor is the last candidate kept: a removed one would leave a dangling cursor,
 * and once a page's removed items are gone the same cursor reaches the ones after them. A dry run
 * removes nothing, so it keeps everything and pages on.
 */
async function sweep<Item extends { id: string }>(task: Sweep<Item>): Promise<SweepResult> {
  let removed = 0;
  let checked = 0;
  let cursor: string | null = null;
  for (;;) {
    const items = await task.page(cursor);
    checked += items.length;
    const doomed = task.select ? await task.select(items) : items;
    if (task.dryRun) removed += doomed.length;
    else for (const item of doomed) if (await task.remove(item)) removed += 1;
    if (items.length < CLEANUP_PAGE) return { removed, checked };
    const doomedIds = new Set(doomed.map((item) => item.id));
    const kept = task.dryRun ? items : items.filter((item) => !doomedIds.has(item.id));
    cursor = kept[kept.length - 1]?.id ?? cursor;
  }
}

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

/**
 * Removes `avatars` files older than `AVATAR_GRACE_MS` that no profile links as its `avatarId`
 * (a browser uploaded and never linked, or the delete of a replaced file failed).
 */
export function removeOrphanAvatars(
  repo: MaintenanceRepo,
  now: Date,
  dryRun: boolean,
): Promise<SweepResult> {
  const before = ago(now, AVATAR_GRACE_MS);
  return sweep({
    dryRun,
    page: async (after) =>
      (await repo.avatarFilesPage(before, after, CLEANUP_PAGE)).map((id) => ({ id })),
    select: async (files) => {
      const linked = await repo.linkedAvatars(files.map((file) => file.id));
      return files.filter((file) => !linked.has(file.id));
    },
    remove: (file) => repo.deleteFile('avatars', file.id),
  });
}

/**
 * Removes succeeded and failed jobs last updated more than `RETENTION_MS` ago, each with its export
 * file (first, so a failure leaves the row that still names the file). Queued and running jobs stay.
 */
export async function purgeFinishedJobs(
  repo: MaintenanceRepo,
  now: Date,
  dryRun: boolean,
): Promise<{ jobs: number; exportFiles: number }> {
  const before = ago(now, RETENTION_MS);
  let exportFiles = 0;
  const result = await sweep<JobRef & { id: string }>({
    dryRun,
    page: async (after) =>
      (await repo.finishedJobsPage(before, after, CLEANUP_PAGE)).map((job) => ({
        ...job,
        id: job.$id,
      })),
    select: async (jobs) => {
      if (dryRun) exportFiles += jobs.filter((job) => job.fileId !== null).length;
      return jobs;
    },
    remove: async (job) => {
      if (job.fileId !== null && (await repo.deleteFile('exports', job.fileId))) exportFiles += 1;
      return repo.deleteRow('jobs', job.$id);
    },
  });
  return { jobs: result.removed, exportFiles };
}

/** Removes webhook delivery records received more than `RETENTION_MS` ago. */
export function purgeWebhookDeliveries(
  repo: MaintenanceRepo,
  now: Date,
  dryRun: boolean,
): Promise<SweepResult> {
  const before = ago(now, RETENTION_MS);
  return sweep({
    dryRun,
    page: async (after) =>
      (await repo.deliveriesPage(before, after, CLEANUP_PAGE)).map((id) => ({ id })),
    remove: (row) => repo.deleteRow('webhook_deliveries', row.id),
  });
}

/** Removes rate-limit rows whose window ended (they only ever count the current window). */
export function purgeRateLimits(
  repo: MaintenanceRepo,
  now: Date,
  dryRun: boolean,
): Promise<SweepResult> {
  const before = ago(now, RATE_LIMIT_EXPIRY_MS);
  return sweep({
    dryRun,
    page: async (after) =>
      (await repo.rateLimitsPage(before, after, CLEANUP_PAGE)).map((id) => ({ id })),
    remove: (row) => repo.deleteRow('ratelimits', row.id),
  });
}
