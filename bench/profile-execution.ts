/**
 * The CPU profile of a warm `createExecution` (issue 17): the local Appwrite runs under `--cpu-prof`
 * on an empty project, a trivial function is deployed, and it is executed synchronously with the API
 * key, one call after another, as the `functions` bench group does; the top frames of the server by
 * self time are printed.
 *
 *   npx tsx bench/profile-execution.ts [frames=15] [executions=3000]
 *
 * With PROFILE_OUT=<file>, the `.cpuprofile` is kept there (for DevTools or an inclusive-time view).
 *
 * Not part of `npm run bench`: a profile slows what it measures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Client, Functions } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import * as tar from 'tar';
import { topFrames } from './lib/cpu-profile.ts';

const root = new URL('../', import.meta.url).pathname;
const top = Number(process.argv[2] ?? 15);
const runs = Number(process.argv[3] ?? 3000);

const work = mkdtempSync(join(tmpdir(), 'agora-profile-execution-'));
const dataDir = join(work, 'data');
const profileDir = join(work, 'profile');

const child: ChildProcess = spawn(
  process.execPath,
  [
    '--import',
    pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
    '--cpu-prof',
    '--cpu-prof-dir',
    profileDir,
    join(root, 'emulator/main.ts'),
    '--port',
    '0',
    '--data',
    dataDir,
    '--project',
    'bench',
    '--no-abuse',
  ],
  { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const match = line.match(/ready at (http:\/\/\S+\/v1)/);
    if (match?.[1]) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`the local Appwrite exited early with ${code}`)));
});

try {
  const { apiKey, projectId } = JSON.parse(
    readFileSync(join(dataDir, 'credentials.json'), 'utf8'),
  ) as { apiKey: string; projectId: string };
  const functions = new Functions(
    new Client().setEndpoint(url).setProject(projectId).setKey(apiKey),
  );
  const source = join(work, 'fn');
  rmSync(source, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(source, { recursive: true }));
  writeFileSync(join(source, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(source, 'main.js'), `export default async ({ res }) => res.text('ok');`);
  const archive = join(work, 'code.tar.gz');
  await tar.c({ gzip: true, file: archive, cwd: source }, ['package.json', 'main.js']);
  await functions.create({
    functionId: 'trivial',
    name: 'trivial',
    runtime: 'node-22' as never,
    execute: ['any'],
    entrypoint: 'main.js',
  });
  await functions.createDeployment({
    functionId: 'trivial',
    code: InputFile.fromBuffer(readFileSync(archive), 'code.tar.gz'),
    activate: true,
  });
  const headers = {
    'x-appwrite-project': projectId,
    'x-appwrite-key': apiKey,
    'content-type': 'application/json',
  };
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const response = await fetch(`${url}/functions/trivial/executions`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    await response.arrayBuffer();
  }
  const perCall = ((performance.now() - started) / runs).toFixed(2);
  console.log(`${runs} warm sync executions, ${perCall} ms each (profiled)`);
} finally {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('the server wrote no CPU profile');
if (process.env.PROFILE_OUT) copyFileSync(join(profileDir, file), process.env.PROFILE_OUT);
const { busyMs, frames } = topFrames(join(profileDir, file), top);
console.log(`Server CPU profile: busy ${busyMs} ms`);
console.log('self ms  share  frame');
for (const { ms, share, frame } of frames) {
  console.log(`${String(ms).padStart(7)}  ${`${share}%`.padStart(5)}  ${frame}`);
}
rmSync(work, { recursive: true, force: true });
