import { spawn } from 'node:child_process';
import { dirname } from 'node:path';

/**
 * Runs a site's install and build commands in a child process — the local stand-in for Appwrite's
 * build container (SRV Modules/Functions/Workers/Builds.php). The code is the uploader's, and it runs
 * on this machine, so:
 *
 * - the environment is built from nothing: a PATH to this Node and the system tools, a HOME and
 *   TMPDIR of the build's own, npm's download cache, then the project's and the site's variables and
 *   Appwrite's build variables (`APPWRITE_SITE_*`). Nothing of the server's environment — no key, no
 *   secret, no `_APP_*` — reaches it;
 * - it runs in a process group of its own, killed whole (npm and what npm started) when the time
 *   limit passes or the build is canceled;
 * - Node's heap is capped at the build specification's memory (`--max-old-space-size`): a cap for
 *   Node builds, which is what the local Appwrite runs (node-* build runtimes only);
 * - its output is kept up to `MAX_LOG_BYTES`, the tail winning, as the deployment's `buildLogs`.
 */

/** How much of a build's output is kept (the end of it, where the error is). */
export const MAX_LOG_BYTES = 1_000_000;

/** One build to run. */
export interface BuildRun {
  /** The shell command (`install && build`); empty runs nothing. */
  command: string;
  cwd: string;
  /** The build's HOME (TMPDIR is `<home>/tmp`): a folder of its own, removed afterwards. */
  home: string;
  /** npm's download cache, shared by the project's builds. */
  npmCache: string;
  /** Project variables, then the site's, then Appwrite's: later ones win. */
  variables: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  signal?: AbortSignal;
}

/** How a build ended. */
export interface BuildOutcome {
  status: 'ready' | 'failed' | 'canceled';
  logs: string;
}

/** The environment a build sees: only what is listed here. */
export function buildEnvironment(run: BuildRun): Record<string, string> {
  return {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: run.home,
    TMPDIR: `${run.home}/tmp`,
    LANG: 'C.UTF-8',
    CI: 'true',
    npm_config_cache: run.npmCache,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...run.variables,
    NODE_OPTIONS: `--max-old-space-size=${run.memoryMb}`,
  };
}

/**
 * The build's process group leader: a small Node program that runs the command in a shell and ends
 * the whole group (npm and all it started) as soon as the local Appwrite that started it is gone —
 * killed outright, it cannot end the build itself, and an orphaned build would go on writing into
 * the data folder. It checks its parent twice a second and passes the command's exit on.
 */
const GROUP_GUARD = `
const { spawn } = require('node:child_process');
const parent = process.ppid;
const shell = spawn('/bin/sh', ['-c', process.argv[1]], { stdio: 'inherit' });
const watch = setInterval(() => {
  if (process.ppid !== parent) process.kill(-process.pid, 'SIGKILL');
}, 500);
shell.on('exit', (code, signal) => {
  clearInterval(watch);
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
`;

/** Runs the build; never rejects (a command that cannot start is a failed build with its reason). */
export function runBuild(run: BuildRun): Promise<BuildOutcome> {
  if (run.command.trim() === '') {
    return Promise.resolve({
      status: 'ready',
      logs: 'No install or build command: nothing to run.\n',
    });
  }
  if (run.signal?.aborted)
    return Promise.resolve({ status: 'canceled', logs: 'Build canceled.\n' });
  return new Promise((resolve) => {
    let logs = '';
    const keep = (chunk: Buffer) => {
      logs += chunk.toString('utf8');
      if (logs.length > MAX_LOG_BYTES) logs = logs.slice(-MAX_LOG_BYTES);
    };
    const child = spawn(process.execPath, ['-e', GROUP_GUARD, run.command], {
      cwd: run.cwd,
      env: buildEnvironment(run),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let ending: 'timeout' | 'canceled' | null = null;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      ending = 'timeout';
      killGroup();
    }, run.timeoutMs);
    const onAbort = () => {
      ending = 'canceled';
      killGroup();
    };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const finish = (outcome: BuildOutcome) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    child.on('error', (error) => finish({ status: 'failed', logs: `${logs}${error.message}\n` }));
    child.on('close', (code, signal) => {
      // npm may have left children in the group; none outlives the build.
      killGroup();
      if (ending === 'timeout') {
        const seconds = Math.round(run.timeoutMs / 1000);
        finish({ status: 'failed', logs: `${logs}\nBuild timed out after ${seconds} seconds.\n` });
      } else if (ending === 'canceled') {
        finish({ status: 'canceled', logs: `${logs}\nBuild canceled.\n` });
      } else if (code === 0) {
        finish({ status: 'ready', logs });
      } else {
        const how = code === null ? `was killed (${signal})` : `exited with code ${code}`;
        finish({ status: 'failed', logs: `${logs}\nThe build command ${how}.\n` });
      }
    });
  });
}
