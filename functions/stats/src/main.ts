import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { getDashboard } from './stats-handlers.ts';
import { createStatsRepo } from './stats-repo.ts';

/** The `stats` function: the dashboard's figures, read in O(1) from counters. */
export default createHandler({
  [Route.stats.get]: getDashboard({ repoFor: (req) => createStatsRepo(appwriteClient(req)) }),
});
