import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * Which top-level folder may import which, kept by a test (lib/README.md): `lib/` is the home for
 * Node-side code that functions, scripts, tests and the bench share, so the arrows point into it and
 * never out of it to them; scripts and the bench borrow nothing from a function's insides or from
 * the tests; a function's bundle takes nothing from the tools around it.
 *
 * Imports are read from the source text (`from '…'`, `import('…')`, `import '…'`); relative paths
 * and the `#lib/…` and `#shared/…` aliases (package.json `imports`) are resolved to a folder.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const ALIASES: Record<string, string> = { '#lib/': 'lib/', '#shared/': 'shared/' };
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist'].includes(entry.name) ? [] : sources(path);
    return /\.(ts|mts|mjs|svelte)$/.test(entry.name) ? [path] : [];
  });
}

/** The repository path an import names, or null for a package. */
function target(file: string, specifier: string): string | null {
  const alias = Object.keys(ALIASES).find((prefix) => specifier.startsWith(prefix));
  if (alias) return ALIASES[alias] + specifier.slice(alias.length);
  if (!specifier.startsWith('.')) return null;
  return relative(ROOT, resolve(dirname(file), specifier));
}

/** Every `file → import` from `folder` into one of the `forbidden` paths. */
function crossings(folder: string, forbidden: readonly string[]): string[] {
  return sources(join(ROOT, folder)).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(SPECIFIER)]
      .map((match) => target(file, match[2] ?? ''))
      .filter((path): path is string => path !== null)
      .filter((path) => forbidden.some((prefix) => path.startsWith(prefix)))
      .map((path) => `${relative(ROOT, file)} → ${path}`),
  );
}

describe('top-level folders import one way', () => {
  test('lib/ imports none of the folders that import it', () => {
    const out = ['functions/', 'scripts/', 'tests/', 'bench/', 'client/', 'emulator/'];
    expect(crossings('lib', out)).toEqual([]);
  });

  test("scripts/ and bench/ borrow nothing from functions' insides or from tests/", () => {
    expect(crossings('scripts', ['functions/', 'tests/', 'bench/'])).toEqual([]);
    expect(crossings('bench', ['functions/', 'tests/'])).toEqual([]);
  });

  test('a function bundles nothing from the tools around it', () => {
    const tools = ['scripts/', 'tests/', 'bench/', 'emulator/', 'client/'];
    expect(crossings('functions', tools)).toEqual([]);
  });
});
