import { AppwriteException } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransient, withRetry } from '#lib/retry.ts';

/** A call that fails with each of `failures` in turn, then answers `value`; counts its tries. */
function flaky<T>(failures: unknown[], value: T) {
  const state = { calls: 0 };
  const call = async () => {
    state.calls += 1;
    const failure = failures[state.calls - 1];
    if (failure !== undefined) throw failure;
    return value;
  };
  return { call, state };
}

/** A sleep that records what it was asked to wait and returns at once. */
function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const appwrite = (code: number, type = 'general_server_error') =>
  new AppwriteException('failed', code, type);
const fetchFailed = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
const abort = () => new DOMException('The operation was aborted.', 'AbortError');
const timeout = () => new DOMException('The operation timed out.', 'TimeoutError');

describe('isTransient', () => {
  const cases: [string, unknown, boolean][] = [
    ['500', appwrite(500), true],
    ['502', appwrite(502), true],
    ['503', appwrite(503, 'general_service_disabled'), true],
    ['429', appwrite(429, 'general_rate_limit_exceeded'), true],
    ['fetch failed, ECONNRESET', fetchFailed('ECONNRESET'), true],
    ['fetch failed, ECONNREFUSED', fetchFailed('ECONNREFUSED'), true],
    ['fetch failed, no cause', new TypeError('fetch failed'), true],
    ['a socket error itself', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    ['AbortError', abort(), true],
    ['TimeoutError', timeout(), true],
    ['400', appwrite(400, 'general_argument_invalid'), false],
    ['401', appwrite(401, 'user_unauthorized'), false],
    ['403', appwrite(403, 'user_blocked'), false],
    ['404', appwrite(404, 'row_not_found'), false],
    ['409', appwrite(409, 'row_already_exists'), false],
    ['SDK error without a status', new AppwriteException('Invalid endpoint URL'), false],
    ['a bug', new TypeError('x is not a function'), false],
    ['a string', 'ECONNRESET', false],
  ];
  it.each(cases)('%s → %s', (_name, thrown, expected) => {
    expect(isTransient(thrown)).toBe(expected);
  });
});

describe('withRetry', () => {
  it('answers at once when the call succeeds, without waiting', async () => {
    const { call, state } = flaky([], 'row');
    const { waits, sleep } = fakeSleep();
    await expect(withRetry(call, { sleep })).resolves.toBe('row');
    expect(state.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries a 503 then a reset connection, and answers the third try', async () => {
    const { call, state } = flaky([appwrite(503), fetchFailed('ECONNRESET')], 'row');
    const { waits, sleep } = fakeSleep();
    await expect(withRetry(call, { sleep, random: () => 0.5 })).resolves.toBe('row');
    expect(state.calls).toBe(3);
    // Full jitter: half of 100, then half of 200.
    expect(waits).toEqual([50, 100]);
  });

  it('gives up after 3 tries and throws the last error', async () => {
    const last = appwrite(502);
    const { call, state } = flaky([appwrite(500), abort(), last, appwrite(500)], 'never');
    const { waits, sleep } = fakeSleep();
    await expect(withRetry(call, { sleep })).rejects.toBe(last);
    expect(state.calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409])('never retries a %i', async (code) => {
    const failure = appwrite(code, 'some_type');
    const { call, state } = flaky([failure], 'never');
    const { waits, sleep } = fakeSleep();
    await expect(withRetry(call, { sleep })).rejects.toBe(failure);
    expect(state.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries a 429', async () => {
    const { call, state } = flaky([appwrite(429, 'general_rate_limit_exceeded')], 'row');
    const { sleep } = fakeSleep();
    await expect(withRetry(call, { sleep })).resolves.toBe('row');
    expect(state.calls).toBe(2);
  });

  it('honours attempts', async () => {
    const { call, state } = flaky(Array(9).fill(appwrite(500)), 'never');
    const { sleep } = fakeSleep();
    await expect(withRetry(call, { sleep, attempts: 5 })).rejects.toBeInstanceOf(AppwriteException);
    expect(state.calls).toBe(5);
  });

  it('really waits when given no sleep (a short real back-off)', async () => {
    const { call, state } = flaky([appwrite(500)], 'row');
    const started = performance.now();
    await expect(withRetry(call, { baseDelayMs: 20, random: () => 0.999 })).resolves.toBe('row');
    expect(state.calls).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});

describe('backoffDelay', () => {
  it('doubles its cap per attempt up to maxDelayMs, and stays below it', () => {
    const top = () => 0.999_999;
    const caps = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
      backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 2000, random: top }),
    );
    expect(caps).toEqual([99, 199, 399, 799, 1599, 1999, 1999]);
  });

  it('is jittered: different draws give different waits, none negative', () => {
    const waits = [0, 0.25, 0.5, 0.75].map((r) => backoffDelay(3, { random: () => r }));
    expect(waits).toEqual([0, 100, 200, 300]);
  });
});
