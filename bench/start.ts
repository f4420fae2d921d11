/**
 * The `npm start` figures of issue 17, each beside `npm run emulator` alone in the same run:
 * - `npm start` (the README's command, on free ports and a fresh data folder) → its
 *   "Agora is running" line, the demo data seeded; baseline: `npm run emulator` in an empty project
 *   folder (no appwrite.json: nothing to apply) → its "ready at" line. Median of RUNS each, the two
 *   interleaved, after one unmeasured start of each (the console's and the start's build caches are
 *   then as a second start finds them).
 * - the memory of the whole process tree (npm and everything under it: PSS and RSS summed over
 *   `/proc/<pid>/smaps_rollup`, and the count of processes), measured once the stack has settled —
 *   the local Site's background build done — and the peak seen from the spawn until then; baseline:
 *   the `npm run emulator` tree once it is ready. The process lists are printed for the note.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from '#lib/stack.ts';
import { ensureConsoleBuild } from '../emulator/console/build.ts';
import { samplePeak, type TreeMemory, treeMemory } from './lib/process-tree.ts';
import type { Figure } from './lib/report.ts';

const RUNS = 3;
const READY = /Agora is running\./;
const EMULATOR_READY = /Local Appwrite ready at /;
const SITE_DONE = /\[site\] (production build ready at|the production build was not deployed)/;
/** A moment after the last line, so what was freed on the way is gone from the figures. */
const SETTLE_MS = 1_000;

interface Started {
  child: ChildProcess;
  /** Resolves with spawn → the ready line, ms; stops everything and rejects if it never comes. */
  ready: Promise<number>;
  output(): string;
  waitFor(pattern: RegExp, ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `npm <args>` in `cwd`, in a process group of its own, watching for `ready`. */
function startNpm(args: string[], cwd: string, ready: RegExp, dataDir: string): Started {
  const started = performance.now();
  const child = spawn('npm', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      ...process.env,
      PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH}`,
    },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<void>((done, fail) => {
      const timer = setTimeout(() => {
        listeners.delete(check);
        fail(new Error(`no ${pattern} within ${ms} ms:\n${output}`));
      }, ms);
      function check() {
        if (!pattern.test(output)) return;
        clearTimeout(timer);
        listeners.delete(check);
        done();
      }
      listeners.add(check);
      check();
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // Ctrl-C as a terminal sends it: SIGINT to the whole group.
      signalGroup(child, 'SIGINT');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    signalGroup(child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  };
  const readyMs = waitFor(ready, 180_000).then(
    () => performance.now() - started,
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
  return { child, ready: readyMs, output: () => output, waitFor, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** `npm start` as the README gives it, on free ports and a fresh data folder. */
function startAgora() {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-start-'));
  return startNpm(
    ['start', '--', '--port', '0', '--client-port', '0', '--data', dataDir],
    ROOT,
    READY,
    dataDir,
  );
}

/**
 * `npm run emulator` in an empty project folder: a package.json holding only the repository's
 * `emulator` script (its path made absolute), so nothing in appwrite.json is applied.
 */
function startEmulator(emptyProject: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-emulator-'));
  return startNpm(
    ['run', 'emulator', '--', '--port', '0', '--data', dataDir],
    emptyProject,
    EMULATOR_READY,
    dataDir,
  );
}

function emptyProjectFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'agora-bench-empty-project-'));
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const script = String(scripts.emulator).replace(/(^|\s)emulator\//, `$1${ROOT}/emulator/`);
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: 'empty-project', private: true, scripts: { emulator: script } }),
  );
  return folder;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mb = (value: number) => Math.round(value);
const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

function printTree(title: string, tree: TreeMemory) {
  console.log(
    `\n${title}: ${tree.processes.length} processes, RSS ${mb(tree.rss)} MB, PSS ${mb(tree.pss)} MB`,
  );
  for (const p of tree.processes) {
    console.log(
      `  ${String(mb(p.rss)).padStart(5)} MB RSS ${String(mb(p.pss)).padStart(5)} MB PSS  ${p.command}`,
    );
  }
}

export async function benchStart(): Promise<Figure[]> {
  await ensureConsoleBuild();
  const emptyProject = emptyProjectFolder();
  try {
    // One unmeasured start of each.
    for (const started of [startEmulator(emptyProject), startAgora()]) {
      await started.ready;
      await started.stop();
    }

    const startMs: number[] = [];
    const emulatorMs: number[] = [];
    let emulatorTree: TreeMemory | null = null;
    let settled: TreeMemory | null = null;
    let peak = { rss: 0, pss: 0, processes: 0 };
    let siteLine = '';
    for (let run = 0; run < RUNS; run++) {
      const emulator = startEmulator(emptyProject);
      emulatorMs.push(await emulator.ready);
      if (run === 0) {
        await settle();
        emulatorTree = treeMemory(emulator.child.pid ?? 0);
      }
      await emulator.stop();

      const agora = startAgora();
      const sampler = run === 0 ? samplePeak(agora.child.pid ?? 0) : null;
      startMs.push(await agora.ready);
      if (sampler) {
        await agora.waitFor(SITE_DONE, 300_000);
        siteLine = agora.output().match(SITE_DONE)?.[0] ?? '';
        await settle();
        settled = treeMemory(agora.child.pid ?? 0);
        peak = sampler.stop();
      }
      await agora.stop();
    }
    if (!emulatorTree || !settled) throw new Error('no memory measured');
    printTree('npm run emulator (empty project), ready', emulatorTree);
    printTree(`npm start, settled (${siteLine})`, settled);

    const value = median(startMs);
    const baseline = median(emulatorMs);
    const ratio = value / baseline;
    const memory = (name: string, of: 'pss' | 'rss'): Figure => {
      const tree = settled as TreeMemory;
      const base = (emulatorTree as TreeMemory)[of];
      return {
        name: `npm start memory after start, whole tree, ${name} (${(tree[of] / base).toFixed(2)}× the emulator's)`,
        value: mb(tree[of]),
        unit: 'MB',
        baseline: mb(base),
        goal: '≤ 2× and ≤ 600 MB',
        met: tree[of] <= 2 * base && tree[of] <= 600,
      };
    };
    return [
      {
        name: `npm start → ready with demo data, median of ${RUNS} (${ratio.toFixed(2)}× npm run emulator alone, empty project)`,
        value: Math.round(value),
        unit: 'ms',
        baseline: Math.round(baseline),
        goal: '≤ 3×',
        met: ratio <= 3,
      },
      memory('PSS', 'pss'),
      memory('RSS', 'rss'),
      {
        name: 'npm start processes after start (baseline: npm run emulator)',
        value: settled.processes.length,
        unit: 'processes',
        baseline: emulatorTree.processes.length,
      },
      {
        name: 'npm start peak PSS, spawn → settled (sampled every 200 ms)',
        value: mb(peak.pss),
        unit: 'MB',
      },
      { name: 'npm start peak RSS, spawn → settled', value: mb(peak.rss), unit: 'MB' },
      {
        name: 'npm start peak process count, spawn → settled',
        value: peak.processes,
        unit: 'processes',
      },
    ];
  } finally {
    rmSync(emptyProject, { recursive: true, force: true });
  }
}
