import { Registration } from '#shared/schemas/account.ts';
import { AppError } from '../../_lib/app-error.ts';
import { parseInput } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { deriveUserId } from '../../_lib/user-ids.ts';
import type { AccountsRepo } from './accounts-repo.ts';

/** What a handler needs per execution: the repository and the id secret. */
export interface AccountsDeps {
  repoFor: (req: RuntimeRequest) => AccountsRepo;
  secret: () => string;
}

/**
 * `POST /register`: the full password policy (the shared `Registration` schema), then `users.create`
 * with an id derived from `AGORA_ID_SECRET`, which `on-user-created` checks. The password is passed
 * to Appwrite once and never logged or answered.
 */
export function register({ repoFor, secret }: AccountsDeps): RouteHandler {
  return async ({ req, res }) => {
    const input = parseInput(Registration, req.bodyText);
    const user = await repoFor(req).createUser({ ...input, userId: deriveUserId(secret()) });
    if (user === null) {
      throw new AppError('user_already_exists', 'A user with this email already exists.');
    }
    return res.json({ $id: user.$id, email: user.email, name: user.name }, 201);
  };
}
