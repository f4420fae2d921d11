import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { idSecret } from '../../_lib/user-ids.ts';
import { register } from './accounts-handlers.ts';
import { createAccountsRepo } from './accounts-repo.ts';

/** The `accounts` function: registration with the full password policy and a server-derived id. */
export default createHandler({
  [Route.accounts.register]: register({
    repoFor: (req) => createAccountsRepo(appwriteClient(req)),
    secret: idSecret,
  }),
});
