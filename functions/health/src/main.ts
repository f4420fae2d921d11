import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { healthHandler } from './health-handler.ts';
import { createHealthRepo } from './health-repo.ts';

/** The `health` function: status, version, and whether the database and storage answer. */
export default createHandler({
  [Route.health.check]: healthHandler((req) => createHealthRepo(appwriteClient(req))),
});
