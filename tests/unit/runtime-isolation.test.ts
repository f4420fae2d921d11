/**
 * The runner's worker processes: a function that loops, hangs, exits, throws from a timer or runs
 * out of memory is answered and replaced without touching the runner or another function; warm
 * workers keep module state, run executions concurrently, and are replaced when the entry file,
 * the environment or the runner itself changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, FunctionRunner } from '../../emulator/runtime/runner.ts';
import type { ExecutionRequest } from '../../emulator/runtime/types.ts';
import { FixtureDir, isAlive } from '../support/runtime-fixtures.ts';

let runner: FunctionRunner;
let fixtures: FixtureDir;

beforeAll(async () => {
  runner = new FunctionRunner();
  fixtures = await FixtureDir.create();
});
afterAll(async () => {
  await runner.close();
  await fixtures.remove();
});

const esm = (body: string) => `export default async ({ req, res, log, error }) => {\n${body}\n};\n`;

/** Answers 'ok' with a count of executions this process has served, unless asked to misbehave. */
const unruly = esm(`
  globalThis.served = (globalThis.served ?? 0) + 1;
  if (req.path === '/loop') { log('before loop'); while (true) {} }
  if (req.path === '/hang') { await new Promise(() => {}); }
  if (req.path === '/spawn-exit') {
    const { spawn } = await import('node:child_process');
    log(spawn('sleep', ['30'], { stdio: 'ignore' }).pid);
    process.exit(1);
  }
  if (req.path === '/exit') { log('about to exit'); process.exit(1); }
  if (req.path === '/late-throw') { setTimeout(() => { throw new Error('thrown from a timer'); }, 50); }
  if (req.path === '/slow') { await new Promise((r) => setTimeout(r, 1000)); }
  if (req.path === '/oom') { const hoard = []; while (true) hoard.push(new Array(100000).fill(Math.random())); }
  return res.json({ ok: true, served: globalThis.served, env: process.env.WHICH ?? null });
`);

const at = (base: ExecutionRequest, path: string, extra: Partial<ExecutionRequest> = {}) =>
  runner.execute({ ...base, path, ...extra });
const json = (body: Buffer) => JSON.parse(body.toString());
describe('a misbehaving function is killed and replaced', () => {
  it('infinite loop → 500 "Execution timed out." after the timeout; other functions unaffected; next execution works', async () => {
    const looper = await fixtures.deploy('looper', unruly);
    const bystander = await fixtures.deploy('bystander', unruly);
    expect(json((await at(looper, '/')).body).served).toBe(1);
    expect(json((await at(bystander, '/')).body).served).toBe(1); // warm, so it answers at once

    const started = performance.now();
    const looping = at(looper, '/loop', { timeoutSeconds: 1 });
    let loopDone = false;
    void looping.then(() => {
      loopDone = true;
    });
    const other = await at(bystander, '/');
    expect(other.statusCode).toBe(200);
    expect(loopDone, 'the bystander answered while the loop was still running').toBe(false);

    const timedOut = await looping;
    expect(timedOut).toMatchObject({ statusCode: 500, timedOut: true, crashed: false });
    expect(timedOut.errors).toBe('Execution timed out.\n');
    expect(timedOut.logs, 'lines written before the timeout are kept').toBe('before loop\n');
    expect(timedOut.body.length).toBe(0);
    expect(timedOut.duration).toBeGreaterThanOrEqual(1);
    // Well under the fixture's default 5 s timeout, with room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(4000);

    const next = await at(looper, '/');
    expect(next.statusCode).toBe(200);
    expect(json(next.body).served, 'a fresh worker (module state reset)').toBe(1);
    expect(json((await at(bystander, '/')).body).served, 'the bystander kept its worker').toBe(3);
  });

  it('a promise that never settles → timed out, next execution works', async () => {
    const hanger = await fixtures.deploy('hanger', unruly);
    const result = await at(hanger, '/hang', { timeoutSeconds: 1 });
    expect(result).toMatchObject({
      statusCode: 500,
      timedOut: true,
      errors: 'Execution timed out.\n',
    });
    expect((await at(hanger, '/')).statusCode).toBe(200);
  });

  it('process.exit(1) → 500 crashed, logs kept; next execution works', async () => {
    const exiter = await fixtures.deploy('exiter', unruly);
    const result = await at(exiter, '/exit');
    expect(result).toMatchObject({ statusCode: 500, crashed: true, timedOut: false });
    expect(result.logs).toBe('about to exit\n');
    expect(result.errors).toContain('exit code 1');
    const next = await at(exiter, '/');
    expect(next.statusCode).toBe(200);
    expect(json(next.body).served).toBe(1);
  });

  it('processes the function started die with its worker', async () => {
    const spawner = await fixtures.deploy('spawner', unruly);
    const result = await at(spawner, '/spawn-exit');
    expect(result.crashed).toBe(true);
    const pid = Number(result.logs.trim());
    expect(pid).toBeGreaterThan(0);
    const alive = () => {
      // A killed orphan may linger as a zombie until it is reaped; that counts as dead.
      if (existsSync('/proc/self/stat')) {
        const stat = existsSync(`/proc/${pid}/stat`)
          ? readFileSync(`/proc/${pid}/stat`, 'utf8')
          : '';
        return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
      }
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 20 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(), `sleep (pid ${pid}) was killed`).toBe(false);
  });

  it('an uncaught exception in a timer kills the worker: executions in flight fail, the next one works', async () => {
    const thrower = await fixtures.deploy('thrower', unruly);
    const slow = at(thrower, '/slow');
    const first = await at(thrower, '/late-throw');
    expect(first.statusCode, 'the execution that set the timer had already answered').toBe(200);
    const inFlight = await slow;
    expect(inFlight).toMatchObject({ statusCode: 500, crashed: true });
    expect(inFlight.errors).toContain('thrown from a timer');
    const next = await at(thrower, '/');
    expect(next.statusCode).toBe(200);
    expect(json(next.body).served).toBe(1);
  });

  it('the memory cap stops a leak: 500 crashed, next execution works', async () => {
    const hog = await fixtures.deploy('hog', unruly);
    const result = await at(hog, '/oom', { memoryMb: 32, timeoutSeconds: 15 });
    expect(result).toMatchObject({ statusCode: 500, crashed: true, timedOut: false });
    expect(result.errors).toContain('heap out of memory');
    expect((await at(hog, '/', { memoryMb: 32 })).statusCode).toBe(200);
  });
});

