import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { runMaintenance } from './maintenance-handlers.ts';
import { createMaintenanceRepo } from './maintenance-repo.ts';

/** The `maintenance` function (hourly schedule, or run from the console): recount, repair, purge. */
export default createHandler({
  'POST /': runMaintenance({ repoFor: (req) => createMaintenanceRepo(appwriteClient(req)) }),
});
