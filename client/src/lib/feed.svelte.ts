import { createSubscriber } from 'svelte/reactivity';
import { Channel } from '#shared/channels.ts';
import { TableId } from '#shared/ids.ts';
import { FEED_PAGE, type FeedSort } from '#shared/queries.ts';
import type { Post } from '#shared/schemas/post.ts';
import { listFeed, toPost } from './api/posts.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { authors } from './authors.svelte.ts';
import { Likes } from './likes.svelte.ts';
import { eventAction, subscribe } from './realtime.svelte.ts';
import { applyRowEvent, mergeFirstPage } from './row-list.ts';

/**
 * A feed: the home page's, or one tag's (`new Feed({ tag })`), sorted newest first or by likes (all
 * time, or this week), paged by cursor, live. Constructed by the Feed page. Reading `feed.posts`
 * (in a component) keeps a Realtime subscription to the `posts` table open: in the newest-first
 * sort a new post appears at the top; in every sort an edit replaces its card, a delete removes
 * it, and like/comment counts move (the `posts` function updates the row's counters) — a card keeps
 * its place until the next load rather than jump under the reader's finger. After a reconnect the
 * first page is refetched and merged, so nothing written while offline is missed.
 */
export class Feed {
  readonly tag: string | undefined;
  /** The order; change it with `setSort`. */
  sort = $state<FeedSort>('new');
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
        // A new post belongs on top only in the newest-first sort (in the others it has no likes).
        if (action === 'create' && this.sort !== 'new') return;
        this.#posts = applyRowEvent(this.#posts, action, post, {
          keep: (row) => this.tag === undefined || row.tags.includes(this.tag),
        });
        if (action === 'create' && !had && this.#posts.some((item) => item.$id === post.$id)) {
          this.arrived++;
          void authors.load([post.authorId]);
        }
      },
      { onReconnect: () => void this.refetch() },
    ),
  );

  constructor(options: { tag?: string; sort?: FeedSort } = {}) {
    this.tag = options.tag;
    this.sort = options.sort ?? 'new';
  }

  get posts(): Post[] {
    this.#subscribe();
    return this.#posts;
  }

  /** Re-sorts: loads the first page in the new order. */
  setSort(sort: FeedSort): Promise<void> {
    if (sort === this.sort) return Promise.resolve();
    this.sort = sort;
    this.#posts = [];
    return this.load();
  }

  #options() {
    return { sort: this.sort, tag: this.tag };
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    const sort = this.sort;
    try {
      const page = await listFeed(undefined, undefined, this.#options());
      if (sort !== this.sort) return; // re-sorted meanwhile: that load owns the list
      this.#posts = page.posts;
      this.more = page.more;
      await this.#enrich(page.posts);
    } catch (error) {
      this.error = toApiError(error);
    } finally {
      if (sort === this.sort) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    const last = this.#posts[this.#posts.length - 1];
    if (!last || this.loadingMore || !this.more) return;
    this.loadingMore = true;
    try {
      const sort = this.sort;
      const page = await listFeed(last.$id, undefined, this.#options());
      if (sort !== this.sort) return;
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
      const sort = this.sort;
      const page = await listFeed(undefined, limit, this.#options());
      if (sort !== this.sort) return;
      // Newest first, older loaded rows are kept; in a likes order the page simply replaces them.
      this.#posts =
        sort === 'new' ? mergeFirstPage(this.#posts, page.posts, page.more) : page.posts;
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
