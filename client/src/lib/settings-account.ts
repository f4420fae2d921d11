import { FunctionId, Route } from '#shared/functions.ts';
import { account } from './appwrite.ts';
import { callFunction } from './call-function.ts';

/**
 * The account actions on the settings page: the verification mail and deleting the account.
 */

/**
 * The address Appwrite's verification mail links to: this app's `#/verify` page. Appwrite appends
 * `?userId=…&secret=…` to it, which lands before the `#` where the router reads it.
 */
export function verificationUrl(): string {
  return `${location.origin}${location.pathname}#/verify`;
}

/** Sends the signed-in user a verification mail. */
export async function sendVerificationEmail(): Promise<void> {
  await account.createEmailVerification({ url: verificationUrl() });
}

/**
 * Whether what was typed in the confirmation box is the account's email: trimmed and without regard
 * to case, since Appwrite stores emails lower-cased and people type them as they like.
 */
export function confirmsEmail(typed: string, email: string): boolean {
  return email !== '' && typed.trim().toLowerCase() === email.trim().toLowerCase();
}

/** Deletes the caller's own account through the `accounts` function (their session goes with it). */
export async function deleteMyAccount(): Promise<void> {
  await callFunction(FunctionId.accounts, Route.accounts.deleteAccount);
}
