import { createSubscriber } from 'svelte/reactivity';
import { Channel } from '#shared/channels.ts';
import { TableId } from '#shared/ids.ts';
import { FEED_PAGE } from '#shared/queries.ts';
import type { Post } from '#shared/schemas/post.ts';
import { listFeed, toPost } from './api/posts.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { authors } from './authors.svelte.ts';
import { Likes } from './likes.svelte.ts';
import { eventAction, subscribe } from './realtime.svelte.ts';
import { applyRowEvent, mergeFirstPage } from './row-list.ts';

/**
 * The home feed: posts newest first, paged by cursor, live. Constructed by the Feed page. Reading
 * `feed.posts` (in a component) keeps a Realtime subscription to the `posts` table open: a new post
 * appears at the top, an edit replaces its card, a delete removes it, and like/comment counts move
 * (the `posts` function updates the row's counters). After a reconnect the first page is refetched
 * and merged, so nothing written while offline is missed.
 */
export class Feed {
  #posts = $state.raw<Post[]>([]);
  /** First load in progress (skeletons). */
  loading = $state(true);
  loadingMore = $state(false);
  more = $state(false);
  error = $state.raw<ApiError | null>(null);
  /** Posts that arrived live since load, for a polite announcement. */
  arrived = $state(0);
  readonly likes = new Likes((postId, likesCount) => this.#setCount(postId, likesCount));

  #subscribe = createSubscriber(() =>
    subscribe<unknown>(
      [Channel.rows(TableId.posts)],
      (event) => {
        const action = eventAction(event);
        const post = toPost(event.payload);
        if (!action || !post) return;
        const had = this.#posts.some((item) => item.$id === post.$id);
        this.#posts = applyRowEvent(this.#posts, action, post);
        if (action === 'create' && !had) {
          this.arrived++;
          void authors.load([post.authorId]);
        }
      },
      { onReconnect: () => void this.refetch() },
    ),
  );

  get posts(): Post[] {
    this.#subscribe();
    return this.#posts;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const page = await listFeed();
      this.#posts = page.posts;
      this.more = page.more;
      await this.#enrich(page.posts);
    } catch (error) {
      this.error = toApiError(error);
    } finally {
      this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    const last = this.#posts[this.#posts.length - 1];
    if (!last || this.loadingMore || !this.more) return;
    this.loadingMore = true;
    try {
      const page = await listFeed(last.$id);
      const ids = new Set(this.#posts.map((post) => post.$id));
      this.#posts = [...this.#posts, ...page.posts.filter((post) => !ids.has(post.$id))];
      this.more = page.more;
      await this.#enrich(page.posts);
    } catch (error) {
      this.error = toApiError(error);
    } finally {
      this.loadingMore = false;
    }
  }

  /** Re-reads what is shown (after a reconnect): the first pages, merged with older loaded rows. */
  async refetch(): Promise<void> {
    try {
      const limit = Math.min(Math.max(this.#posts.length, FEED_PAGE), 100);
      const page = await listFeed(undefined, limit);
      this.#posts = mergeFirstPage(this.#posts, page.posts, page.more);
      if (!page.more) this.more = false;
      await this.#enrich(page.posts);
    } catch {
      // The indicator already says the connection is shaky; the next reconnect tries again.
    }
  }

  /** Re-reads which shown posts the signed-in user liked (after sign-in or sign-out). */
  async refreshLikes(): Promise<void> {
    await this.likes.load(this.#posts.map((post) => post.$id));
  }

  async #enrich(posts: Post[]) {
    const ids = posts.map((post) => post.$id);
    await Promise.all([authors.load(posts.map((post) => post.authorId)), this.likes.load(ids)]);
  }

  #setCount(postId: string, likesCount: number) {
    this.#posts = this.#posts.map((post) => (post.$id === postId ? { ...post, likesCount } : post));
  }
}
