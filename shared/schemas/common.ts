import * as z from 'zod/mini';
import { Limits } from '../limits.ts';

/**
 * A string rule with its own stable `code` (Zod's regex issue has no room for one), so field errors
 * say `password_digit` or `invalid_tag` rather than a generic format failure.
 */
export function rule(pattern: RegExp, code: string, message: string) {
  return z.refine<string>((value) => pattern.test(value), { message, params: { code } });
}

/**
 * An Appwrite id as Appwrite accepts a custom one: letters, digits, `.`, `-`, `_`, not starting with a
 * special character, at most 36 characters. Forged ids (paths, quotes, SQL) fail here, before any call.
 */
export const Id = z
  .string()
  .check(
    z.maxLength(Limits.id.max, { message: `At most ${Limits.id.max} characters.` }),
    rule(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'invalid_id', 'Not a valid id.'),
  );
export type Id = z.infer<typeof Id>;

/** Trimmed text of `min`–`max` characters; blank after trimming fails as too short. */
export function text(min: number, max: number) {
  return z
    .string()
    .check(
      z.trim(),
      z.minLength(min, { message: min === 1 ? 'Required.' : `At least ${min} characters.` }),
      z.maxLength(max, { message: `At most ${max} characters.` }),
    );
}

/**
 * A handle: how members mention each other (`@ada_l`), unique across profiles (index `handle`).
 * Trimmed and lower-cased, then 3–20 of `a-z`, `0-9` and `_`. Names are free text and not unique;
 * handles are both unique and plain, so a mention names exactly one member.
 */
export const Handle = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(Limits.handle.min, { message: `At least ${Limits.handle.min} characters.` }),
    z.maxLength(Limits.handle.max, { message: `At most ${Limits.handle.max} characters.` }),
    rule(/^[a-z0-9_]*$/, 'invalid_handle', 'Use letters a–z, digits and _ only.'),
  );
export type Handle = z.infer<typeof Handle>;

/**
 * A handle derived from a display name (for members who did not choose one: existing users, the
 * demo, admin-made users): accents dropped, anything else `_`, at most 16 characters, padded to 3.
 * Unique it is not: whoever stores it tries numbered ones (`ada2`) when it is taken.
 */
export function handleFromName(name: string): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 16) || 'member';
  return base.length < Limits.handle.min ? `${base}___`.slice(0, Limits.handle.min) : base;
}

/**
 * The handle to try the `attempt`th time when `base` is taken: `base`, then `base2` … `base6`, then
 * a random suffix (`random` is 6 hex characters the caller draws). Always a valid handle.
 */
export function handleCandidate(base: string, attempt: number, random: string): string {
  if (attempt === 0) return base;
  if (attempt < 6) return `${base.slice(0, Limits.handle.max - 1)}${attempt + 1}`;
  return `${base.slice(0, Limits.handle.max - 7)}_${random}`;
}

/**
 * The handles a text mentions: `@name` at the start or after a character that cannot be part of
 * an email's local part, lower-cased, distinct, at most `Limits.mentions.max`.
 */
export function mentionedHandles(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(
    /(?:^|[^A-Za-z0-9_.+-])@([A-Za-z0-9_]{3,20})(?![A-Za-z0-9_])/g,
  )) {
    found.add((match[1] ?? '').toLowerCase());
    if (found.size >= Limits.mentions.max) break;
  }
  return [...found];
}

/** A display name: 1–128 characters after trimming. */
export const Name = text(Limits.name.min, Limits.name.max);

/** An email: trimmed, lower-cased, valid, at most 254 characters. */
export const Email = z.pipe(
  z.string().check(z.trim(), z.toLowerCase()),
  z.email({ message: 'Not a valid email address.' }).check(z.maxLength(Limits.email.max)),
);

/**
 * The password policy, enforced on the server (the `accounts` and `admin` functions) and shown live in
 * forms: 8–128 characters with at least one upper-case letter, one lower-case letter and one digit.
 * Each rule reports on its own, so a form can tick them off one by one.
 */
export const Password = z
  .string()
  .check(
    z.minLength(Limits.password.min, { message: `At least ${Limits.password.min} characters.` }),
    z.maxLength(Limits.password.max, { message: `At most ${Limits.password.max} characters.` }),
    rule(/[A-Z]/, 'password_uppercase', 'Needs an upper-case letter.'),
    rule(/[a-z]/, 'password_lowercase', 'Needs a lower-case letter.'),
    rule(/[0-9]/, 'password_digit', 'Needs a digit.'),
  );

/** An ISO 8601 date-time with offset, as Appwrite writes them (`2026-05-24T10:00:00.000+00:00`). */
export const DateTime = z.iso.datetime({ offset: true });

/** The largest value of a 32-bit integer column (Appwrite stores larger maxima as bigint). */
export const INT32_MAX = 2147483647;

/** A non-negative counter column, 0 when a row is made. */
export const Counter = z._default(z.int().check(z.minimum(0), z.maximum(INT32_MAX)), 0);

/** Search text: trimmed, at most 128 characters. Empty means "no filter". */
export const SearchText = z.string().check(z.trim(), z.maxLength(Limits.search.max));

/**
 * A page size from a query string or JSON: an integer 1–100, 25 when absent. Query strings carry it
 * as text, so digits are accepted as a string too.
 */
export const PageLimit = z._default(
  z.pipe(
    z.pipe(
      z.union([z.int(), z.string().check(z.regex(/^\d{1,3}$/))]),
      z.transform((value) => Number(value)),
    ),
    z
      .int()
      .check(
        z.minimum(1, { message: 'At least 1.' }),
        z.maximum(Limits.page.max, { message: `At most ${Limits.page.max}.` }),
      ),
  ),
  Limits.page.default,
);

/** Why something was hidden or reported: a sentence. */
export const Reason = text(Limits.reason.min, Limits.reason.max);

/** Whether an admin hid a post or comment (`moderation`); rows made before moderation read `false`. */
export const HiddenFlag = z._default(z.boolean(), false);

/** The admin's reason, shown to the author of what was hidden; `null` while visible. */
export const HiddenReason = z._default(
  z.nullable(z.string().check(z.maxLength(Limits.reason.max))),
  null,
);
