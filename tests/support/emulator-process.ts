import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run emulator` as a child process on a data folder, for tests that kill it and start it again
 * on the same files. Node runs with tsx as a loader (not the tsx wrapper), so a signal reaches the
 * process that holds the database.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'emulator/main.ts');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** Starts the local Appwrite on `dataDir` and a free port; resolves once it prints its ready line. */
export async function startEmulatorProcess(
  dataDir: string,
  cwd: string,
  readyMs = 30_000,
): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, MAIN, '--port', '0', '--data', dataDir],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const endpoint = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line; stderr: ${err}`)), readyMs);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /Local Appwrite ready at (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`exited early (${code}); stderr: ${err}`)));
  });
  return { child, endpoint };
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.on('exit', () => done());
  });
}
