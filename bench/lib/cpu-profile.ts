/**
 * Reads a V8 `.cpuprofile` (Node's `--cpu-prof`) and names the frames that spent the most time
 * themselves (self time), with their share of the busy time (idle and the garbage collector apart).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  frame: string;
  ms: number;
  /** Share of the busy time, in %. */
  share: number;
}

const root = new URL('../../', import.meta.url).pathname;

function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const file = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
  return `${name} ${file}:${lineNumber + 1}`;
}

/** The `top` frames by self time, and the busy total they are a share of. */
export function topFrames(path: string, top = 10): { busyMs: number; frames: Frame[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const names = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame)]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = names.get(id) ?? '?';
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  self.delete('(idle)');
  self.delete('(program)');
  const busy = [...self.values()].reduce((a, b) => a + b, 0);
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, micros]) => ({
      frame,
      ms: Math.round(micros / 100) / 10,
      share: Math.round((micros / busy) * 1000) / 10,
    }));
  return { busyMs: Math.round(busy / 1000), frames };
}

/**
 * The main thread's `.cpuprofile` Node's `--cpu-prof` wrote into `dir`
 * (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`, thread 0): under tsx, its module loader's
 * own thread writes one too. Throws when there is none.
 */
export function profileIn(dir: string): string {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  const file = files.find((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name)) ?? files[0];
  if (!file) throw new Error(`no CPU profile was written into ${dir}`);
  return join(dir, file);
}

/** Prints `title`, the busy time and the `top` frames by self time of the profile in `file`. */
export function printTopFrames(title: string, file: string, top: number): void {
  const { busyMs, frames } = topFrames(file, top);
  console.log(`${title}; busy ${busyMs} ms`);
  console.log('self ms  share  frame');
  for (const { ms, share, frame } of frames) {
    console.log(`${String(ms).padStart(7)}  ${`${share}%`.padStart(5)}  ${frame}`);
  }
}
