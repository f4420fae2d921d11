import { Query } from 'appwrite';
import { Channel } from '#shared/channels.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { Post } from '#shared/schemas/post.ts';
import { Profile } from '#shared/schemas/profile.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { tables } from './appwrite.ts';
import { subscribe } from './realtime.svelte.ts';

/** Posts per page on a profile. */
export const PROFILE_PAGE_SIZE = 10;

/** The queries for one page of an author's posts, newest first (the `by_author` index). */
export function authorPostsQueries(authorId: string, cursor: string | null, limit: number) {
  return [
    Query.equal('authorId', authorId),
    Query.orderDesc('$createdAt'),
    Query.limit(limit),
    ...(cursor ? [Query.cursorAfter(cursor)] : []),
  ];
}

/**
 * A person's profile page: their profile row (counters kept live over Realtime) and their posts,
 * newest first, paged by cursor with "Load more". The profile and the first page load together; a
 * failure of either shows in its own place.
 *
 *   const page = new ProfilePage(id);   page.load()   page.loadMore()   page.watch() → stop
 */
export class ProfilePage {
  readonly userId: string;
  profile = $state.raw<Profile | null>(null);
  /** `missing` when there is no such person. */
  status = $state<'loading' | 'ready' | 'missing' | 'error'>('loading');
  error = $state.raw<ApiError | null>(null);

  posts = $state.raw<Post[]>([]);
  postsStatus = $state<'loading' | 'ready' | 'error'>('loading');
  postsError = $state.raw<ApiError | null>(null);
  /** Whether another page may follow (the last page came back full). */
  hasMore = $state(false);
  loadingMore = $state(false);

  constructor(userId: string) {
    this.userId = userId;
  }

  /** Loads the profile and the first page of posts, concurrently. */
  load(): Promise<void> {
    return Promise.all([this.#loadProfile(), this.#loadFirstPosts()]).then(() => undefined);
  }

  /** Appends the next page of posts. */
  async loadMore(): Promise<void> {
    const last = this.posts[this.posts.length - 1];
    if (!last || this.loadingMore) return;
    this.loadingMore = true;
    this.postsError = null;
    try {
      const page = await this.#page(last.$id);
      const known = new Set(this.posts.map((post) => post.$id));
      this.posts = [...this.posts, ...page.filter((post) => !known.has(post.$id))];
      this.hasMore = page.length === PROFILE_PAGE_SIZE;
    } catch (error) {
      this.postsError = toApiError(error);
    } finally {
      this.loadingMore = false;
    }
  }

  retryPosts(): Promise<void> {
    return this.posts.length === 0 ? this.#loadFirstPosts() : this.loadMore();
  }

  /** Keeps the profile's counters and bio live; returns the stop function (an `$effect`'s body). */
  watch(): () => void {
    return subscribe(
      [Channel.row(TableId.profiles, this.userId)],
      (event) => {
        const parsed = Profile.safeParse(event.payload);
        if (parsed.success) this.profile = parsed.data;
      },
      { onReconnect: () => void this.#loadProfile() },
    );
  }

  async #loadProfile(): Promise<void> {
    try {
      const row = await tables.getRow({
        databaseId: DATABASE_ID,
        tableId: TableId.profiles,
        rowId: this.userId,
      });
      this.profile = Profile.parse(row);
      this.status = 'ready';
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.status === 404) {
        this.status = 'missing';
        return;
      }
      this.error = apiError;
      this.status = 'error';
    }
  }

  async #loadFirstPosts(): Promise<void> {
    this.postsStatus = 'loading';
    this.postsError = null;
    try {
      const page = await this.#page(null);
      this.posts = page;
      this.hasMore = page.length === PROFILE_PAGE_SIZE;
      this.postsStatus = 'ready';
    } catch (error) {
      this.postsError = toApiError(error);
      this.postsStatus = 'error';
    }
  }

  async #page(cursor: string | null): Promise<Post[]> {
    const { rows } = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.posts,
      queries: authorPostsQueries(this.userId, cursor, PROFILE_PAGE_SIZE),
    });
    return rows.map((row) => Post.parse(row));
  }
}
