import { createSubscriber } from 'svelte/reactivity';

/**
 * The current time, ticking every 30 s while something on screen reads it (relative times stay
 * true on a page left open). One timer for the whole app.
 */
class Now {
  #value = Date.now();
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(() => {
      this.#value = Date.now();
      update();
    }, 30_000);
    return () => clearInterval(timer);
  });

  get current(): number {
    this.#subscribe();
    return this.#value;
  }
}

export const now = new Now();