describe('warm workers', () => {
  it('get the heap cap from the memory spec, 512 MB by default', async () => {
    const heap = await fixtures.deploy(
      'heap',
      `import v8 from 'node:v8';\n${esm('return res.json(v8.getHeapStatistics().heap_size_limit / 1048576);')}`,
    );
    const capped = json((await at(heap, '/', { memoryMb: 100 })).body);
    const standard = json((await at(heap, '/')).body);
    expect(capped).toBeGreaterThanOrEqual(100);
    expect(capped).toBeLessThan(150);
    expect(standard).toBeGreaterThanOrEqual(512);
    expect(standard).toBeLessThan(600);
  });

  it('keep module state between executions, as a warm runtime does', async () => {
    const warm = await fixtures.deploy('warm', unruly);
    expect(json((await at(warm, '/')).body).served).toBe(1);
    expect(json((await at(warm, '/')).body).served).toBe(2);
  });

  it('run 20 executions concurrently, each getting its own answer', async () => {
    const source = esm(`
      await new Promise((r) => setTimeout(r, 300));
      console.log('call', req.query.i);
      return res.json({ i: req.query.i });`);
    const concurrent = await fixtures.deploy('concurrent', source);
    await at(concurrent, '/'); // warm up, so the timing below is about concurrency
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => at(concurrent, '/', { queryString: `i=${i}` })),
    );
    const elapsed = performance.now() - started;
    results.forEach((result, i) => {
      expect(result.statusCode).toBe(200);
      expect(json(result.body)).toEqual({ i: String(i) });
      // console.* is global; each execution must still get only its own lines.
      expect(result.logs.match(/call \d+/g), 'only its own console lines').toEqual([`call ${i}`]);
    });
    // One at a time would take 6 s; the margin is for a loaded machine.
    expect(elapsed, '20 × 300 ms ran side by side').toBeLessThan(4000);
  });

  it('hot reload: a rewritten entry file runs in a new worker on the next execution', async () => {
    const reload = await fixtures.deploy('reload', esm(`return res.text('one');`));
    expect((await runner.execute(reload)).body.toString()).toBe('one');
    const entry = join(reload.deploymentPath, reload.entrypoint);
    await writeFile(entry, esm(`return res.text('two');`));
    // Bump the mtime explicitly: two writes within one clock tick must still count as a change.
    const later = new Date(Date.now() + 5000);
    await utimes(entry, later, later);
    expect((await runner.execute(reload)).body.toString()).toBe('two');
  });

  it("a new deployment retires the function's earlier deployment's worker", async () => {
    const first = await fixtures.deploy('redeploy', esm(`return res.json({ pid: process.pid });`));
    const oldPid: number = json((await runner.execute(first)).body).pid;
    const second = { ...first, deploymentId: 'redeploy-2' };
    const newPid: number = json((await runner.execute(second)).body).pid;
    expect(newPid).not.toBe(oldPid);
    await expect.poll(() => isAlive(oldPid), { timeout: 5000 }).toBe(false);
    expect(isAlive(newPid)).toBe(true);
  });

  it('a changed environment restarts the worker with the new variables', async () => {
    const envy = await fixtures.deploy('envy', unruly);
    const first = json((await at(envy, '/', { env: { WHICH: 'a' } })).body);
    const second = json((await at(envy, '/', { env: { WHICH: 'b' } })).body);
    const reordered = json((await at(envy, '/', { env: { OTHER: '1', WHICH: 'b' } })).body);
    const same = json((await at(envy, '/', { env: { WHICH: 'b', OTHER: '1' } })).body);
    expect(first).toMatchObject({ env: 'a', served: 1 });
    expect(second).toMatchObject({ env: 'b', served: 1 });
    expect(reordered).toMatchObject({ env: 'b', served: 1 });
    expect(same, 'the same variables in another order keep the worker').toMatchObject({
      served: 2,
    });
  });

  it('a body over the 20 MB limit is refused with a 500 before the function runs', async () => {
    const big = await fixtures.deploy('big', unruly);
    const result = await at(big, '/', { method: 'POST', body: Buffer.alloc(BODY_LIMIT_BYTES + 1) });
    expect(result.statusCode).toBe(500);
    expect(result.errors).toContain('20 MB');
    expect(result.logs).toBe('');
  });
});

describe('close()', () => {
  it('kills every worker: executions in flight are answered, later ones refused', async () => {
    const own = new FunctionRunner();
    const slow = await fixtures.deploy('closing', unruly);
    const inFlight = own.execute({ ...slow, path: '/slow' });
    await new Promise((r) => setTimeout(r, 300));
    await own.close();
    expect(await inFlight).toMatchObject({ statusCode: 500, crashed: true });
    await expect(own.execute(slow)).rejects.toThrow(/closed/);
  });

  it('an execution still starting when close() runs starts no worker', async () => {
    const own = new FunctionRunner();
    const base = await fixtures.deploy('late-start', unruly);
    const starting = own.execute(base);
    await own.close();
    await expect(starting).rejects.toThrow(/closed/);
  });
});
