import { describe, expect, it } from 'vitest';
import { AppwriteError } from '../../emulator/core/platform/errors.ts';
import { WorkGate } from '../../emulator/core/platform/work-gate.ts';

/** A job that runs until `finish` is called, recording that it started. */
function heldJob(started: string[], name: string) {
  let finish: (value: string) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const job = () =>
    new Promise<string>((resolve, reject) => {
      started.push(name);
      finish = resolve;
      fail = reject;
    });
  return { job, finish: () => finish(name), fail: (error: Error) => fail(error) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkGate', () => {
  it('runs at most `running` jobs at once, the rest in arrival order', async () => {
    const gate = new WorkGate({ running: 2, waiting: 10 });
    const started: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((name) => heldJob(started, name));
    const results = jobs.map(({ job }) => gate.run(job));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect([gate.running, gate.waiting]).toEqual([2, 2]);
    jobs[1]?.finish();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    expect([gate.running, gate.waiting]).toEqual([2, 1]);
    jobs[0]?.finish();
    jobs[2]?.finish();
    await tick();
    jobs[3]?.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it('past the queue, 429 general_rate_limit_exceeded before the job starts', async () => {
    const gate = new WorkGate({ running: 1, waiting: 1 });
    const started: string[] = [];
    const first = heldJob(started, 'first');
    const second = heldJob(started, 'second');
    const running = gate.run(first.job);
    const queued = gate.run(second.job);
    let ran = false;
    const third = gate.run(async () => {
      ran = true;
      return 'third';
    });
    await expect(third).rejects.toMatchObject({
      type: 'general_rate_limit_exceeded',
      code: 429,
    });
    await expect(third).rejects.toBeInstanceOf(AppwriteError);
    expect(ran).toBe(false);
    first.finish();
    await tick();
    second.finish();
    expect(await Promise.all([running, queued])).toEqual(['first', 'second']);
  });

  it('a job that throws frees its slot for the next', async () => {
    const gate = new WorkGate({ running: 1, waiting: 5 });
    const started: string[] = [];
    const failing = heldJob(started, 'failing');
    const next = heldJob(started, 'next');
    const first = gate.run(failing.job);
    const second = gate.run(next.job);
    await tick();
    failing.fail(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await tick();
    expect(started).toEqual(['failing', 'next']);
    next.finish();
    expect(await second).toBe('next');
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });
});
