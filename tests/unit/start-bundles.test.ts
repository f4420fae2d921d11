import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildFunction,
  buildStaleFunctions,
  functionBuildIsStale,
  listFunctionIds,
} from '../../scripts/build-functions.ts';
import {
  BUNDLE_CACHE,
  bundleIsStale,
  ensureBundle,
  writeBuildRecord,
} from '../../scripts/bundle.mjs';

/**
 * `npm start` runs plain node on cached bundles (scripts/bundle.mjs) and builds only the functions
 * whose sources changed: each cache is rebuilt when a source is newer than its last build, and a
 * bundled module still sees its own `import.meta` paths.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'agora-bundles-'));
const cache = join(work, 'cache');
const entry = join(work, 'entry.ts');
const helper = join(work, 'helper.ts');

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A second from now: newer than any build this test just made. */
const later = () => new Date(Date.now() + 1_000);

writeFileSync(
  entry,
  [
    "import { where } from './helper.ts';",
    "const text: string = 'import.meta.url';",
    'console.log(JSON.stringify({ where: where(), dirname: import.meta.dirname, text }));',
  ].join('\n'),
);
writeFileSync(helper, 'export const where = (): string => import.meta.filename;\n');

const run = (bundle: string) =>
  JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' }));

describe('scripts/bundle.mjs', () => {
  it('bundles an entry whose modules keep their own import.meta paths, strings untouched', async () => {
    const { bundle, built } = await ensureBundle(entry, cache);
    expect(built).toBe(true);
    expect(run(bundle)).toEqual({ where: helper, dirname: work, text: 'import.meta.url' });
  });

  it('does not rebuild a fresh bundle', async () => {
    expect(bundleIsStale(entry, cache)).toBe(false);
    expect((await ensureBundle(entry, cache)).built).toBe(false);
  });

  it('rebuilds when an imported source is newer than the bundle', async () => {
    writeFileSync(helper, "export const where = (): string => 'changed';\n");
    utimesSync(helper, later(), later());
    expect(bundleIsStale(entry, cache)).toBe(true);
    const { bundle, built } = await ensureBundle(entry, cache);
    expect(built).toBe(true);
    expect(run(bundle).where).toBe('changed');
  });

  it('rebuilds when a source it was built from is gone', async () => {
    await ensureBundle(entry, cache);
    rmSync(helper);
    expect(bundleIsStale(entry, cache)).toBe(true);
  });
});

describe('function bundles at start', () => {
  // Without touching the repository's sources (a running `npm start` would rebuild on it): the
  // record of the last build is moved back to just before a source's time instead.
  it('rebuilds a function when one of its sources is newer than its last build', async () => {
    await buildFunction('health');
    expect(functionBuildIsStale('health')).toBe(false);
    const recordFile = join(BUNDLE_CACHE, 'functions/health.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    const source = join(ROOT, 'functions/health/src/main.ts');
    expect(record.inputs).toEqual(
      expect.arrayContaining([source, join(ROOT, 'package-lock.json')]),
    );
    writeBuildRecord(recordFile, statSync(source).mtimeMs - 1, record.inputs);
    expect(functionBuildIsStale('health')).toBe(true);
    const { built } = await buildStaleFunctions();
    expect(built.map((b) => b.id)).toContain('health');
    expect(functionBuildIsStale('health')).toBe(false);
  }, 60_000);

  it('builds nothing when no function changed since its last build', async () => {
    await buildStaleFunctions();
    const ids = await listFunctionIds();
    const bundleTime = () =>
      ids.map((id) => statSync(join(ROOT, 'functions', id, 'dist/main.js')).mtimeMs);
    const before = bundleTime();
    const { built, fresh } = await buildStaleFunctions();
    expect(built).toEqual([]);
    expect(fresh).toEqual(ids);
    expect(bundleTime()).toEqual(before);
  }, 60_000);
});
