import { likedAmong } from './api/likes.ts';
import { likePost, unlikePost } from './api/posts.ts';
import { type LikeView, rollback, toggle } from './like-state.ts';
import { requireSignIn, requireVerified, session } from './session.svelte.ts';
import { toasts } from './toasts.svelte.ts';

/** Where a guest's Like leads after signing in: the post, which then applies the like. */
export function likeAfterSignIn(postId: string): string {
  return `/post/${encodeURIComponent(postId)}?${PENDING_LIKE}=1`;
}

/** The query parameter that carries a guest's Like through sign-in. */
export const PENDING_LIKE = 'like';

/**
 * Likes for the posts a view shows: which the signed-in user liked (read from their `likes` rows)
 * and optimistic toggling. While a like is in flight the button shows the optimistic state
 * (`view(post)`); the server's LikeState then settles it through `onSettled` (which the view uses to
 * write the new count into its post), or an error rolls it back with a toast. One request per post
 * at a time: a click while one is in flight is ignored.
 */
export class Likes {
  // Replaced, never mutated: a change is one new value (lighter than SvelteSet/SvelteMap's runtime).
  #liked = $state.raw<ReadonlySet<string>>(new Set());
  #pending = $state.raw<ReadonlyMap<string, LikeView>>(new Map());
  #onSettled: (postId: string, likesCount: number) => void;

  constructor(onSettled: (postId: string, likesCount: number) => void) {
    this.#onSettled = onSettled;
  }

  /** What the like button of a post shows now. */
  view(post: { $id: string; likesCount: number }): LikeView {
    return (
      this.#pending.get(post.$id) ?? {
        liked: this.#liked.has(post.$id),
        likesCount: post.likesCount,
      }
    );
  }

  busy(postId: string): boolean {
    return this.#pending.has(postId);
  }

  /** Learns which of these posts the user liked (none for a guest). */
  async load(postIds: string[]): Promise<void> {
    const user = session.user;
    if (!user) {
      this.#liked = new Set();
      return;
    }
    if (postIds.length === 0) return;
    try {
      const liked = await likedAmong(user.$id, postIds);
      const next = new Set(this.#liked);
      for (const id of postIds) {
        if (this.#pending.has(id)) continue;
        if (liked.has(id)) next.add(id);
        else next.delete(id);
      }
      this.#liked = next;
    } catch {
      // Not knowing only means hearts start empty; liking still answers the truth.
    }
  }

  /**
   * Likes or unlikes. A guest is sent to sign in, and from there to this post's page with
   * `?like=1`, where the like is applied (`PostThread.applyPendingLike`) — not to the top of the feed.
   */
  async toggle(post: { $id: string; likesCount: number }): Promise<void> {
    if (!requireSignIn(likeAfterSignIn(post.$id)) || this.#pending.has(post.$id)) return;
    const before = this.view(post);
    const optimistic = toggle(before);
    // Unliking needs no verified email; liking does (the server says so too).
    if (optimistic.liked && !requireVerified()) return;
    this.#pending = new Map(this.#pending).set(post.$id, optimistic);
    try {
      const state = optimistic.liked ? await likePost(post.$id) : await unlikePost(post.$id);
      this.#setLiked(post.$id, state.liked);
      this.#onSettled(post.$id, state.likesCount);
    } catch (error) {
      const back = rollback(before);
      this.#setLiked(post.$id, back.liked);
      toasts.error(error);
    } finally {
      const pending = new Map(this.#pending);
      pending.delete(post.$id);
      this.#pending = pending;
    }
  }

  #setLiked(postId: string, liked: boolean): void {
    const next = new Set(this.#liked);
    if (liked) next.add(postId);
    else next.delete(postId);
    this.#liked = next;
  }
}
