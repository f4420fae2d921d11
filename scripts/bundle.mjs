/**
 * Runs one of the repository's TypeScript entry points with plain `node`, no TypeScript loader:
 *
 *   node scripts/bundle.mjs scripts/start.ts [args…]
 *
 * The entry is bundled by esbuild into `node_modules/.cache/agora-bundles/` (packages stay
 * external: imported from node_modules as usual) and the bundle is imported in this very process,
 * with `process.argv` as if the entry had been run. The bundle is rebuilt when it is missing or
 * when any of its sources (esbuild's list of inputs), package.json (its `imports` map) or this
 * file is newer than the build — so a pulled change is never run stale. After a build esbuild's
 * service process is stopped. `npm start` runs itself and its local Appwrite this way: one node
 * process each, where tsx needed its CLI, a loader and an esbuild service per process.
 *
 * The bundle is not minified: a stack trace names the real functions, and esbuild marks each
 * module's part with its path. Each bundle has a linked source map, read only under
 * `NODE_OPTIONS=--enable-source-maps` (it costs every process ≈ 8 MB and ≈ 80 ms at start).
 *
 * Plain JavaScript on purpose: it runs before anything can compile TypeScript.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
/** Where the bundles go (git-ignored with node_modules/). */
export const BUNDLE_CACHE = join(ROOT, 'node_modules/.cache/agora-bundles');

/** The bundle of `entry` (absolute) and its manifest, in `cache`. */
export function bundleFiles(entry, cache = BUNDLE_CACHE) {
  const name = relative(ROOT, entry)
    .replaceAll(sep, '-')
    .replace(/\.[cm]?ts$/, '');
  return { bundle: join(cache, `${name}.mjs`), manifest: join(cache, `${name}.json`) };
}

function mtimeOrNull(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Whether a build must run again: an output or the record of the last build is missing, or an
 * input the record names is gone or newer than that build. The record is `{builtAt, inputs}`
 * (writeBuildRecord); any other field must match `expected`.
 */
export function buildIsStale(recordFile, outputs, expected = {}) {
  if (outputs.some((output) => mtimeOrNull(output) === null)) return true;
  let record;
  try {
    record = JSON.parse(readFileSync(recordFile, 'utf8'));
  } catch {
    return true;
  }
  if (!Array.isArray(record.inputs) || typeof record.builtAt !== 'number') return true;
  if (Object.entries(expected).some(([key, value]) => record[key] !== value)) return true;
  return record.inputs.some((input) => {
    const mtime = mtimeOrNull(input);
    return mtime === null || mtime > record.builtAt;
  });
}

/**
 * Records a build: when it began (taken before esbuild read anything, so a source saved during
 * the build makes it stale again) and its inputs' absolute paths, with `extra` fields.
 */
export function writeBuildRecord(recordFile, builtAt, inputs, extra = {}) {
  mkdirSync(dirname(recordFile), { recursive: true });
  writeAtomically(recordFile, `${JSON.stringify({ ...extra, builtAt, inputs }, null, 2)}\n`);
}

/** Writes under a temporary name, then renames: two starts at once never read half a file. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** Whether the bundle of `entry` must be built (buildIsStale). */
export function bundleIsStale(entry, cache = BUNDLE_CACHE) {
  const { bundle, manifest } = bundleFiles(entry, cache);
  return buildIsStale(manifest, [bundle], { entry });
}

/**
 * Each source module sees its own `import.meta.url`, `dirname` and `filename` — the paths the
 * modules build from (ROOT, the worker script, the console's folder) — rather than the bundle's:
 * esbuild's `define` points them at constants this plugin declares at the top of each module.
 */
const SOURCE_IMPORT_META = {
  name: 'source-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.split(sep).includes('node_modules')) return undefined;
      const source = await readFile(args.path, 'utf8');
      const declarations = [
        `const __agoraMetaUrl = ${JSON.stringify(pathToFileURL(args.path).href)};`,
        `const __agoraMetaDirname = ${JSON.stringify(dirname(args.path))};`,
        `const __agoraMetaFilename = ${JSON.stringify(args.path)};`,
      ].join('');
      const extension = extname(args.path);
      return {
        contents: `${declarations}${source}`,
        loader: extension.endsWith('ts') ? 'ts' : 'js',
      };
    });
  },
};

/** Builds the bundle of `entry` into `cache`, with its record (its inputs, this file, package.json). */
export async function buildBundle(entry, cache = BUNDLE_CACHE) {
  const esbuild = await import('esbuild');
  const { bundle, manifest } = bundleFiles(entry, cache);
  const builtAt = Date.now();
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: bundle,
    write: false,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
    define: {
      'import.meta.url': '__agoraMetaUrl',
      'import.meta.dirname': '__agoraMetaDirname',
      'import.meta.filename': '__agoraMetaFilename',
    },
    plugins: [SOURCE_IMPORT_META],
  });
  mkdirSync(cache, { recursive: true });
  for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(ROOT, input));
  writeBuildRecord(manifest, builtAt, [...inputs, join(ROOT, 'package.json'), SELF], { entry });
  return bundle;
}

/** The bundle of `entry`, built first when stale; answers its path and whether it was built. */
export async function ensureBundle(entry, cache = BUNDLE_CACHE) {
  if (!bundleIsStale(entry, cache))
    return { bundle: bundleFiles(entry, cache).bundle, built: false };
  return { bundle: await buildBundle(entry, cache), built: true };
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const [entryArg, ...args] = process.argv.slice(2);
  if (!entryArg) {
    console.error('Usage: node scripts/bundle.mjs <entry.ts> [args…]');
    process.exit(2);
  }
  const entry = resolve(entryArg);
  const { bundle, built } = await ensureBundle(entry);
  // Nothing else of esbuild runs in this process before the entry does.
  if (built) await (await import('esbuild')).stop();
  process.argv = [process.argv[0] ?? process.execPath, entry, ...args];
  await import(pathToFileURL(bundle).href);
}
