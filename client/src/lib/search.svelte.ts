import { Limits } from '#shared/limits.ts';
import type { Post } from '#shared/schemas/post.ts';
import { type PostPage, searchPosts } from './api/posts.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { authors } from './authors.svelte.ts';
import { debounce, Latest } from './latest.ts';

/** Searches one page of posts after `cursor`. */
export type SearchFn = (text: string, cursor?: string) => Promise<PostPage>;

/**
 * Post search: `query` is bound to the search box; 300 ms after the last keystroke the fulltext
 * search runs; an answer to an older query is dropped (`Latest`), so fast typing never shows stale
 * results. `run(text)` searches at once (a submitted form, a `?q=` link); `follow(q)` does the
 * same when the address changes under the page (a tag link, Back, Forward). `more()` appends the
 * next page. Only the first Limits.search.max characters are searched, and `cut` says so.
 */
export class PostSearch {
  query = $state('');
  /** The query the current `results` answer. */
  answered = $state('');
  results = $state.raw<Post[]>([]);
  /** Whether another page may follow. */
  hasMore = $state(false);
  searching = $state(false);
  loadingMore = $state(false);
  error = $state.raw<ApiError | null>(null);

  #latest = new Latest();
  #debounced = debounce((text: string) => void this.run(text), 300);
  readonly #search: SearchFn;

  constructor(search: SearchFn = searchPosts) {
    this.#search = search;
  }

  /** The typed query is longer than what is searched (its first Limits.search.max characters). */
  get cut(): boolean {
    return this.query.trim().length > Limits.search.max;
  }

  /** Call on every keystroke. */
  typed(): void {
    const text = this.query.trim();
    if (text === '') {
      this.clear();
      return;
    }
    this.searching = true;
    this.#debounced(text);
  }

  /** The address says `q` now (or nothing): show that search, unless it is already shown. */
  follow(q: string): void {
    const text = q.trim();
    if (text === this.query.trim() && (text === this.answered || this.searching)) return;
    this.query = q;
    if (text === '') this.clear();
    else void this.run(text);
  }

  clear(): void {
    this.#debounced.cancel();
    this.#latest.cancel();
    this.results = [];
    this.answered = '';
    this.hasMore = false;
    this.searching = false;
    this.error = null;
  }

  async run(text: string): Promise<void> {
    const wanted = text.trim().slice(0, Limits.search.max);
    this.#debounced.cancel();
    if (wanted === '') return;
    this.searching = true;
    this.error = null;
    try {
      const found = await this.#latest.run(() => this.#search(wanted));
      if (found === undefined) return; // superseded by a newer query
      this.results = found.posts;
      this.hasMore = found.more;
      this.answered = wanted;
      this.searching = false;
      void authors.load(found.posts.map((post) => post.authorId));
    } catch (error) {
      this.error = toApiError(error);
      this.searching = false;
    }
  }

  /** The next page of the answered query, appended. */
  async more(): Promise<void> {
    const last = this.results.at(-1);
    const text = this.answered;
    if (!last || !this.hasMore || this.loadingMore || this.searching) return;
    this.loadingMore = true;
    try {
      const found = await this.#latest.run(() => this.#search(text, last.$id));
      if (found === undefined || text !== this.answered) return;
      const shown = new Set(this.results.map((post) => post.$id));
      this.results = [...this.results, ...found.posts.filter((post) => !shown.has(post.$id))];
      this.hasMore = found.more;
      void authors.load(found.posts.map((post) => post.authorId));
    } catch (error) {
      this.error = toApiError(error);
    } finally {
      this.loadingMore = false;
    }
  }
}
