import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `npm start` as a person runs it — functions built, local Appwrite, demo users, the client through
 * Vite with `/v1` proxied — on free ports and a temporary data folder. Its output is kept for error
 * messages; `stop()` ends the whole process group and removes the data.
 */

export const ROOT = resolve(import.meta.dirname, '../..');

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
  stop(): Promise<void>;
}

export async function startStack(timeoutMs = 180_000): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-e2e-'));
  const child: ChildProcess = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['scripts/start.ts', '--port', '0', '--client-port', '0', '--data', dataDir],
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
    rmSync(dataDir, { recursive: true, force: true });
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
    return {
      appUrl,
      endpoint,
      dataDir,
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
