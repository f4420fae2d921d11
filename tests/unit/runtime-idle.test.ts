/**
 * Idle workers are stopped as Appwrite's executor removes inactive runtimes: a worker whose last
 * execution ended more than `_APP_COMPUTE_INACTIVE_THRESHOLD` ago goes at the next maintenance
 * check, and its next execution starts a new one; a busy worker stays. The check's timer and the
 * clock are faked; the workers are real processes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_INACTIVE_THRESHOLD_SECONDS,
  DEFAULT_MAINTENANCE_INTERVAL_SECONDS,
  idleSettingsFromEnv,
} from '../../emulator/runtime/idle-settings.ts';
import { FunctionRunner } from '../../emulator/runtime/runner.ts';
import { FixtureDir, isAlive } from '../support/runtime-fixtures.ts';

let fixtures: FixtureDir;
beforeAll(async () => {
  fixtures = await FixtureDir.create();
});
afterAll(async () => {
  await fixtures.remove();
});

/** Answers its process id; `/hang` never answers, `/slow` after 1.5 s. */
const pidSource = `export default async ({ req, res }) => {
  if (req.path === '/hang') await new Promise(() => {});
  if (req.path === '/slow') await new Promise((resolve) => setTimeout(resolve, 1500));
  return res.json({ pid: process.pid });
};\n`;

describe('the maintenance check', () => {
  let runner: FunctionRunner;
  beforeEach(() => {
    // Only the maintenance timer and the clock: execution timeouts and IPC stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    runner = new FunctionRunner({ inactiveThresholdSeconds: 10, maintenanceIntervalSeconds: 5 });
  });
  afterEach(async () => {
    await runner.close();
    vi.useRealTimers();
  });

  it('stops a worker idle past the threshold; the next execution cold-starts a new process', async () => {
    const base = await fixtures.deploy('idle', pidSource);
    const pidOf = async () =>
      JSON.parse((await runner.execute(base)).body.toString()).pid as number;
    const first = await pidOf();

    vi.advanceTimersByTime(10_000); // checks at 5 s and 10 s: not idle for more than 10 s yet
    expect(await pidOf(), 'idle for 10 s, not more: kept').toBe(first);

    vi.advanceTimersByTime(15_000); // the check at 15 s after that execution stops it
    await expect.poll(() => isAlive(first), { timeout: 5000 }).toBe(false);
    const result = await runner.execute(base);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body.toString()).pid).not.toBe(first);
  });

  it('keeps a worker with an execution in flight, however long it has run', async () => {
    const base = await fixtures.deploy('busy', pidSource);
    const first: number = JSON.parse((await runner.execute(base)).body.toString()).pid;
    const hanging = runner.execute({ ...base, path: '/hang', timeoutSeconds: 60 });
    // execute() dispatches after a microtask; this turn of the event loop lets it.
    await new Promise((resolve) => setImmediate(resolve));

    vi.advanceTimersByTime(60_000);
    const again: number = JSON.parse((await runner.execute(base)).body.toString()).pid;
    expect(again).toBe(first);
    expect(isAlive(first)).toBe(true);

    await runner.close();
    expect(await hanging).toMatchObject({ crashed: true });
  });

  it('close() clears the timer', async () => {
    expect(vi.getTimerCount()).toBe(1);
    await runner.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

// What `npm start` asks for once the demo data is seeded (emulator/main.ts, RETIRE_WORKERS_MESSAGE).
describe('retireAll', () => {
  it('stops an idle worker at once and a busy one once it has answered; each next execution starts a new one', async () => {
    const runner = new FunctionRunner();
    try {
      const idle = await fixtures.deploy('retire-idle', pidSource);
      const busy = await fixtures.deploy('retire-busy', pidSource);
      const pidOf = async (base: typeof idle) =>
        JSON.parse((await runner.execute(base)).body.toString()).pid as number;
      const idlePid = await pidOf(idle);
      const busyPid = await pidOf(busy);
      const slow = runner.execute({ ...busy, path: '/slow' });
      await new Promise((resolve) => setImmediate(resolve));

      runner.retireAll();
      await expect.poll(() => isAlive(idlePid), { timeout: 5000 }).toBe(false);
      const answered = await slow;
      expect(answered.statusCode, 'the execution in flight is answered').toBe(200);
      expect(JSON.parse(answered.body.toString()).pid).toBe(busyPid);
      await expect.poll(() => isAlive(busyPid), { timeout: 5000 }).toBe(false);

      expect(await pidOf(idle)).not.toBe(idlePid);
      expect(await pidOf(busy)).not.toBe(busyPid);
    } finally {
      await runner.close();
    }
  });
});

describe('idleSettingsFromEnv', () => {
  const defaults = {
    inactiveThresholdSeconds: DEFAULT_INACTIVE_THRESHOLD_SECONDS,
    maintenanceIntervalSeconds: DEFAULT_MAINTENANCE_INTERVAL_SECONDS,
  };

  it("reads Appwrite's variables; unset or empty → Appwrite's defaults (60 s, 3600 s)", () => {
    const warn = vi.fn();
    expect(
      idleSettingsFromEnv(
        { _APP_COMPUTE_INACTIVE_THRESHOLD: '600', _APP_COMPUTE_MAINTENANCE_INTERVAL: '30' },
        warn,
      ),
    ).toEqual({ inactiveThresholdSeconds: 600, maintenanceIntervalSeconds: 30 });
    expect(idleSettingsFromEnv({}, warn)).toEqual({
      inactiveThresholdSeconds: 60,
      maintenanceIntervalSeconds: 3600,
    });
    expect(idleSettingsFromEnv({ _APP_COMPUTE_INACTIVE_THRESHOLD: '' }, warn)).toEqual(defaults);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    ['_APP_COMPUTE_INACTIVE_THRESHOLD', 'ten'],
    ['_APP_COMPUTE_INACTIVE_THRESHOLD', '-5'],
    ['_APP_COMPUTE_INACTIVE_THRESHOLD', '1.5'],
    ['_APP_COMPUTE_MAINTENANCE_INTERVAL', '0'],
    ['_APP_COMPUTE_MAINTENANCE_INTERVAL', '3000000'],
  ])('%s=%s → the default, with a warning', (name, value) => {
    const warn = vi.fn();
    expect(idleSettingsFromEnv({ [name]: value }, warn)).toEqual(defaults);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toContain(name);
  });
});
