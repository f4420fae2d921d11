import * as z from 'zod/mini';
import { Email, Name, Password } from './common.ts';

/**
 * Sign up. The `accounts` function enforces this on the server: the browser cannot skip it by calling
 * Appwrite's `account.create` directly (see functions/accounts/README.md).
 */
export const Registration = z.strictObject({
  email: Email,
  password: Password,
  name: Name,
});
export type Registration = z.infer<typeof Registration>;

/** Sign in. Only presence is checked here: a wrong password is Appwrite's to say, not a format error. */
export const SignIn = z.strictObject({
  email: Email,
  password: z.string().check(z.minLength(1, { message: 'Required.' })),
});
export type SignIn = z.infer<typeof SignIn>;
