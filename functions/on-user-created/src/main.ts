import { idSecret } from '#lib/user-ids.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { onUserCreated } from './on-user-created-handlers.ts';
import { createOnUserCreatedRepo } from './on-user-created-repo.ts';

/** The `on-user-created` function (event `users.*.create`): profile and count, or block. */
export default createHandler({
  'POST /': onUserCreated({
    repoFor: (req) => createOnUserCreatedRepo(appwriteClient(req)),
    secret: idSecret,
  }),
});
