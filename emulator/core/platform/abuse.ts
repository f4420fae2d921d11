import { createHash } from 'node:crypto';

/** How many counters the store keeps at most before it forgets the least recently used. */
export const DEFAULT_MAX_COUNTERS = 50_000;

interface Counter {
  count: number;
  /** Epoch milliseconds after which the counter is gone (the end of its window). */
  expiresAt: number;
}

/**
 * Request counters for Appwrite's abuse limits, with utopia-php/abuse's TimeLimit semantics: a fixed
 * window of `seconds` aligned to the epoch (`now - now % seconds`), one counter per filled key and
 * window, `remaining = limit - (count + 1)` read before the request is counted, and a request over
 * the limit not counted at all (utopia-php/abuse 1.4.1 `Adapters/TimeLimit.php`, Redis adapter).
 *
 * Appwrite keeps these in Redis with a TTL; here they live in memory (one process, and they reset
 * when it restarts). The map is bounded: keys are stored as a SHA-256 digest (a key can carry a
 * request param such as a long email), a counter past its window is dropped when it is next read,
 * and once `maxCounters` exist the least recently written one is forgotten, so a flood of distinct
 * keys costs at most `maxCounters` small entries.
 */
export class AbuseCounters {
  readonly #counters = new Map<string, Counter>();
  readonly #maxCounters: number;
  readonly #now: () => number;

  constructor(maxCounters = DEFAULT_MAX_COUNTERS, now: () => number = Date.now) {
    this.#maxCounters = Math.max(1, maxCounters);
    this.#now = now;
  }

  /** How many counters are held (for tests and the bound). */
  get size(): number {
    return this.#counters.size;
  }

  /** The start of the current window, in epoch seconds, as Appwrite reports it. */
  windowStart(seconds: number): number {
    const now = Math.floor(this.#now() / 1000);
    return now - (now % seconds);
  }

  /** Requests counted for `key` in the current `seconds` window. */
  count(key: string, seconds: number): number {
    const id = this.#id(key, seconds);
    const counter = this.#counters.get(id);
    if (!counter) return 0;
    if (counter.expiresAt <= this.#now()) {
      this.#counters.delete(id);
      return 0;
    }
    return counter.count;
  }

  /**
   * Counts one request unless `limit` are already counted in this window. Returns whether the
   * request is over the limit (TimeLimit::check: a limit of 0 means unlimited).
   */
  check(key: string, limit: number, seconds: number): boolean {
    if (limit === 0) return false;
    const count = this.count(key, seconds);
    if (count >= limit) return true;
    const id = this.#id(key, seconds);
    // Re-inserted so the map's order is least recently written first.
    this.#counters.delete(id);
    this.#counters.set(id, {
      count: count + 1,
      expiresAt: (this.windowStart(seconds) + seconds) * 1000,
    });
    this.#evict();
    return false;
  }

  /** Sets the current window's count for `key` back to 0 (Appwrite's `abuse-reset`). */
  reset(key: string, seconds: number): void {
    this.#counters.delete(this.#id(key, seconds));
  }

  #id(key: string, seconds: number): string {
    const digest = createHash('sha256').update(key).digest('base64url');
    return `${digest}:${this.windowStart(seconds)}`;
  }

  #evict(): void {
    while (this.#counters.size > this.#maxCounters) {
      const oldest = this.#counters.keys().next().value;
      if (oldest === undefined) return;
      this.#counters.delete(oldest);
    }
  }
}
