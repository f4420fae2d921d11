import { createHash } from 'node:crypto';

/**
 * How many counters the store keeps at most before it forgets the least recently used — of those
 * below their limit, and as many again of those that reached it.
 */
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
 * when it restarts). The store is bounded: keys are stored as a SHA-256 digest (a key can carry a
 * request param such as a long email), a counter past its window is dropped when it is next read,
 * and once `maxCounters` exist the least recently written one is forgotten, so a flood of distinct
 * keys costs at most `maxCounters` small entries. A counter that reaches its limit moves to a second
 * map of the same bound: fresh keys, one request each, cannot push it out (else `maxCounters` junk
 * requests would buy another round of guesses at a password or a code); only as many other spent
 * counters can, each costing its route's limit in requests.
 */
export class AbuseCounters {
  /** Counters below their limit, least recently written first. */
  readonly #counters = new Map<string, Counter>();
  /** Counters that reached their limit in their window, least recently reached first. */
  readonly #spent = new Map<string, Counter>();
  readonly #maxCounters: number;
  readonly #now: () => number;

  constructor(maxCounters = DEFAULT_MAX_COUNTERS, now: () => number = Date.now) {
    this.#maxCounters = Math.max(1, maxCounters);
    this.#now = now;
  }

  /** How many counters are held (for tests and the bound). */
  get size(): number {
    return this.#counters.size + this.#spent.size;
  }

  /** The start of the current window, in epoch seconds, as Appwrite reports it. */
  windowStart(seconds: number): number {
    const now = Math.floor(this.#now() / 1000);
    return now - (now % seconds);
  }

  /** Requests counted for `key` in the current `seconds` window. */
  count(key: string, seconds: number): number {
    const id = this.#id(key, seconds);
    for (const map of [this.#spent, this.#counters]) {
      const counter = map.get(id);
      if (!counter) continue;
      if (counter.expiresAt > this.#now()) return counter.count;
      map.delete(id);
    }
    return 0;
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
    const counter = { count: count + 1, expiresAt: (this.windowStart(seconds) + seconds) * 1000 };
    // Re-inserted so each map's order is least recently written first (a key two routes share may
    // be spent under one's limit and not the other's).
    this.#counters.delete(id);
    this.#spent.delete(id);
    (counter.count >= limit ? this.#spent : this.#counters).set(id, counter);
    this.#evict(this.#counters);
    this.#evict(this.#spent);
    return false;
  }

  /** Sets the current window's count for `key` back to 0 (Appwrite's `abuse-reset`). */
  reset(key: string, seconds: number): void {
    const id = this.#id(key, seconds);
    this.#counters.delete(id);
    this.#spent.delete(id);
  }

  #id(key: string, seconds: number): string {
    const digest = createHash('sha256').update(key).digest('base64url');
    return `${digest}:${this.windowStart(seconds)}`;
  }

  #evict(map: Map<string, Counter>): void {
    while (map.size > this.#maxCounters) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) return;
      map.delete(oldest);
    }
  }
}
