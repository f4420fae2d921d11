import { describeError } from './api.ts';

/**
 * One asynchronous value on screen: `value` once loaded, `error` as a line to show, `loading` while
 * asking. `reload()` asks again (a live event, a button, a changed argument).
 */
export class Loader<T> {
  value = $state.raw<T | undefined>(undefined);
  error = $state('');
  loading = $state(false);
  #generation = 0;

  constructor(private readonly fetcher: () => Promise<T>) {
    void this.reload();
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const value = await this.fetcher();
      if (generation !== this.#generation) return;
      this.value = value;
      this.error = '';
    } catch (error) {
      if (generation === this.#generation) this.error = describeError(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
