import { Client, TablesDB } from 'node-appwrite';
import { idSecret } from '#lib/user-ids.ts';
import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { functionEnv } from '../../_lib/env.ts';
import { rateLimiterFor } from '../../_lib/rate-limit.ts';
import { completeRecovery, deleteAccount, register } from './accounts-handlers.ts';
import { createAccountsRepo } from './accounts-repo.ts';

/** A client with no key and no session: Appwrite treats its calls as a guest's. */
function guestClient(): Client {
  const env = functionEnv();
  return new Client()
    .setEndpoint(env.APPWRITE_FUNCTION_API_ENDPOINT)
    .setProject(env.APPWRITE_FUNCTION_PROJECT_ID);
}

const deps = {
  repoFor: (req: RuntimeRequest) => createAccountsRepo(appwriteClient(req), guestClient()),
  secret: idSecret,
  /** Sign-ups are limited per client address (AGORA_RATE_LIMITS, see README). */
  limiterFor: (req: RuntimeRequest) => rateLimiterFor(new TablesDB(appwriteClient(req))),
};

/**
 * The `accounts` function: registration with the full password policy and a server-derived id,
 * deleting your own account, and finishing a password recovery under the same policy.
 */
export default createHandler({
  [Route.accounts.register]: register(deps),
  [Route.accounts.deleteAccount]: deleteAccount(deps),
  [Route.accounts.completeRecovery]: completeRecovery(deps),
});
