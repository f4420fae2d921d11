import { FunctionId, Route } from '#shared/functions.ts';
import type { Registration } from '#shared/schemas/account.ts';
import { account } from './appwrite.ts';
import { callFunction } from './call-function.ts';
import { session } from './session.svelte.ts';

/**
 * Account flows that are not the session itself: sign-up through the `accounts` function (the
 * password policy is enforced there), email verification and password recovery. The links Appwrite
 * mails point back into this app: `${origin}${pathname}#/verify` and `#/recover`; Appwrite appends
 * `?userId=…&secret=…&expire=…`, read by those pages through `router.query`.
 */
export function appLink(path: string): string {
  return `${location.origin}${location.pathname}#${path}`;
}

/** Creates the account, then signs in with it. Throws ApiError (`fields` for a bad field). */
export async function register(input: Registration): Promise<void> {
  await callFunction(FunctionId.accounts, Route.accounts.register, {}, input);
  await session.signIn(input.email, input.password);
  // The profile is made by the users.*.create event, a moment after the account: look again.
  if (!session.profile) setTimeout(() => void session.refreshProfile(), 2000);
}

/** Mails the signed-in user a verification link. */
export async function sendVerification(): Promise<void> {
  await account.createEmailVerification({ url: appLink('/verify') });
}

/** Completes verification with the link's userId and secret. */
export async function completeVerification(userId: string, secret: string): Promise<void> {
  await account.updateEmailVerification({ userId, secret });
  // Opened fresh from the mailed link, the page's first read of the account may still be on its way
  // (and answer "unverified"): read the account again now, signed in or not yet known.
  await session.restore();
}

/** Mails a password-reset link (answers the same whether or not the email has an account). */
export async function requestRecovery(email: string): Promise<void> {
  await account.createRecovery({ email, url: appLink('/recover') });
}

/** Sets the new password through the `accounts` function, which checks the policy. */
export async function completeRecovery(
  userId: string,
  secret: string,
  password: string,
): Promise<void> {
  await callFunction(
    FunctionId.accounts,
    Route.accounts.completeRecovery,
    {},
    { userId, secret, password },
  );
}
