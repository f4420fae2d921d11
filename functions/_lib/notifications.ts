import { createHash } from 'node:crypto';
import { Limits } from '#shared/limits.ts';
import type { NotificationFields, NotificationKind } from '#shared/schemas/notification.ts';
import type { PostRef } from './post-writes.ts';

export type { NotificationKind } from '#shared/schemas/notification.ts';

/**
 * One notification to write: its row id and what it stores. `notify…` builders return `null` (or
 * leave it out) when it would tell someone about their own action.
 */
export interface NotificationWrite {
  rowId: string;
  data: NotificationFields;
}

/** At most this many earlier commenters hear of a reply: one comment's transaction stays small. */
export const MAX_REPLY_RECIPIENTS = 20;

/** The one row permission of a notification: its recipient reads it; nobody else, nothing more. */
export function notificationPermissions(recipientId: string): string[] {
  return [`read("user:${recipientId}")`];
}

/**
 * The like notification's id: one per post (its author is the recipient), so every like of the post
 * updates the same row instead of adding one. 36 hex characters (a valid row id).
 */
export function likeNotificationId(postId: string): string {
  return createHash('sha256').update(`like\n${postId}`).digest('hex').slice(0, 36);
}

/** A fresh notification id, derived from what it is about, so a retried write cannot double it. */
function notificationId(kind: NotificationKind, aboutId: string, recipientId: string): string {
  return createHash('sha256')
    .update(`${kind}\n${aboutId}\n${recipientId}`)
    .digest('hex')
    .slice(0, 36);
}

/** The start of a text, on one line, as a notification quotes it. */
export function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const max = Limits.excerpt.max;
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function fields(
  recipientId: string,
  kind: NotificationKind,
  about: { actorId: string | null; postId: string | null; commentId: string | null; text: string },
): NotificationFields {
  return {
    recipientId,
    kind,
    actorId: about.actorId,
    postId: about.postId,
    commentId: about.commentId,
    excerpt: excerptOf(about.text),
    read: false,
  };
}

/**
 * `actorId` liked the post: its author's like notification for this post, unread again and naming
 * the latest liker. `null` for your own post.
 */
export function notifyLike(
  post: PostRef & { title: string },
  actorId: string,
): NotificationWrite | null {
  if (post.authorId === actorId) return null;
  return {
    rowId: likeNotificationId(post.$id),
    data: fields(post.authorId, 'like', {
      actorId,
      postId: post.$id,
      commentId: null,
      text: post.title,
    }),
  };
}

/** A new comment on the post: its author hears of it, unless they wrote it. */
export function notifyComment(
  post: PostRef,
  comment: { $id: string; authorId: string; body: string },
): NotificationWrite | null {
  if (post.authorId === comment.authorId) return null;
  return {
    rowId: notificationId('comment', comment.$id, post.authorId),
    data: fields(post.authorId, 'comment', {
      actorId: comment.authorId,
      postId: post.$id,
      commentId: comment.$id,
      text: comment.body,
    }),
  };
}

/**
 * A new comment in a thread: each earlier commenter hears of the reply — not its writer, not the
 * post's author (who has the `comment` notification), each once, the latest
 * `MAX_REPLY_RECIPIENTS`. `earlierCommenters`: the thread's comment authors newest first, repeats allowed.
 */
export function notifyReplies(
  post: PostRef,
  comment: { $id: string; authorId: string; body: string },
  earlierCommenters: readonly string[],
): NotificationWrite[] {
  const recipients = [...new Set(earlierCommenters)]
    .filter((id) => id !== comment.authorId && id !== post.authorId)
    .slice(0, MAX_REPLY_RECIPIENTS);
  return recipients.map((recipientId) => ({
    rowId: notificationId('reply', comment.$id, recipientId),
    data: fields(recipientId, 'reply', {
      actorId: comment.authorId,
      postId: post.$id,
      commentId: comment.$id,
      text: comment.body,
    }),
  }));
}

/** `mentioned` members were named in a post or comment by `actorId`: each hears once, not the writer. */
export function notifyMentions(
  about: { postId: string; commentId: string | null; text: string },
  actorId: string,
  mentioned: readonly string[],
): NotificationWrite[] {
  return [...new Set(mentioned)]
    .filter((id) => id !== actorId)
    .map((recipientId) => ({
      rowId: notificationId('mention', about.commentId ?? about.postId, recipientId),
      data: fields(recipientId, 'mention', { actorId, ...about }),
    }));
}

/**
 * A moderator acted on the recipient's post or comment (hid it): `reason` is what they read. No
 * actor: moderators stay unnamed. For the moderation routes; not written by `posts` itself.
 */
export function notifyModeration(
  recipientId: string,
  about: { postId: string; commentId: string | null; reason: string },
): NotificationWrite {
  return {
    rowId: notificationId('moderation', about.commentId ?? about.postId, recipientId),
    data: fields(recipientId, 'moderation', {
      actorId: null,
      postId: about.postId,
      commentId: about.commentId,
      text: about.reason,
    }),
  };
}
