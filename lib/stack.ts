import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { preview } from 'vite';

/**
 * `npm start` as a person runs it — functions built, local Appwrite, demo users, the client through
 * Vite with `/v1` proxied, and its production build as the local Site — on free ports and a
 * temporary data folder. Its output is kept for error
 * messages; `stop()` ends the whole process group and removes the data. Used by the end-to-end tests
 * (tests/e2e/) and the client figures of `npm run bench` (bench/client.ts).
 */

/** The repository's root folder. */
export const ROOT = resolve(import.meta.dirname, '..');

/**
 * What `npm start` runs, as node's arguments (cwd ROOT): plain node on the cached bundle of
 * scripts/start.ts, here on the data folder and port given and a free client port.
 */
export function npmStartArgs(dataDir: string, port = '0'): string[] {
  return [
    'scripts/bundle.mjs',
    'scripts/start.ts',
    '--port',
    port,
    '--client-port',
    '0',
    '--data',
    dataDir,
  ];
}

export interface Stack {
  /** The client, e.g. `http://127.0.0.1:43123/` (trailing slash). */
  appUrl: string;
  /** The local Appwrite's endpoint, e.g. `http://127.0.0.1:41234/v1`. */
  endpoint: string;
  dataDir: string;
  /** Everything the stack printed so far. */
  output(): string;
  /** The full-scope API key of the local Appwrite (credentials.json), for test setup only. */
  apiKey(): string;
  /**
   * The client's production build as the local Site serves it (`npm start` pushes it in the
   * background): resolves with its address, e.g. `http://agora.sites.localhost:41234/`, once
   * `npm start` says it is ready; rejects if its deployment failed or it takes over `timeoutMs`.
   */
  site(timeoutMs?: number): Promise<ServedClient>;
  stop(): Promise<void>;
}

export async function startStack(timeoutMs = 180_000): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    npmStartArgs(dataDir),
    // Its own process group: stop() reaches the local Appwrite and Vite too.
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // SIGTERM: start.ts closes Vite and stops the local Appwrite; then the group, to be sure.
      child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup(child, 'SIGKILL');
    // A Site build runs in a process group of its own; the local Appwrite ends it on the way out,
    // but its last writes into the npm cache can land while the folder is being removed.
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  };

  try {
    const [, appUrl = '', endpoint = ''] = await new Promise<RegExpMatchArray>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`npm start was not ready in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const check = () => {
        const match = output.match(/App: +(\S+)\n\s+Local Appwrite: +(\S+)/);
        if (match) {
          clearTimeout(timer);
          done(match);
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`npm start exited (${code}) before it was ready:\n${output}`));
      });
    });
    const site = (siteTimeoutMs = 300_000) =>
      new Promise<ServedClient>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`the Site was not ready in ${siteTimeoutMs} ms:\n${output}`)),
          siteTimeoutMs,
        );
        const check = () => {
          const ready = output.match(/\[site\] production build ready at (\S+)/);
          const failed = output.match(/\[site\] the production build was not deployed[^\n]*/);
          if (!ready && !failed) return;
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          if (ready?.[1]) done({ url: ready[1], close: async () => undefined });
          else fail(new Error(failed?.[0]));
        };
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        check();
      });
    return {
      appUrl,
      endpoint,
      dataDir,
      site,
      output: () => output,
      apiKey: () => JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')).apiKey,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Builds the production client into `outDir` as `npm run build:client` does (a child process:
 * a test worker runs under NODE_ENV=test).
 */
export async function buildClient(outDir: string): Promise<void> {
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  await promisify(execFile)(
    process.execPath,
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 16 * 1024 * 1024 },
  );
}

export interface ServedClient {
  /** e.g. `http://127.0.0.1:41235/` */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a production build with `vite preview`, `/v1` proxied (vite.config.ts) to the stack's
 * local Appwrite: the same origin layout as `npm start`, but the files a host would serve — no
 * HMR, no dependency optimizer, so a source saved meanwhile cannot reload a page under test.
 */
export async function serveClient(stack: Stack, outDir: string): Promise<ServedClient> {
  process.env.AGORA_APPWRITE_URL = stack.endpoint.replace(/\/v1$/, '');
  const server = await preview({
    configFile: join(ROOT, 'vite.config.ts'),
    // Silent: a browser context closed with its Realtime socket open makes the proxy log ECONNRESET.
    logLevel: 'silent',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview printed no URL');
  return { url, close: () => server.close() };
}

/** The newest local-outbox message to `email` (verification or recovery), polled until it arrives. */
export async function outboxLink(
  stack: Stack,
  email: string,
  timeoutMs = 15_000,
): Promise<{ url: string; subject?: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(
      `${stack.endpoint}/local/outbox?to=${encodeURIComponent(email)}&limit=1`,
    );
    const body = (await response.json()) as { messages: { url: string; subject?: string }[] };
    const [message] = body.messages ?? [];
    if (message) return message;
    if (Date.now() > deadline) throw new Error(`no outbox message to ${email}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}
