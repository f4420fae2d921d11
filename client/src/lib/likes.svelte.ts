import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { likedAmong } from './api/likes.ts';
import { likePost, unlikePost } from './api/posts.ts';
import { type LikeView, rollback, toggle } from './like-state.ts';
import { requireSignIn, session } from './session.svelte.ts';
import { toasts } from './toasts.svelte.ts';

/**
 * Likes for the posts a view shows: which the signed-in user liked (read from their `likes` rows)
 * and optimistic toggling. While a like is in flight the button shows the optimistic state
 * (`view(post)`); the server's LikeState then settles it through `onSettled` (which the view uses to
 * write the new count into its post), or an error rolls it back with a toast. One request per post
 * at a time: a click while one is in flight is ignored.
 */
export class Likes {
  #liked = new SvelteSet<string>();
  #pending = new SvelteMap<string, LikeView>();
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
      this.#liked.clear();
      return;
    }
    if (postIds.length === 0) return;
    try {
      const liked = await likedAmong(user.$id, postIds);
      for (const id of postIds) {
        if (this.#pending.has(id)) continue;
        if (liked.has(id)) this.#liked.add(id);
        else this.#liked.delete(id);
      }
    } catch {
      // Not knowing only means hearts start empty; liking still answers the truth.
    }
  }

  async toggle(post: { $id: string; likesCount: number }): Promise<void> {
    if (!requireSignIn() || this.#pending.has(post.$id)) return;
    const before = this.view(post);
    const optimistic = toggle(before);
    this.#pending.set(post.$id, optimistic);
    try {
      const state = optimistic.liked ? await likePost(post.$id) : await unlikePost(post.$id);
      if (state.liked) this.#liked.add(post.$id);
      else this.#liked.delete(post.$id);
      this.#onSettled(post.$id, state.likesCount);
    } catch (error) {
      const back = rollback(before);
      if (back.liked) this.#liked.add(post.$id);
      else this.#liked.delete(post.$id);
      toasts.error(error);
    } finally {
      this.#pending.delete(post.$id);
    }
  }
}
