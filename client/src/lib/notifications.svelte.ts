import { Channel } from '#shared/channels.ts';
import { TableId } from '#shared/ids.ts';
import type { Notification } from '#shared/schemas/notification.ts';
import { unreadCount } from './api/notifications.ts';
import { subscribe } from './realtime.svelte.ts';

/**
 * The signed-in member's notifications as the header's bell shows them: the unread count, kept live
 * over Realtime (the `notifications` channel carries only rows this member may read — their own),
 * and `version`, which moves on every change so an open list refetches. The header calls
 * `watch(userId)` whenever the session changes (`null`: signed out, nothing watched).
 */
class Notifications {
  unread = $state(0);
  version = $state(0);
  #userId: string | null = null;
  #stop: (() => void) | null = null;
  /** Counts asked for, so an older answer arriving late never overwrites a newer one. */
  #asked = 0;

  watch(userId: string | null): void {
    if (userId === this.#userId) return;
    this.#stop?.();
    this.#stop = null;
    this.#userId = userId;
    this.unread = 0;
    if (!userId) return;
    this.#stop = subscribe(
      [Channel.rows(TableId.notifications)],
      () => {
        this.version += 1;
        void this.refresh();
      },
      { onReconnect: () => void this.refresh() },
    );
    void this.refresh();
  }

  /** Reads the unread count again (after an event, a reconnect, or marking read). */
  async refresh(): Promise<void> {
    const userId = this.#userId;
    if (!userId) return;
    const asked = ++this.#asked;
    try {
      const count = await unreadCount(userId);
      if (asked === this.#asked && userId === this.#userId) this.unread = count;
    } catch {
      // Offline or refused: keep the last count; the next event or reconnect asks again.
    }
  }
}

export const notifications = new Notifications();

/** The bell's badge: nothing at 0, the count up to 99, then "99+". */
export function badgeText(unread: number): string {
  return unread <= 0 ? '' : unread > 99 ? '99+' : String(unread);
}

/** The bell's accessible name. */
export function bellLabel(unread: number): string {
  return unread <= 0 ? 'Notifications' : `Notifications, ${badgeText(unread)} unread`;
}

/** What a notification says, with the actor's name (free text, shown as text, never as HTML). */
export function notificationText(n: Notification, actorName: string): string {
  const quote = n.excerpt ? ` “${n.excerpt}”` : '';
  switch (n.kind) {
    case 'like':
      return `${actorName} liked your post${quote}`;
    case 'comment':
      return `${actorName} commented on your post:${quote}`;
    case 'reply':
      return `${actorName} replied in a thread you commented in:${quote}`;
    case 'mention':
      return `${actorName} mentioned you:${quote}`;
    case 'moderation':
      return `A moderator hid your ${n.commentId ? 'comment' : 'post'}.${n.excerpt ? ` Reason: ${n.excerpt}` : ''}`;
  }
}

/** Where a notification leads: the post it is about (its comments are on the same page). */
export function notificationPath(n: Notification): string | null {
  return n.postId ? `/post/${n.postId}` : null;
}
