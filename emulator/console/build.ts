import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Builds the local console (this folder, Svelte 5 + Vite) into `dist/`, which http/console/files.ts
 * serves at `/console`. The build is not committed: `npm run emulator` and `npm start` call
 * `ensureConsoleBuild()`, which builds only when `dist/` is missing or older than a source — so a
 * fresh clone works with `npm install && npm start`, and a pulled change to the console is never
 * served stale. `npm run build:console` (this file as a script) builds unconditionally.
 */

const HERE = import.meta.dirname;
/** The built console. */
export const CONSOLE_DIST = join(HERE, 'dist');
const SOURCES = [join(HERE, 'src'), join(HERE, 'index.html'), join(HERE, 'vite.config.ts')];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestChange(join(path, name))),
    stat.mtimeMs,
  );
}

/** Whether `dist/` is missing or older than any source of the console. */
export function consoleBuildIsStale(): boolean {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((source) => newestChange(source) > built);
}

/**
 * Builds into a folder of its own, then swaps it in: two processes starting at once (a test and
 * `npm start`) never serve a half-written `dist/`.
 */
export async function buildConsole(): Promise<void> {
  const vite = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin/vite.js',
  );
  const out = join(HERE, `.dist-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await promisify(execFile)(
      process.execPath,
      [
        vite,
        'build',
        '--config',
        join(HERE, 'vite.config.ts'),
        '--outDir',
        out,
        '--logLevel',
        'error',
      ],
      { cwd: HERE, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 16 * 1024 * 1024 },
    );
    rmSync(CONSOLE_DIST, { recursive: true, force: true });
    try {
      renameSync(out, CONSOLE_DIST);
    } catch (error) {
      // Another process swapped its build in between: theirs is as fresh as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Builds the console when its build is missing or stale; answers whether it built. */
export async function ensureConsoleBuild(): Promise<boolean> {
  if (!consoleBuildIsStale()) return false;
  await buildConsole();
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(HERE, 'build.ts')) {
  await buildConsole();
  console.log(`Local console built into ${CONSOLE_DIST}`);
}
