import * as z from 'zod/mini';
import { Handle } from './common.ts';
import { rowOf } from './row.ts';

/** Who issued a user id: sign-up (`accounts`), an admin (`admin`), or the demo seed script. */
export const RegistrationIssuer = z.enum(['accounts', 'admin', 'seed']);
export type RegistrationIssuer = z.infer<typeof RegistrationIssuer>;

/**
 * A `registrations` row (row id = the issued user id): Agora issued this id and no user has taken it
 * yet. The issuer writes it just before `users.create`; `on-user-created` vets the new user only when
 * the row is there and deletes it once the user is vetted, so an id becomes a user once. A deleted
 * user's id, taken again through Appwrite's open `account.create`, finds no row and is blocked.
 * `admin` asks the gate to make the new member an admin as it vets them (the gate is the one writer
 * of a new user's labels, so two writers cannot overwrite each other's). Functions only.
 */
export const RegistrationFields = z.strictObject({
  issuedBy: RegistrationIssuer,
  admin: z._default(z.boolean(), false),
  /** The handle chosen at sign-up, which the gate gives the profile; `null`: derived from the name. */
  handle: z.optional(z.nullable(Handle)),
});
export type RegistrationFields = z.infer<typeof RegistrationFields>;

export const RegistrationRow = rowOf(RegistrationFields);
export type RegistrationRow = z.infer<typeof RegistrationRow>;
