import { type ApiError, toApiError } from './api-error.ts';

/**
 * One dashboard card's data: its own loader, its own loading and error state, its own retry. The
 * dashboard builds one per card and starts them together, so the figures load concurrently and a
 * failure shows on the card that failed while the others carry on.
 *
 *   const totals = new CardData(loadTotals);   void totals.load();
 *   totals.status   // 'loading' | 'ready' | 'error'     totals.data   totals.error   totals.retry()
 *   totals.set(row) // a fresher value pushed over Realtime
 *
 * A reload keeps the last data on screen until the new answer comes (`status` says loading, `data`
 * stays), and an answer that arrives after a newer load started is dropped, so a slow first request
 * cannot overwrite a quick retry's result.
 */
export type CardStatus = 'loading' | 'ready' | 'error';

export class CardData<T> {
  status = $state<CardStatus>('loading');
  data = $state.raw<T | null>(null);
  error = $state.raw<ApiError | null>(null);
  readonly #loader: () => Promise<T>;
  #generation = 0;

  constructor(loader: () => Promise<T>) {
    this.#loader = loader;
  }

  /** Loads (or reloads) the card's data; never throws: a failure becomes `status: 'error'`. */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.status = 'loading';
    try {
      const data = await this.#loader();
      if (generation !== this.#generation) return;
      this.data = data;
      this.error = null;
      this.status = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = toApiError(error);
      this.status = 'error';
    }
  }

  /** The retry button's action. */
  retry(): Promise<void> {
    return this.load();
  }

  /** Shows a value that arrived by other means (a Realtime event), as if a load had answered it. */
  set(data: T): void {
    this.#generation++;
    this.data = data;
    this.error = null;
    this.status = 'ready';
  }
}
