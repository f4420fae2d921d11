import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { descendants } from './process-tree.ts';

const root = new URL('../../', import.meta.url).pathname;

/** A server in its own process, so the load generator and the server do not share a core's time. */
export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
  /**
   * CPU time (user + system, ms) the server's processes have used so far, read from /proc (0 where
   * there is none). Over a load run, divided by the requests, it is what each request costs the
   * server: a figure the load generator's own share of a small machine's cores does not change.
   */
  cpuMs(): number;
  /** The process started (its descendants run the server). */
  pid?: number;
}

/** CPU time of `pid` and its descendants (tsx runs the server in a child), in ms. */
function treeCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name: state, ppid, … utime and stime are the 12th and 13th, in ticks (100/s).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ms = (Number(fields[11]) + Number(fields[12])) * 10;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) ms += treeCpuMs(Number(child));
    }
    return ms;
  } catch {
    return 0;
  }
}

/** Waits for a line on the child's stdout that matches, and returns the match. */
function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s`)), 30_000);
    lines.on('line', (line) => {
      const match = line.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited early with ${code}`)));
  });
}

function stopper(child: ChildProcess, cleanup: () => void) {
  return () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => {
        cleanup();
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * How the local Appwrite is started: tsx, or with a profile folder (`BENCH_SERVER_PROFILE=<dir>` for
 * any group, or a profile script's own) Node with tsx's loader and `--cpu-prof` (not allowed in
 * NODE_OPTIONS), so it writes a CPU profile there when it stops (bench/lib/cpu-profile.ts reads it).
 */
function serverCommand(dir: string | undefined): [command: string, ...args: string[]] {
  if (!dir) return [join(root, 'node_modules/.bin/tsx')];
  const loader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  return [process.execPath, '--import', loader, '--cpu-prof', '--cpu-prof-dir', dir];
}

/**
 * The local Appwrite on a free port with an empty data folder; `credentials.json` gives the key.
 * With `cpuProfileDir`, it writes a CPU profile there when it stops.
 */
export async function startLocalAppwrite(
  cpuProfileDir = process.env.BENCH_SERVER_PROFILE,
): Promise<ServerProcess & { apiKey: string; projectId: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
  const [command, ...flags] = serverCommand(cpuProfileDir);
  const child = spawn(
    command,
    // `--no-abuse`: Appwrite's abuse limits off, as Appwrite is benchmarked (in every bench spawn).
    [
      ...flags,
      join(root, 'emulator/main.ts'),
      '--port',
      '0',
      '--data',
      dataDir,
      '--project',
      'bench',
      '--no-abuse',
    ],
    { cwd: dataDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [, url = ''] = await waitForLine(
    child,
    /ready at (http:\/\/\S+\/v1)/,
    'the local Appwrite',
  );
  const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  return {
    url,
    apiKey: credentials.apiKey,
    projectId: credentials.projectId,
    dataDir,
    stop: stopper(child, () => rmSync(dataDir, { recursive: true, force: true })),
    cpuMs: () => treeCpuMs(child.pid),
    pid: child.pid,
  };
}

/** The baseline: bare node:http + better-sqlite3 answering the same point read (bench/baseline-server.mjs). */
export async function startBaseline(rows: number): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-baseline-'));
  const child = spawn(
    process.execPath,
    [join(root, 'bench/baseline-server.mjs'), join(dataDir, 'baseline.sqlite'), String(rows)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [, url = ''] = await waitForLine(child, /listening at (http:\/\/\S+)/, 'the baseline');
  return {
    url,
    stop: stopper(child, () => rmSync(dataDir, { recursive: true, force: true })),
    cpuMs: () => treeCpuMs(child.pid),
    pid: child.pid,
  };
}

/** Sets the CPUs every thread of each process may run on; false where `taskset` is missing or refuses. */
function setAffinity(pids: number[], cpus: string): boolean {
  return pids.every(
    (pid) =>
      spawnSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' }).status === 0,
  );
}

/**
 * Runs `measure` with the server's processes on the machine's last CPU and this process (the load
 * generator) on the others, then lets both run anywhere again. Left to the scheduler, a server
 * placed beside the load generator pays a different price per request than one that is not: two
 * runs of the same code measured 19 and 22 µs of CPU per point read, pinned 17.0 and 16.8. Ours and
 * the baseline are each measured this way, so their ratio compares the servers, not where they
 * ran. With one CPU, without `taskset`, or with `BENCH_PIN=0`, `measure` runs as it is.
 */
export async function pinnedApart<T>(server: ServerProcess, measure: () => Promise<T>): Promise<T> {
  const cpus = availableParallelism();
  if (cpus < 2 || server.pid === undefined || process.env.BENCH_PIN === '0') return measure();
  const serverPids = descendants(server.pid);
  const all = `0-${cpus - 1}`;
  const pinned =
    setAffinity(serverPids, String(cpus - 1)) &&
    setAffinity([process.pid], cpus === 2 ? '0' : `0-${cpus - 2}`);
  try {
    return await measure();
  } finally {
    if (pinned) {
      setAffinity(descendants(server.pid), all);
      setAffinity([process.pid], all);
    }
  }
}
