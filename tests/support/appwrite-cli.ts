import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs the real appwrite-cli (12.0.1, from node_modules) in a scratch project whose HOME is its own,
 * so its saved login (`~/.appwrite/prefs.json`) is the test's and never the developer's.
 */

const run = promisify(execFile);
const CLI = resolve('node_modules/.bin/appwrite');

/** A scratch project for the CLI: `cwd` holds appwrite.json, `home` is its HOME. */
export interface CliProject {
  cwd: string;
  home: string;
}

/** Makes `root/project` and `root/home`. */
export function cliProject(root: string): CliProject {
  const where = { cwd: join(root, 'project'), home: join(root, 'home') };
  mkdirSync(where.cwd, { recursive: true });
  mkdirSync(where.home, { recursive: true });
  return where;
}

/** Saves what `appwrite client --endpoint … --key …` would save (facts §5.6), without running it. */
export function saveCliKey(where: CliProject, endpoint: string, key: string): void {
  mkdirSync(join(where.home, '.appwrite'), { recursive: true });
  writeFileSync(
    join(where.home, '.appwrite', 'prefs.json'),
    JSON.stringify({ current: 'local', local: { endpoint, key } }),
  );
}

/**
 * Runs `appwrite …args` in `where` and answers its stdout and stderr. A failing command rejects,
 * unless `failureOk`: then its output is the answer too (some tests expect the CLI to fail).
 */
export async function appwriteCli(
  where: CliProject,
  args: string[],
  { failureOk = false } = {},
): Promise<string> {
  const result = await run(CLI, args, {
    cwd: where.cwd,
    env: { ...process.env, HOME: where.home, NO_COLOR: '1' },
    timeout: 60_000,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!failureOk) throw error;
    return error;
  });
  return `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
}
