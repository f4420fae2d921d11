import * as z from 'zod/mini';
import { Email, Handle, Id, Name, Password } from './common.ts';

/**
 * Sign up. The `accounts` function enforces this on the server: the browser cannot skip it by calling
 * Appwrite's `account.create` directly (see functions/accounts/README.md).
 */
export const Registration = z.strictObject({
  email: Email,
  password: Password,
  name: Name,
  /** How others mention you (`@ada_l`), unique; left out, one is derived from the name. */
  handle: z.optional(Handle),
});
export type Registration = z.infer<typeof Registration>;

/** Sign in. Only presence is checked here: a wrong password is Appwrite's to say, not a format error. */
export const SignIn = z.strictObject({
  email: Email,
  password: z.string().check(z.minLength(1, { message: 'Required.' })),
});
export type SignIn = z.infer<typeof SignIn>;

/**
 * Finish a password recovery through the `accounts` function (`PUT /recovery`): the `userId` and
 * `secret` from the emailed link, and the new password under the full policy. `passwordAgain`, when a
 * form sends it, must match.
 */
export const RecoveryComplete = z
  .strictObject({
    userId: Id,
    secret: z
      .string()
      .check(
        z.minLength(1, { message: 'Required.' }),
        z.maxLength(256, { message: 'At most 256 characters.' }),
      ),
    password: Password,
    passwordAgain: z.optional(z.string()),
  })
  .check(
    z.refine(
      (input) => input.passwordAgain === undefined || input.passwordAgain === input.password,
      {
        message: 'The passwords do not match.',
        path: ['passwordAgain'],
        params: { code: 'password_mismatch' },
      },
    ),
  );
export type RecoveryComplete = z.infer<typeof RecoveryComplete>;
