import { createSubscriber } from 'svelte/reactivity';

/**
 * The current time, ticking every 30 s while something on screen reads it (relative times stay
 * true on a page left open). One timer for the whole app.
 */
class Now {
  #value = Date.now();
  #subscribe = createSubscriber((update) => {
    this.#value = Date.now();
    const timer = setInterval(() => {
      this.#value = Date.now();
      update();
    }, 30_000);
    return () => clearInterval(timer);
  });

  get current(): number {
    this.#subscribe();
    // A row written after the last tick must not read as "in 1 min.": never behind the real clock
    // by more than a tick, and a fresh read when nothing ticks yet.
    return Math.max(this.#value, Date.now() - 30_000);
  }
}

export const now = new Now();
