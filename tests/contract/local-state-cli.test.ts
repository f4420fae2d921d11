import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Users } from 'node-appwrite';
import { afterAll, describe, expect, test } from 'vitest';

/**
 * The state flags of `npm run emulator`, as Firebase's emulators have them: `--export-on-exit FILE`
 * writes the state when the server is stopped, `--import FILE` starts from it, `--export FILE`
 * exports a data folder without serving, and a bad file stops the start with nothing changed.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'state-cli-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Runs emulator/main.ts; answers the child, its output so far and its exit. */
function emulator(args: string[]) {
  // Node itself with tsx's loader, not the tsx command: that wrapper relays a signal and SIGKILLs its
  // child when the child has not acknowledged it within 30 ms, which a loaded machine misses.
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
      join(ROOT, 'emulator/main.ts'),
      '--port',
      '0',
      '--project',
      'cli',
      '--no-abuse',
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (text) => {
    output.stdout += text;
  });
  child.stderr?.on('data', (text) => {
    output.stderr += text;
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const ready = new Promise<void>((done, fail) => {
    child.stdout?.on('data', () => {
      if (output.stdout.includes('Local Appwrite ready at')) done();
    });
    void exited.then((code) => fail(new Error(`exited (${code}): ${output.stderr}`)));
  });
  // Starts that are meant to end (an export, a refused import) never become ready.
  ready.catch(() => {});
  return { child, output, exited, ready };
}

function users(dataDir: string): Users {
  const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  return new Users(
    new Client()
      .setEndpoint(credentials.endpoint)
      .setProject(credentials.projectId)
      .setKey(credentials.apiKey),
  );
}

describe('npm run emulator -- --import / --export-on-exit / --export', () => {
  const first = join(root, 'first');
  const second = join(root, 'second');
  const onExit = join(root, 'on-exit.appwrite-local');

  test('--export-on-exit writes the state on SIGTERM; --import starts the next server from it', async () => {
    const a = emulator(['--data', first, '--export-on-exit', onExit]);
    await a.ready;
    await users(first).create({ userId: 'ada', email: 'ada@example.com' });
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(existsSync(onExit)).toBe(true);
    expect(existsSync(`${onExit}.partial`)).toBe(false);

    const b = emulator(['--data', second, '--import', onExit]);
    await b.ready;
    expect((await users(second).get({ userId: 'ada' })).email).toBe('ada@example.com');
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  test('--export writes a data folder state without serving; --import of it works', async () => {
    const file = join(root, 'offline.appwrite-local');
    const exporting = emulator(['--data', second, '--export', file]);
    expect(await exporting.exited).toBe(0);
    expect(exporting.output.stdout).not.toContain('ready at');
    const third = join(root, 'third');
    const c = emulator(['--data', third, '--import', file]);
    await c.ready;
    expect((await users(third).get({ userId: 'ada' })).$id).toBe('ada');
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  test('--import of a bad file stops the start and leaves the data folder as it was', async () => {
    const bad = join(root, 'bad.appwrite-local');
    writeFileSync(bad, 'not a state');
    const d = emulator(['--data', second, '--import', bad]);
    expect(await d.exited).toBe(1);
    expect(d.output.stderr).toContain('The file is not a local Appwrite state');
    const e = emulator(['--data', second]);
    await e.ready;
    expect((await users(second).get({ userId: 'ada' })).$id).toBe('ada');
    e.child.kill('SIGTERM');
    expect(await e.exited).toBe(0);
  });
});
