import * as z from 'zod/mini';
import { Limits } from '../limits.ts';
import { Id, text } from './common.ts';
import { rowOf } from './row.ts';

/**
 * What a notification is about. `like`: someone liked your post (one row per post, updated by each
 * new like); `comment`: someone commented on your post; `reply`: someone commented in a thread you
 * commented in; `mention`: someone wrote your handle; `moderation`: your post or comment was hidden
 * (written by the moderation helper through `notifyModeration`).
 */
export const NotificationKind = z.enum(['like', 'comment', 'reply', 'mention', 'moderation']);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * What a `notifications` row stores. Written only by functions, with one row permission:
 * `read("user:<recipientId>")` — the table grants nothing, so only the recipient reads it (and its
 * Realtime events). `actorId` is who acted (`null` for moderation); `excerpt` the start of the comment
 * or the post's title, as it was then.
 */
export const NotificationFields = z.strictObject({
  recipientId: Id,
  kind: NotificationKind,
  actorId: z._default(z.nullable(Id), null),
  postId: z._default(z.nullable(Id), null),
  commentId: z._default(z.nullable(Id), null),
  excerpt: z._default(z.nullable(text(0, Limits.excerpt.max)), null),
  read: z._default(z.boolean(), false),
});
export type NotificationFields = z.infer<typeof NotificationFields>;

/** A notification as its recipient reads it. */
export const Notification = rowOf(NotificationFields);
export type Notification = z.infer<typeof Notification>;

/** The answer to marking notifications read: how many this call changed. */
export interface NotificationsRead {
  updated: number;
}
