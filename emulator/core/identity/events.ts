import { type AppwriteEvent, changeEvent } from '../platform/events.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { sessionModel, tokenModel, userModel } from './models.ts';
import type { SessionRecord, TokenRecord, UserRecord } from './records.ts';

/**
 * The events Appwrite's users and account routes label themselves with (app/controllers/api/
 * users.php, account.php), built for the identity stores, which publish them once their write has
 * committed. Only the user may read them (`user:ID`), which is also how Realtime routes them to the
 * `account` channel.
 */

/** A user change, as the part of its event after `users.[userId].`. */
export type UserUpdate =
  | 'update.name'
  | 'update.email'
  | 'update.phone'
  | 'update.password'
  | 'update.status'
  | 'update.labels'
  | 'update.verification'
  | 'update.prefs';

/**
 * A user event, `users.[userId].<what>` — `create`, `delete`, an update (`update.name`...), or
 * `sessions.delete` (all of a user's sessions, by an admin) — with the User as payload.
 */
export function userEvent(
  what: 'create' | 'delete' | 'sessions.delete' | UserUpdate,
  user: UserRecord,
  options: WriteOptions,
): AppwriteEvent {
  return event(`users.[userId].${what}`, { userId: user.id }, userModel(user), user.id, options);
}

/** A session event, `users.[userId].sessions.[sessionId].<action>`, with the Session as payload. */
export function sessionEvent(
  action: 'create' | 'delete',
  session: SessionRecord,
  options: WriteOptions,
): AppwriteEvent {
  return event(
    `users.[userId].sessions.[sessionId].${action}`,
    { userId: session.userId, sessionId: session.id },
    sessionModel(session, false),
    session.userId,
    options,
  );
}

/**
 * A recovery or verification link used: `users.[userId].recovery|verification.[tokenId].update`,
 * with the Token (secret blanked) as payload.
 */
export function tokenUsedEvent(
  kind: 'recovery' | 'verification',
  token: TokenRecord,
  options: WriteOptions,
): AppwriteEvent {
  return event(
    `users.[userId].${kind}.[tokenId].update`,
    { userId: token.userId, tokenId: token.id },
    tokenModel(token),
    token.userId,
    options,
  );
}

/** A change read by its user only. */
function event(
  pattern: string,
  params: Record<string, string>,
  payload: Record<string, unknown>,
  ownerId: string,
  options: WriteOptions,
): AppwriteEvent {
  return changeEvent(pattern, params, payload, [`user:${ownerId}`], options);
}
