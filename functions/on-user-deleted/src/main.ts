import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { onUserDeleted } from './on-user-deleted-handlers.ts';
import { createOnUserDeletedRepo } from './on-user-deleted-repo.ts';

/** The `on-user-deleted` function (event `users.*.delete`): the user's content goes, counters follow. */
export default createHandler({
  'POST /': onUserDeleted({ repoFor: (req) => createOnUserDeletedRepo(appwriteClient(req)) }),
});
