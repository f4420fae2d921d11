import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * The local Appwrite's shape, kept by a test rather than by goodwill (emulator/README.md, "Folders"):
 *
 * - `core/` is the data layer: it imports neither `http/` nor `realtime/`;
 * - `realtime/` hangs off core's events: it imports `core/` (and `runtime/` never), not `http/`;
 * - `http/` translates HTTP ⇄ core calls and never publishes an event: core's writes announce
 *   themselves;
 * - no import cycles anywhere in `emulator/`, type-only imports included (a type cycle is still two
 *   modules that cannot be read one without the other).
 *
 * Imports are read from the source text: `import … from '…'`, `export … from '…'`, `import('…')`.
 */

const EMULATOR = resolve(fileURLToPath(import.meta.url), '../../../emulator');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

/** Each emulator module (path relative to emulator/) → the emulator modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(EMULATOR)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)]
      .map((match) => resolve(dirname(file), match[2] ?? ''))
      .filter((target) => target.startsWith(`${EMULATOR}/`))
      .map((target) => relative(EMULATOR, target));
    graph.set(relative(EMULATOR, file), [...new Set(targets)]);
  }
  return graph;
}

const graph = importGraph();
const layer = (path: string) => path.split('/')[0] ?? '';

function crossings(from: string, forbidden: readonly string[]): string[] {
  return [...graph]
    .filter(([path]) => layer(path) === from)
    .flatMap(([path, targets]) =>
      targets.filter((t) => forbidden.includes(layer(t))).map((t) => `${path} → ${t}`),
    );
}

/** Every cycle's modules (Tarjan's strongly connected components of more than one module). */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node))
      found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the local Appwrite’s layers', () => {
  test('the graph is read (a guard against a regex that matches nothing)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('app.ts')?.some((t) => t.startsWith('core/'))).toBe(true);
  });

  test('core/ imports neither http/ nor realtime/', () => {
    expect(crossings('core', ['http', 'realtime'])).toEqual([]);
  });

  test('realtime/ imports no http/', () => {
    expect(crossings('realtime', ['http'])).toEqual([]);
  });

  test('no module in http/ publishes an event: core’s writes do', () => {
    const publishers = [...graph.keys()]
      .filter((path) => layer(path) === 'http')
      .filter((path) =>
        /\.(publish|announce)\(|\bEventBus\b/.test(readFileSync(join(EMULATOR, path), 'utf8')),
      );
    expect(publishers).toEqual([]);
  });

  test('no import cycles, type-only imports included', () => {
    expect(cycles()).toEqual([]);
  });
});
