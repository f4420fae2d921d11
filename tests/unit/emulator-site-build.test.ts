import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isAlive } from '../support/runtime-fixtures.ts';

/**
 * A Site build runs in a process group of its own, so the local Appwrite can end it whole. When the
 * local Appwrite itself is killed outright (SIGKILL: no handler runs), the build must not live on
 * and go on writing into the data folder: its group leader sees its parent gone and ends the group.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'site-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return check();
}

describe('a Site build whose local Appwrite is killed', () => {
  test('ends with it: the command started by the build does not outlive the server', async () => {
    const pidFile = join(work, 'sleep.pid');
    const script = join(work, 'server.ts');
    writeFileSync(
      script,
      `import { runBuild } from ${JSON.stringify(join(ROOT, 'emulator/core/sites/site-build.ts'))};
void runBuild({
  command: 'sleep 120 & echo $! > ${pidFile}; wait',
  cwd: ${JSON.stringify(work)},
  home: ${JSON.stringify(work)},
  npmCache: ${JSON.stringify(join(work, 'npm'))},
  variables: {},
  timeoutMs: 120_000,
  memoryMb: 64,
});
setInterval(() => undefined, 1000);
`,
    );
    const server = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    expect(
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 20_000),
    ).toBe(true);
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(sleeper)).toBe(true);

    server.kill('SIGKILL');
    // The guard looks twice a second; a few seconds is ample even on a loaded machine.
    expect(await until(() => !isAlive(sleeper), 10_000)).toBe(true);
  }, 40_000);
});
