import { Limits } from '#shared/limits.ts';
import type { Post } from '#shared/schemas/post.ts';
import { searchPosts } from './api/posts.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { authors } from './authors.svelte.ts';
import { debounce, Latest } from './latest.ts';

/**
 * Post search: `query` is bound to the search box; 300 ms after the last keystroke the fulltext
 * search runs; an answer to an older query is dropped (`Latest`), so fast typing never shows stale
 * results. `run(text)` searches at once (a submitted form, a `?q=` link).
 */
export class PostSearch {
  query = $state('');
  /** The query the current `results` answer. */
  answered = $state('');
  results = $state.raw<Post[]>([]);
  searching = $state(false);
  error = $state.raw<ApiError | null>(null);

  #latest = new Latest();
  #debounced = debounce((text: string) => void this.run(text), 300);
  readonly #search: (text: string) => Promise<Post[]>;

  constructor(search: (text: string) => Promise<Post[]> = searchPosts) {
    this.#search = search;
  }

  /** Call on every keystroke. */
  typed(): void {
    const text = this.query.trim();
    if (text === '') {
      this.#debounced.cancel();
      this.#latest.cancel();
      this.results = [];
      this.answered = '';
      this.searching = false;
      return;
    }
    this.searching = true;
    this.#debounced(text);
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
      this.results = found;
      this.answered = wanted;
      this.searching = false;
      void authors.load(found.map((post) => post.authorId));
    } catch (error) {
      this.error = toApiError(error);
      this.searching = false;
    }
  }
}
