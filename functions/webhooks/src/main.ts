import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { receiveWebhook } from './webhooks-handlers.ts';
import { createWebhooksRepo } from './webhooks-repo.ts';

/** The `webhooks` function: verifies Appwrite webhook deliveries and records each once. */
export default createHandler({
  [Route.webhooks.receive]: receiveWebhook({
    repoFor: (req) => createWebhooksRepo(appwriteClient(req)),
  }),
});
