import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The command line as DESIGN §6 states it: one ready line, credentials.json with a working full-scope
 * key, the project id from appwrite.json, a clean exit 0 on SIGTERM, the key kept across restarts.
 * tsx is spawned directly: `npx` does not forward SIGTERM to its child.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'emulator/main.ts');
const folders: string[] = [];

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'appwrite-local-cli-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  endpoint: string;
}

async function start(args: string[], cwd: string): Promise<Running> {
  const child = spawn(TSX, [MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const endpoint = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line; stderr: ${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /^Local Appwrite ready at (http:\/\/127\.0\.0\.1:\d+\/v1)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`exited early (${code}); stderr: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, endpoint };
}

function stop(running: Running): Promise<number | null> {
  return new Promise((done) => {
    running.child.on('exit', (code) => done(code));
    running.child.kill('SIGTERM');
  });
}

describe('npm run emulator (emulator/main.ts)', () => {
  it('serves, writes credentials.json, and stops cleanly on SIGTERM', async () => {
    const data = tempFolder();
    const cwd = tempFolder();
    writeFileSync(join(cwd, 'appwrite.json'), JSON.stringify({ projectId: 'from-file' }));
    const running = await start(['--port', '0', '--data', data], cwd);

    const credentials = JSON.parse(readFileSync(join(data, 'credentials.json'), 'utf8'));
    expect(Object.keys(credentials).sort()).toEqual([
      'apiKey',
      'consoleEmail',
      'consolePassword',
      'endpoint',
      'projectId',
    ]);
    expect(credentials).toMatchObject({ endpoint: running.endpoint, projectId: 'from-file' });

    const version = await fetch(`${running.endpoint}/health/version`);
    expect(await version.json()).toEqual({ version: '1.9.5' });
    const users = await fetch(`${running.endpoint}/users`, {
      headers: { 'x-appwrite-project': 'from-file', 'x-appwrite-key': credentials.apiKey },
    });
    expect(users.status).toBe(200);

    expect(await stop(running)).toBe(0);
    // The console's URL, then — last, the line scripts wait for — the endpoint.
    const origin = new URL(running.endpoint).origin;
    expect(running.stdout().trim().split('\n')).toEqual([
      `Local Appwrite console at ${origin}/console`,
      `Local Appwrite ready at ${running.endpoint}`,
    ]);
    expect(running.stderr()).toBe('');

    // Same folder again: the key in credentials.json still works.
    const again = await start(['--port', '0', '--data', data], cwd);
    const kept = JSON.parse(readFileSync(join(data, 'credentials.json'), 'utf8'));
    expect(kept.apiKey).toBe(credentials.apiKey);
    expect(await stop(again)).toBe(0);

    // --reset wipes the folder: a new key, and the old one is unknown.
    const reset = await start(
      ['--port', '0', '--data', data, '--reset', '--project', 'flagged'],
      cwd,
    );
    const fresh = JSON.parse(readFileSync(join(data, 'credentials.json'), 'utf8'));
    expect(fresh.projectId).toBe('flagged');
    expect(fresh.apiKey).not.toBe(credentials.apiKey);
    const old = await fetch(`${reset.endpoint}/users`, {
      headers: { 'x-appwrite-project': 'flagged', 'x-appwrite-key': credentials.apiKey },
    });
    expect(old.status).toBe(401);
    expect(await stop(reset)).toBe(0);
  });
});
