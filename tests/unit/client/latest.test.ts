import { afterEach, describe, expect, it, vi } from 'vitest';
import { debounce, Latest } from '../../../client/src/lib/latest.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('Latest', () => {
  it('drops an older answer that arrives after a newer one', async () => {
    const latest = new Latest();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = latest.run(() => slow.promise);
    const second = latest.run(() => fast.promise);
    fast.resolve('agora');
    slow.resolve('ag');
    expect(await second).toBe('agora');
    expect(await first).toBeUndefined();
  });

  it('aborts the superseded run’s signal', async () => {
    const latest = new Latest();
    let firstSignal: AbortSignal | undefined;
    const first = latest.run(async (signal) => {
      firstSignal = signal;
      return 1;
    });
    await latest.run(async () => 2);
    expect(firstSignal?.aborted).toBe(true);
    expect(await first).toBeUndefined();
  });

  it('swallows a superseded run’s error but throws the current one’s', async () => {
    const latest = new Latest();
    const old = latest.run(() => Promise.reject(new Error('old')));
    const current = latest.run(() => Promise.reject(new Error('current')));
    await expect(old).resolves.toBeUndefined();
    await expect(current).rejects.toThrow('current');
  });

  it('cancel() makes an answer in flight stale', async () => {
    const latest = new Latest();
    const pending = deferred<number>();
    const run = latest.run(() => pending.promise);
    latest.cancel();
    pending.resolve(1);
    expect(await run).toBeUndefined();
  });
});

describe('debounce', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once, 300 ms after the last call, with its arguments', () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const typed = debounce((text: string) => calls.push(text), 300);
    typed('a');
    vi.advanceTimersByTime(200);
    typed('ag');
    vi.advanceTimersByTime(299);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['ag']);
  });

  it('cancel() drops the pending run; flush() runs it now', () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const fn = debounce((n: number) => calls.push(n), 300);
    fn(1);
    fn.cancel();
    vi.advanceTimersByTime(1000);
    fn(2);
    fn.flush();
    expect(calls).toEqual([2]);
  });
});
