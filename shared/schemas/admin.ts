import * as z from 'zod/mini';
import { Email, Id, Name, PageLimit, Password, SearchText } from './common.ts';

/** An admin creates a user, with the same password policy as sign-up; optionally an admin at once. */
export const AdminUserCreate = z.strictObject({
  email: Email,
  password: Password,
  name: Name,
  admin: z._default(z.boolean(), false),
});
export type AdminUserCreate = z.infer<typeof AdminUserCreate>;

/** Grant (`true`) or revoke (`false`) the admin label. */
export const AdminSetAdmin = z.strictObject({ admin: z.boolean() });
export type AdminSetAdmin = z.infer<typeof AdminSetAdmin>;

/** Block (`true`) or unblock (`false`) a user. A blocked user cannot sign in. */
export const AdminSetBlocked = z.strictObject({ blocked: z.boolean() });
export type AdminSetBlocked = z.infer<typeof AdminSetBlocked>;

/**
 * One page of users, from the query string of `GET /users`. Pages by cursor (the last user id of the
 * previous page), since Appwrite counts `total` only up to 5,000.
 */
export const AdminUserList = z.strictObject({
  search: z.optional(SearchText),
  cursor: z.optional(Id),
  limit: PageLimit,
});
export type AdminUserList = z.infer<typeof AdminUserList>;

/** A user as the admin table shows it (`GET /users`): never a password hash or a session. */
export interface AdminUserView {
  $id: string;
  $createdAt: string;
  name: string;
  email: string;
  emailVerification: boolean;
  /** `false` when blocked. */
  status: boolean;
  admin: boolean;
  labels: string[];
}

/** One page of `GET /users`: pass `nextCursor` back as `cursor` for the next; `null` at the end. */
export interface AdminUserPage {
  users: AdminUserView[];
  nextCursor: string | null;
}

/** What `POST /exports` answers (202): the `jobs` row to watch over Realtime. */
export interface ExportStarted {
  jobId: string;
}
