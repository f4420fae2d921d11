import { execFile } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

/**
 * The Chromium the end-to-end tests and the client figures drive: any Chromium works. Found at
 * `CHROMIUM_PATH` or a usual install path; on Debian as root, installed with apt-get when missing
 * (once, under a lock, so two test files never run apt at the same time); otherwise an error that
 * names what to install.
 */

const run = promisify(execFile);

const KNOWN_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

const INSTALL_HINT =
  'Install Chromium (Debian: `apt-get install chromium`; Ubuntu: `apt-get install chromium-browser` ' +
  'or `snap install chromium`; macOS: `brew install --cask chromium`) or set CHROMIUM_PATH to a ' +
  'Chromium or Chrome executable.';

/** Flags for a quiet, headless, throwaway browser on a CI machine (often root, no GPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The Chromium to use, or null when this machine has none. `CHROMIUM_PATH` must be right if set. */
export function findChromium(): string | null {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (isExecutable(chosen)) return chosen;
    throw new Error(`CHROMIUM_PATH is ${chosen}, which is not an executable file. ${INSTALL_HINT}`);
  }
  return KNOWN_PATHS.find(isExecutable) ?? null;
}

function canApt(): boolean {
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    existsSync('/etc/debian_version') &&
    isExecutable('/usr/bin/apt-get')
  );
}

const LOCK = join(tmpdir(), 'agora-chromium-install.lock');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `apt-get install chromium` unless another process holds the lock; then waits for it. */
async function aptInstallChromium(): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(LOCK, 'wx');
    } catch {
      // Someone else installs: wait until the lock goes (a lock older than 15 min is stale).
      const lockedAt = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 15 * 60_000) rmSync(LOCK, { force: true });
      if (Date.now() > deadline) throw new Error(`waited 15 min for ${LOCK}; ${INSTALL_HINT}`);
      await sleep(1000);
      if (findChromium()) return;
      continue;
    }
    try {
      if (findChromium()) return;
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const options = { env, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 };
      console.warn(
        '[e2e] no Chromium found: running apt-get update && apt-get install -y chromium',
      );
      await run('apt-get', ['update', '-qq'], options);
      await run('apt-get', ['install', '-y', '-qq', 'chromium'], options);
      return;
    } finally {
      closeSync(fd);
      rmSync(LOCK, { force: true });
    }
  }
}

/** The path of a Chromium, installing Debian's when that is possible; else an error saying what to do. */
export async function ensureChromium(): Promise<string> {
  const found = findChromium();
  if (found) return found;
  if (!canApt()) throw new Error(`No Chromium found for the end-to-end tests. ${INSTALL_HINT}`);
  try {
    await aptInstallChromium();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`Installing Chromium with apt-get failed (${reason}). ${INSTALL_HINT}`);
  }
  const installed = findChromium();
  if (!installed)
    throw new Error(`apt-get installed chromium but no executable appeared. ${INSTALL_HINT}`);
  return installed;
}

export interface LaunchedChromium {
  browser: Browser;
  /** Where downloads land (a fresh temp folder). */
  downloads: string;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile: Playwright gives every `launch` its own temporary
 * `--user-data-dir` and deletes it on close (it refuses the flag in `args`). Downloads go to a temp
 * folder removed on close.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = await ensureChromium();
  const downloads = mkdtempSync(join(tmpdir(), 'agora-e2e-downloads-'));
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    downloadsPath: downloads,
    headless: true,
  });
  return {
    browser,
    downloads,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}
