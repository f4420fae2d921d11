import { AppwriteError } from '../platform/errors.ts';
import type { AuthPolicies } from '../project/settings.ts';

/**
 * The password policies a project can turn on (SRV src/Appwrite/Auth/Validator/PasswordDictionary.php
 * and PersonalData.php), checked where Appwrite checks them: the dictionary as part of the `password`
 * param (so a refusal is 400 `general_argument_invalid`), personal data in the route (400
 * `password_personal_data`).
 *
 * The dictionary: Appwrite ships the 10,000 most common passwords of the xato.net leak (its
 * app/assets/security/10k-common-passwords). We take the same leak's list, in the same frequency
 * order, from the npm package `@zxcvbn-ts/language-common` (MIT) and check its first 10,000 — our
 * copy of the list, not Appwrite's file, so a rare password may be on one list and not the other.
 * Like Appwrite's, the check is an exact, case-sensitive match. The list is loaded on first use.
 */

/** How many of the most common passwords are refused: as many as Appwrite's list holds. */
export const DICTIONARY_SIZE = 10_000;

let dictionary: Promise<ReadonlySet<string>> | null = null;

/** The common-password list, loaded once. */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  dictionary ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary: lists }) => new Set(lists['passwords-common'].slice(0, DICTIONARY_SIZE)),
  );
  return dictionary;
}

/** Whom a password belongs to, for the personal-data check (empty strings are skipped). */
export interface PasswordOwner {
  userId: string;
  email: string;
  name: string;
  phone: string;
}

/**
 * Whether a password contains the owner's id, email, the email's local part, name or phone (with or
 * without its `+`), compared lower-cased — Appwrite's PersonalData validator.
 */
export function containsPersonalData(password: string, owner: PasswordOwner): boolean {
  const text = password.toLowerCase();
  const email = owner.email.toLowerCase();
  const phone = owner.phone.toLowerCase();
  const parts = [
    owner.userId.toLowerCase(),
    email,
    email ? (email.split('@')[0] ?? '') : '',
    owner.name.toLowerCase(),
    phone.replace('+', ''),
    phone,
  ];
  return parts.some((part) => part !== '' && text.includes(part));
}

/** 400 `general_argument_invalid` on `password` when the dictionary policy is on and it is common. */
export async function checkDictionary(policies: AuthPolicies, password: string): Promise<void> {
  if (!policies.passwordDictionary || password === '') return;
  if ((await commonPasswords()).has(password)) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `password` param: Password must be between 8 and 256 characters long, and should not be one of the commonly used passwords.',
    );
  }
}

/** 400 `password_personal_data` when that policy is on and the password holds the owner's data. */
export function checkPersonalData(
  policies: AuthPolicies,
  password: string,
  owner: PasswordOwner,
): void {
  if (!policies.personalDataCheck || password === '') return;
  if (containsPersonalData(password, owner)) {
    throw new AppwriteError(
      'password_personal_data',
      'The password contains your name, email, phone or user ID. Choose a different password.',
    );
  }
}
