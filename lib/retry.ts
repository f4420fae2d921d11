import { AppwriteException } from 'node-appwrite';

/** How `withRetry` waits and draws its jitter; tests pass fakes so nothing really sleeps. */
export interface RetryOptions {
  /** Tries in all, the first included (default 3). */
  attempts?: number;
  /** The first back-off in ms; each later one doubles (default 100). */
  baseDelayMs?: number;
  /** No single back-off is longer than this (default 2000). */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1), as `Math.random`. */
  random?: () => number;
  /** Which failures are worth another try (default `isTransient`). */
  retryable?: (thrown: unknown) => boolean;
}

const DEFAULTS = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2000 } as const;

/** Socket-level failures: the request may or may not have reached Appwrite; the answer did not come back. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function errorCode(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'code' in value ? value.code : undefined;
}

/**
 * Whether a failed call to Appwrite is worth trying again: a network error (Node's fetch throws a
 * `TypeError` whose `cause` names the socket error; a timeout is an `AbortError`/`TimeoutError`),
 * a 5xx, or a 429. Every other 4xx — a bad argument, a missing row, an auth error — will fail the same
 * way again, so it is not. node-appwrite turns an HTTP error into an `AppwriteException` with `code`
 * the status; a network error is thrown as fetch threw it.
 */
export function isTransient(thrown: unknown): boolean {
  if (thrown instanceof AppwriteException) {
    // code 0: the SDK's own failure without a status (a non-JSON answer, say): not a network error.
    return thrown.code === 429 || thrown.code >= 500;
  }
  if (!(thrown instanceof Error)) return false;
  if (thrown.name === 'AbortError' || thrown.name === 'TimeoutError') return true;
  const code = errorCode(thrown);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // fetch: `TypeError: fetch failed` with the socket error as its cause.
  if (thrown instanceof TypeError && thrown.message === 'fetch failed') return true;
  return thrown.cause !== undefined && isTransient(thrown.cause);
}

/**
 * The wait before try `attempt + 1` (attempt counts from 1): "full jitter", a random share of an
 * exponentially growing cap, so many executions that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {},
): number {
  const base = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const random = options.random ?? Math.random;
  const cap = Math.min(max, base * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` and, when it fails transiently (`isTransient`: network error, 5xx, 429), runs it again
 * after a jittered exponential back-off, up to `attempts` tries in all; then the last error is thrown.
 * A 4xx other than 429 is thrown at once.
 *
 * **Only wrap idempotent calls**: reads (`getRow`, `listRows`, `users.get`) and writes whose repeat
 * changes nothing — a delete by a fixed id (a repeat answers 404), a create with a fixed id where 409
 * means "already done". Never wrap an increment/decrement or a create with `ID.unique()`: a request
 * that reached Appwrite but whose answer was lost would count twice or make a second row.
 *
 * A repeated fixed-id write that had in fact succeeded answers 404/409 the second time, so the caller
 * sees "not by me": a counter kept by "whoever created/deleted it moves it" then misses one move, the
 * same as when the caller retries after a 500. `maintenance`'s recount repairs that; it never counts twice.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULTS.attempts);
  const sleep = options.sleep ?? realSleep;
  const retryable = options.retryable ?? isTransient;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (thrown) {
      if (attempt >= attempts || !retryable(thrown)) throw thrown;
      await sleep(backoffDelay(attempt, options));
    }
  }
}
