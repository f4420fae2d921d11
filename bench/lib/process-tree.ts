import { readdirSync, readFileSync } from 'node:fs';

/**
 * The memory of a whole process tree on Linux: the process and every descendant (found through
 * `/proc/<pid>/task/<tid>/children`), each with its RSS and PSS from `/proc/<pid>/smaps_rollup`.
 * PSS shares each page among the processes that map it (node's binary, shared libraries), so the
 * tree's PSS is what the tree costs the machine; RSS counts a shared page once per process.
 */

export interface ProcessMemory {
  pid: number;
  /** Resident set, MB. */
  rss: number;
  /** Proportional set, MB. */
  pss: number;
  /** The command line, cut to 120 characters. */
  command: string;
}

export interface TreeMemory {
  processes: ProcessMemory[];
  rss: number;
  pss: number;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** `pid` and its descendants, parents first; a process that ended meanwhile is left out. */
export function descendants(pid: number): number[] {
  const found = [pid];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    const children = read(`/proc/${pid}/task/${task}/children`) ?? '';
    for (const child of children.split(' ').filter(Boolean)) {
      found.push(...descendants(Number(child)));
    }
  }
  return found;
}

function memoryOf(pid: number): ProcessMemory | null {
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  if (!rollup) return null;
  const kb = (field: string) =>
    Number(rollup.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  const command = (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ').trim().slice(0, 120);
  return { pid, rss: kb('Rss') / 1024, pss: kb('Pss') / 1024, command };
}

/** The tree under `pid` now: each process's memory and the sums (MB). */
export function treeMemory(pid: number): TreeMemory {
  const processes = descendants(pid)
    .map(memoryOf)
    .filter((memory): memory is ProcessMemory => memory !== null);
  return {
    processes,
    rss: processes.reduce((sum, p) => sum + p.rss, 0),
    pss: processes.reduce((sum, p) => sum + p.pss, 0),
  };
}

/**
 * Samples the tree every `everyMs` until stopped; `stop()` answers the sample with the highest PSS
 * and the highest RSS seen (each may come from a different moment) and the most processes.
 */
export function samplePeak(pid: number, everyMs = 200) {
  const peak = { rss: 0, pss: 0, processes: 0 };
  const sample = () => {
    const now = treeMemory(pid);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.pss = Math.max(peak.pss, now.pss);
    peak.processes = Math.max(peak.processes, now.processes.length);
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}
