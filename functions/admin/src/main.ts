import { TablesDB } from 'node-appwrite';
import { idSecret } from '#lib/user-ids.ts';
import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { rateLimiterFor } from '../../_lib/rate-limit.ts';
import {
  type AdminDeps,
  createUser,
  listUsers,
  removeUser,
  setAdmin,
  setBlocked,
  startExport,
} from './admin-handlers.ts';
import { createAdminRepo } from './admin-repo.ts';

const deps: AdminDeps = {
  repoFor: (req) => createAdminRepo(appwriteClient(req)),
  secret: idSecret,
  // Exports per admin, counted in the `ratelimits` table so the limit holds across executions.
  exportLimit: (req, userId) =>
    rateLimiterFor(new TablesDB(appwriteClient(req))).consume(userId, 'export'),
};

/** The `admin` function: list, create, delete, promote and block users; start CSV exports. */
export default createHandler({
  [Route.admin.listUsers]: listUsers(deps),
  [Route.admin.createUser]: createUser(deps),
  [Route.admin.removeUser]: removeUser(deps),
  [Route.admin.setAdmin]: setAdmin(deps),
  [Route.admin.setBlocked]: setBlocked(deps),
  [Route.admin.startExport]: startExport(deps),
});
