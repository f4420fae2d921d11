import { AppwriteException } from 'appwrite';
import { describe, expect, it } from 'vitest';
import { backoffMs, withRetry } from '../../../client/src/lib/retry.ts';

const noSleep = { sleep: async () => undefined };

describe('withRetry', () => {
  it('retries a network error and returns the answer', async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      calls++;
      if (calls < 3) throw new TypeError('Failed to fetch');
      return 'ok';
    }, noSleep);
    expect([value, calls]).toEqual(['ok', 3]);
  });

  it('never retries an answer such as 401 or 400', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new AppwriteException('no', 401, 'user_unauthorized', '');
      }, noSleep),
    ).rejects.toMatchObject({ type: 'user_unauthorized', status: 401 });
    expect(calls).toBe(1);
  });

  it('gives up after the attempts, as a network error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TypeError('Failed to fetch');
        },
        { ...noSleep, attempts: 3 },
      ),
    ).rejects.toMatchObject({ type: 'network_error' });
    expect(calls).toBe(3);
  });

  it('waits longer each time', async () => {
    const waits: number[] = [];
    await withRetry(
      async () => {
        if (waits.length < 3) throw new TypeError('Failed to fetch');
        return 1;
      },
      { sleep: async (ms) => void waits.push(ms), baseMs: 100 },
    );
    expect(waits.length).toBe(3);
    expect(waits[0]).toBeLessThan(waits[2] as number);
  });
});

describe('backoffMs', () => {
  it('doubles per attempt within ±25 % jitter', () => {
    expect(backoffMs(1, 300, () => 0.5)).toBe(300);
    expect(backoffMs(3, 300, () => 0.5)).toBe(1200);
    expect(backoffMs(2, 300, () => 0)).toBe(450);
    expect(backoffMs(2, 300, () => 1)).toBe(750);
  });
});
