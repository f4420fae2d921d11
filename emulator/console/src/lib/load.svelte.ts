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
  #queued = false;

  constructor(private readonly fetcher: () => Promise<T>) {
    void this.reload();
  }

  /**
   * Reloads once a burst of calls is over (a bulk write sends one Realtime event per row): at most
   * one request per `ms`.
   */
  soon(ms = 150): void {
    if (this.#queued) return;
    this.#queued = true;
    setTimeout(() => {
      this.#queued = false;
      void this.reload();
    }, ms);
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
