import { createHash } from 'node:crypto';
import { AppwriteException } from 'node-appwrite';
import { isType } from '#lib/appwrite-errors.ts';
import { deriveUserId } from '#lib/user-ids.ts';
import { RecoveryComplete, Registration } from '#shared/schemas/account.ts';
import { AppError } from '../../_lib/app-error.ts';
import { noBody, parseInput } from '../../_lib/body.ts';
import { signedIn } from '../../_lib/caller.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import type { RateLimiter } from '../../_lib/rate-limit.ts';
import type { AccountsRepo, CreatedUser } from './accounts-repo.ts';

/** What a handler needs per execution: the repository, the id secret and the rate limiter. */
export interface AccountsDeps {
  repoFor: (req: RuntimeRequest) => AccountsRepo;
  secret: () => string;
  limiterFor: (req: RuntimeRequest) => RateLimiter;
}

/**
 * Who a sign-up is counted against: the caller's address as Appwrite hands it to the execution
 * (`x-appwrite-client-ip`), hashed into a row id. Appwrite's own abuse limit on account creation does
 * not apply here (it exempts the function's key), so this is the only limit on sign-ups. Without the
 * header every such sign-up shares one counter: limited together, never unlimited.
 */
export function signUpKey(req: RuntimeRequest): string {
  const address = req.headers['x-appwrite-client-ip'] ?? '';
  return `ip-${createHash('sha256').update(address).digest('hex').slice(0, 33)}`;
}

/** The form field an Appwrite `general_argument_invalid` names (`Invalid \`password\` param: …`). */
function paramOf(message: string): string | undefined {
  return /Invalid `(email|password|name)` param/.exec(message)?.[1];
}

/**
 * Appwrite's refusals of a new password (its dictionary, personal-data check, history, length) and
 * of other fields, as our error with `fields` naming the input, so the form shows them in place.
 */
function inputRefusal(thrown: unknown): AppError | undefined {
  if (!(thrown instanceof AppwriteException)) return undefined;
  switch (thrown.type) {
    case 'password_recently_used':
    case 'password_personal_data':
      return new AppError(thrown.type, thrown.message, {
        password: { code: thrown.type, message: thrown.message },
      });
    case 'general_argument_invalid': {
      // Appwrite's own checks (its password dictionary, length) fail as a bad parameter.
      const field = paramOf(thrown.message) ?? 'password';
      const code = field === 'password' ? 'password_rejected' : 'invalid';
      return new AppError('general_argument_invalid', 'One or more fields are invalid.', {
        [field]: { code, message: thrown.message },
      });
    }
    case 'general_rate_limit_exceeded':
      return new AppError('general_rate_limit_exceeded', 'Too many attempts. Try again later.');
    default:
      return undefined;
  }
}

/**
 * `POST /register`: the full password policy (the shared `Registration` schema), a free handle if one
 * is chosen (else the gate derives one from the name), a limit per client
 * address, then `users.create` with an id derived from `AGORA_ID_SECRET` and recorded in
 * `registrations` just before, both of which `on-user-created` checks. A refused create withdraws the
 * record. The password is passed to Appwrite once and never logged or answered.
 */
export function register({ repoFor, secret, limiterFor }: AccountsDeps): RouteHandler {
  return async ({ req, res }) => {
    const { handle, ...input } = parseInput(Registration, req.bodyText);
    await limiterFor(req).consume(signUpKey(req), 'register');
    const repo = repoFor(req);
    // Checked here so the form can say so; two sign-ups racing for one handle are settled by the
    // unique index when `on-user-created` makes the profile (the later one gets `handle2`).
    if (handle !== undefined && (await repo.handleTaken(handle))) {
      throw new AppError('general_argument_invalid', 'One or more fields are invalid.', {
        handle: { code: 'handle_taken', message: 'This handle is taken.' },
      });
    }
    const userId = deriveUserId(secret());
    await repo.issueRegistration(userId, {
      issuedBy: 'accounts',
      admin: false,
      ...(handle === undefined ? {} : { handle }),
    });
    let user: CreatedUser | null;
    try {
      user = await repo.createUser({ ...input, userId });
    } catch (thrown) {
      await repo.withdrawRegistration(userId);
      throw inputRefusal(thrown) ?? thrown;
    }
    if (user === null) {
      await repo.withdrawRegistration(userId);
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
  // An unknown user id is answered like a wrong secret: the link is what is wrong, and the
  // difference would tell a stranger which user ids exist.
  if (isType(thrown, 'user_invalid_token') || isType(thrown, 'user_not_found')) {
    return new AppError('user_invalid_token', 'The recovery link is invalid or has expired.');
  }
  return inputRefusal(thrown);
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
