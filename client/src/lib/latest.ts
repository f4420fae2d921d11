/**
 * Drops stale answers: each `run` gets a ticket, and only the newest ticket's answer is delivered.
 * An older request that answers late (a slow search for "ag" after the one for "agora") is ignored,
 * and its AbortSignal is aborted so a fetch that honours it stops early.
 *
 *   const latest = new Latest();
 *   const result = await latest.run((signal) => search(q, signal));   // undefined when superseded
 */
export class Latest {
  #ticket = 0;
  #controller: AbortController | null = null;

  /** Runs `task`; resolves to its value, or `undefined` when a newer run started meanwhile. */
  async run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const ticket = ++this.#ticket;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const value = await task(controller.signal);
      return ticket === this.#ticket ? value : undefined;
    } catch (error) {
      if (ticket !== this.#ticket) return undefined;
      throw error;
    }
  }

  /** Invalidates whatever is in flight (e.g. the query was cleared). */
  cancel(): void {
    this.#ticket++;
    this.#controller?.abort();
    this.#controller = null;
  }
}

/**
 * Debounces a function: it runs `ms` after the last call, with that call's arguments. `cancel()`
 * drops a pending run; `flush()` runs it now.
 */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const debounced = (...args: A) => {
    pending = args;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const args = pending as A;
      pending = null;
      fn(...args);
    }, ms);
  };
  debounced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  debounced.flush = () => {
    if (!timer || !pending) return;
    clearTimeout(timer);
    timer = null;
    const args = pending;
    pending = null;
    fn(...args);
  };
  return debounced;
}
