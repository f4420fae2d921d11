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
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Functions } from 'node-appwrite';
import { deploy } from './functions.ts';
import { printTopFrames, profileIn } from './lib/cpu-profile.ts';
import { startLocalAppwrite } from './lib/processes.ts';

const top = Number(process.argv[2] ?? 15);
const runs = Number(process.argv[3] ?? 3000);

const work = mkdtempSync(join(tmpdir(), 'agora-profile-execution-'));
const profileDir = join(work, 'profile');
const server = await startLocalAppwrite(profileDir);
const { url, apiKey, projectId } = server;

try {
  const functions = new Functions(
    new Client().setEndpoint(url).setProject(projectId).setKey(apiKey),
  );
  await deploy(functions, 'trivial', `export default async ({ res }) => res.text('ok');`);
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
  await server.stop();
}

const file = profileIn(profileDir);
if (process.env.PROFILE_OUT) copyFileSync(file, process.env.PROFILE_OUT);
printTopFrames('Server CPU profile', file, top);
rmSync(work, { recursive: true, force: true });
