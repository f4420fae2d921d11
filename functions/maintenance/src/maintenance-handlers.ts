import type { MaintenanceReport, StatsFields } from '#shared/schemas/stats.ts';
import { MaintenanceRequest } from '#shared/schemas/stats.ts';
import { AppError, describeError } from '../../_lib/app-error.ts';
import { parseInput } from '../../_lib/body.ts';
import { callerOf } from '../../_lib/caller.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import {
  purgeFinishedJobs,
  purgeRateLimits,
  purgeWebhookDeliveries,
  removeOrphanAvatars,
} from './cleanup.ts';
import { giveHandles } from './handles.ts';
import type { MaintenanceRepo } from './maintenance-repo.ts';
import { recountPosts, recountProfiles, repairStats } from './recount.ts';
import { repairVisibility } from './visibility.ts';

/** The report lists at most this many repairs; `repairedCounters` counts them all. */
export const MAX_REPORTED_REPAIRS = 100;

/** What the handler needs per execution; tests set the clock. */
export interface MaintenanceDeps {
  repoFor: (req: RuntimeRequest) => MaintenanceRepo;
  now?: () => Date;
}

/**
 * Who may run maintenance. The function's `execute` is empty, so Appwrite lets only the schedule, a
 * server key and privileged console members run it. Checked again here, because an execute list is
 * configuration and configuration drifts: an execution carrying the id of a project user must be an
 * admin's. An id the project does not know is a console member's (Appwrite sets the console user's id
 * when an operator runs it from the console), and only a privileged caller gets past `execute: []`.
 */
async function allowed(req: RuntimeRequest, repo: MaintenanceRepo): Promise<void> {
  const { userId } = callerOf(req);
  if (userId === null) return;
  if ((await repo.isAdmin(userId)) === false) {
    throw new AppError(
      'user_unauthorized',
      'Only the schedule, a server key, the console or an admin may run maintenance.',
    );
  }
}

/**
 * `POST /` (hourly schedule, or an operator from the console): recounts every counter and repairs
 * the ones that drifted, removes orphaned avatar files, and purges finished jobs with their exports,
 * old webhook delivery records and expired rate-limit rows. Each step runs even when an earlier one
 * failed (the failure is logged and named in `failed`). Answers the report of what changed.
 */
export function runMaintenance({ repoFor, now = () => new Date() }: MaintenanceDeps): RouteHandler {
  return async ({ req, res, error }) => {
    const input = parseInput(MaintenanceRequest, req.bodyText);
    const repo = repoFor(req);
    await allowed(req, repo);
    const dryRun = input.dryRun ?? false;
    const started = now();
    const report: MaintenanceReport = {
      dryRun,
      checked: { posts: 0, profiles: 0, avatars: 0 },
      repairs: [],
      repairedCounters: 0,
      repairedPermissions: 0,
      removed: { avatarFiles: 0, jobs: 0, exportFiles: 0, webhookDeliveries: 0, rateLimits: 0 },
      handlesGiven: 0,
      failed: [],
      durationMs: 0,
    };
    const step = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (thrown) {
        report.failed.push(name);
        error(`maintenance step ${name} failed: ${describeError(thrown)}`);
      }
    };
    const repaired = (repairs: MaintenanceReport['repairs']) => {
      report.repairedCounters += repairs.length;
      const room = MAX_REPORTED_REPAIRS - report.repairs.length;
      report.repairs.push(...repairs.slice(0, Math.max(0, room)));
    };

    const totals: StatsFields = { users: 0, posts: 0, comments: 0, likes: 0 };
    await step('posts', async () => {
      const result = await recountPosts(repo, totals, dryRun);
      report.checked.posts = result.checked;
      repaired(result.repairs);
    });
    await step('profiles', async () => {
      const result = await recountProfiles(repo, totals, dryRun);
      report.checked.profiles = result.checked;
      repaired(result.repairs);
    });
    // Totals from a recount that stopped half-way are wrong: leave the stats row as it is then.
    if (report.failed.length === 0)
      await step('stats', async () => repaired(await repairStats(repo, totals, dryRun)));
    await step('visibility', async () => {
      report.repairedPermissions = (await repairVisibility(repo, dryRun)).repaired;
    });
    await step('avatars', async () => {
      const result = await removeOrphanAvatars(repo, started, dryRun);
      report.checked.avatars = result.checked;
      report.removed.avatarFiles = result.removed;
    });
    await step('jobs', async () => {
      const result = await purgeFinishedJobs(repo, started, dryRun);
      report.removed.jobs = result.jobs;
      report.removed.exportFiles = result.exportFiles;
    });
    await step('webhookDeliveries', async () => {
      report.removed.webhookDeliveries = (
        await purgeWebhookDeliveries(repo, started, dryRun)
      ).removed;
    });
    await step('rateLimits', async () => {
      report.removed.rateLimits = (await purgeRateLimits(repo, started, dryRun)).removed;
    });
    await step('handles', async () => {
      report.handlesGiven = await giveHandles(repo, dryRun);
    });
    report.durationMs = now().getTime() - started.getTime();
    return res.json(report);
  };
}
