/**
 * Reads a V8 `.cpuprofile` (Node's `--cpu-prof`) and names the frames that spent the most time
 * themselves (self time), with their share of the busy time (idle and the garbage collector apart).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

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
