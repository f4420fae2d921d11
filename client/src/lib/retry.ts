import { toApiError } from './api-error.ts';

/**
 * Retries an idempotent call when no answer came (network errors only: a 4xx is an answer and is never
 * retried; a 5xx is the server's word, also not retried here). Exponential backoff with jitter:
 * ~300 ms, ~600 ms, ~1.2 s. Use it for reads and for writes that are safe to repeat (PUT, DELETE).
 *
 *   const page = await withRetry(() => tables.listRows({ … }));
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  options: { attempts?: number; baseMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = options.attempts ?? 4;
  const baseMs = options.baseMs ?? 300;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const apiError = toApiError(error);
      if (!apiError.isNetwork || attempt >= attempts) throw apiError;
      await sleep(backoffMs(attempt, baseMs));
    }
  }
}

/** The wait before retry `attempt` (1-based): base · 2^(attempt-1), ±25 % jitter. */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  const plain = baseMs * 2 ** (attempt - 1);
  return Math.round(plain * (0.75 + random() * 0.5));
}
