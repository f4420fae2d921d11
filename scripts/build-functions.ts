/**
 * Bundles each Appwrite Function: `functions/<id>/src/main.ts` → `functions/<id>/dist/main.js`, with
 * shared code, zod and node-appwrite inlined, because appwrite-cli uploads only the function's own
 * folder and no install step runs on deploy.
 *
 *   npm run build:functions            every function
 *   npm run build:functions -- health  only the ones named
 *
 * The bundle is an ES module. Beside it goes `dist/package.json` with `"type": "module"`: the runtime
 * `require()`s the entrypoint and falls back to `import()` only on ERR_REQUIRE_ESM, which Node raises
 * only for a file it knows is ESM. Without that marker (the repo's package.json is not uploaded),
 * Node 20 would read `main.js` as CommonJS and fail on `import`. The bundle must also have no
 * top-level await: Node 22 `require()`s ESM directly and refuses a module that awaits at the top.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_CACHE, buildIsStale, writeBuildRecord } from './bundle.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const FUNCTIONS_DIR = join(ROOT, 'functions');
/**
 * The record of each function's last build into its own `dist/`: its inputs (its sources, shared
 * code, the inlined packages) and when it began. package-lock.json stands for the packages, whose
 * files npm installs with a fixed old mtime.
 */
const BUILD_RECORDS = join(BUNDLE_CACHE, 'functions');
const recordOf = (id: string) => join(BUILD_RECORDS, `${id}.json`);

/**
 * undici and json-bigint (inside node-appwrite) are CommonJS and `require()` Node built-ins; in an
 * ES module bundle esbuild routes those calls to a `require` it expects to find in scope.
 */
const REQUIRE_BANNER = [
  "import { createRequire as __agoraCreateRequire } from 'node:module';",
  'const require = __agoraCreateRequire(import.meta.url);',
].join('\n');

/** One built function. */
export interface BuiltFunction {
  id: string;
  /** Absolute path of the bundle. */
  file: string;
  bytes: number;
}

/** The ids of the functions in `functions/`: every folder with a `src/main.ts`, `_lib` excepted. */
export async function listFunctionIds(): Promise<string[]> {
  const entries = await readdir(FUNCTIONS_DIR, { withFileTypes: true });
  const ids: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    if (await exists(join(FUNCTIONS_DIR, entry.name, 'src', 'main.ts'))) ids.push(entry.name);
  }
  return ids.sort();
}

/**
 * Builds the functions named (all of them when `ids` is empty) into their `dist/` folders, replacing
 * what was there. Throws on an unknown id or a failed build. A hot-reload can call this per change.
 */
export async function buildFunctions(ids: readonly string[] = []): Promise<BuiltFunction[]> {
  const known = await listFunctionIds();
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new Error(`No function ${unknown.join(', ')} (known: ${known.join(', ')}).`);
  }
  const chosen = ids.length > 0 ? [...ids] : known;
  return Promise.all(chosen.map((id) => buildFunction(id)));
}

/** Whether a function's `dist/` is missing, or older than a source of its last build. */
export function functionBuildIsStale(id: string): boolean {
  const dist = join(FUNCTIONS_DIR, id, 'dist');
  return buildIsStale(recordOf(id), [join(dist, 'main.js'), join(dist, 'package.json')]);
}

/**
 * Builds every function whose `dist/` is stale (functionBuildIsStale); `npm start` does this, so a
 * start with nothing changed builds nothing. Answers what it built and what was already fresh.
 */
export async function buildStaleFunctions(): Promise<{ built: BuiltFunction[]; fresh: string[] }> {
  const known = await listFunctionIds();
  const stale = known.filter(functionBuildIsStale);
  // buildFunctions([]) would build them all.
  const built = stale.length > 0 ? await buildFunctions(stale) : [];
  return { built, fresh: known.filter((id) => !stale.includes(id)) };
}

/**
 * Builds one function into `outDir` (default `functions/<id>/dist/`). Each file is written to a
 * temporary name and renamed into place, so a runtime loading the bundle mid-build (a hot reload)
 * sees the old file or the new one, never half of one.
 */
export async function buildFunction(
  id: string,
  outDir = join(FUNCTIONS_DIR, id, 'dist'),
): Promise<BuiltFunction> {
  const file = join(outDir, 'main.js');
  const builtAt = Date.now();
  const result = await build({
    entryPoints: [join(FUNCTIONS_DIR, id, 'src', 'main.ts')],
    outfile: file,
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: REQUIRE_BANNER },
    // Unminified, so a stack trace in the execution log names real functions and readable lines.
    minify: false,
    logLevel: 'warning',
    absWorkingDir: ROOT,
    metafile: true,
  });
  const bundle = result.outputFiles.find((output) => output.path === file);
  if (!bundle) throw new Error(`esbuild produced no ${file}.`);
  await mkdir(outDir, { recursive: true });
  await writeAtomically(file, bundle.contents);
  await writeAtomically(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  if (resolve(outDir) === join(FUNCTIONS_DIR, id, 'dist')) {
    const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(ROOT, input));
    writeBuildRecord(recordOf(id), builtAt, [...inputs, join(ROOT, 'package-lock.json')]);
  }
  return { id, file, bytes: bundle.contents.byteLength };
}

/** The temporary name is unique per write: two builds of one function may overlap (a watcher firing twice). */
async function writeAtomically(file: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  try {
    const built = await buildFunctions(process.argv.slice(2));
    for (const { id, file, bytes } of built) {
      console.log(`${id.padEnd(16)} ${relative(ROOT, file).padEnd(36)} ${formatSize(bytes)}`);
    }
  } catch (thrown) {
    // esbuild has already printed its diagnostics; add one line saying the build failed.
    console.error(`build:functions failed: ${thrown instanceof Error ? thrown.message : thrown}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
