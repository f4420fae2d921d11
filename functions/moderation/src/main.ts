import { TablesDB } from 'node-appwrite';
import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { rateLimiterFor } from '../../_lib/rate-limit.ts';
import {
  createReport,
  type LimiterFor,
  type RepoFor,
  resolveReport,
  restoreComment,
  restorePost,
} from './moderation-handlers.ts';
import { createModerationRepo } from './moderation-repo.ts';

const repoFor: RepoFor = (req) => createModerationRepo(appwriteClient(req));
/** Reports are rate-limited per user (AGORA_RATE_LIMITS, see functions/_lib/README.md). */
const limiterFor: LimiterFor = (req) => rateLimiterFor(new TablesDB(appwriteClient(req)));

/** The `moderation` function: members report; admins dismiss, hide and show again. */
export default createHandler({
  [Route.moderation.report]: createReport(repoFor, limiterFor),
  [Route.moderation.resolve]: resolveReport(repoFor),
  [Route.moderation.restorePost]: restorePost(repoFor),
  [Route.moderation.restoreComment]: restoreComment(repoFor),
});
