import { AppwriteException } from 'node-appwrite';
import { RecoveryComplete, Registration } from '#shared/schemas/account.ts';
import { AppError } from '../../_lib/app-error.ts';
import { noBody, parseInput } from '../../_lib/body.ts';
import { signedIn } from '../../_lib/caller.ts';
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

/**
 * `DELETE /account`: the signed-in caller deletes their own account (`users.delete`). Appwrite then
 * fires `users.*.delete`, and `on-user-deleted` removes their content. Already gone (a concurrent
 * delete) is still done: 204 either way.
 */
export function deleteAccount({ repoFor }: AccountsDeps): RouteHandler {
  return async ({ req, res, log }) => {
    const userId = signedIn(req, 'Sign in to delete your account.');
    noBody(req);
    const deleted = await repoFor(req).deleteUser(userId);
    log(deleted ? `Deleted account ${userId}.` : `Account ${userId} was already gone.`);
    return res.empty();
  };
}

/** Appwrite's answers to `updateRecovery` that the caller should see, as our error types. */
function recoveryRefusal(thrown: unknown): AppError | undefined {
  if (!(thrown instanceof AppwriteException)) return undefined;
  switch (thrown.type) {
    // An unknown user id is answered like a wrong secret: the link is what is wrong, and the
    // difference would tell a stranger which user ids exist.
    case 'user_invalid_token':
    case 'user_not_found':
      return new AppError('user_invalid_token', 'The recovery link is invalid or has expired.');
    case 'password_recently_used':
      return new AppError('password_recently_used', thrown.message, {
        password: { code: 'password_recently_used', message: thrown.message },
      });
    case 'password_personal_data':
      return new AppError('password_personal_data', thrown.message, {
        password: { code: 'password_personal_data', message: thrown.message },
      });
    case 'general_argument_invalid':
      // Appwrite's own password checks (length, its dictionary) fail as a bad `password` param.
      return new AppError('general_argument_invalid', 'One or more fields are invalid.', {
        password: { code: 'password_rejected', message: thrown.message },
      });
    case 'general_rate_limit_exceeded':
      return new AppError('general_rate_limit_exceeded', 'Too many attempts. Try again later.');
    default:
      return undefined;
  }
}

/**
 * `PUT /recovery`: finishes a password recovery under Agora's password policy (the shared
 * `RecoveryComplete` schema), then asks Appwrite to complete it as a guest would. A wrong, used or
 * expired secret is Appwrite's `401 user_invalid_token`, passed on in our error shape. The password
 * is handed to Appwrite once and never logged or answered.
 */
export function completeRecovery({ repoFor }: AccountsDeps): RouteHandler {
  return async ({ req, res }) => {
    const { userId, secret, password } = parseInput(RecoveryComplete, req.bodyText);
    try {
      await repoFor(req).completeRecovery({ userId, secret, password });
    } catch (thrown) {
      throw recoveryRefusal(thrown) ?? thrown;
    }
    return res.empty();
  };
}
