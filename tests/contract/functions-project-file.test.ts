import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Functions } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyProjectFile } from '../../emulator/project-file.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * appwrite.json's `functions` applied at start: settings created and updated, the built code
 * deployed, and deployed again only when it changed; an unbuilt function gets its settings only.
 */

let server: LocalServer;
let work: string;
let functions: Functions;

function apply(entry: Record<string, unknown>) {
  const file = {
    path: join(work, 'appwrite.json'),
    projectId: server.projectId,
    functions: [
      entry,
      {
        $id: 'unbuilt',
        name: 'unbuilt',
        runtime: 'node-22',
        entrypoint: 'dist/main.js',
        path: 'nope',
      },
    ],
  };
  return applyProjectFile(server.app.emulator, file);
}

function writeCode(answer: string) {
  writeFileSync(
    join(work, 'fn', 'dist', 'main.js'),
    `export default async ({ res }) => res.text('${answer}');\n`,
  );
}

const entry = {
  $id: 'from-file',
  name: 'From file',
  runtime: 'node-22',
  execute: ['any'],
  scopes: ['users.read'],
  schedule: '0 * * * *',
  entrypoint: 'dist/main.js',
  path: 'fn',
  ignore: ['src'],
};

beforeAll(async () => {
  server = await startLocalServer();
  functions = new Functions(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  work = mkdtempSync(join(tmpdir(), 'agora-project-functions-'));
  mkdirSync(join(work, 'fn', 'dist'), { recursive: true });
  writeFileSync(join(work, 'fn', 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
  writeCode('first');
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('created, deployed, and redeployed only when the code changed', async () => {
  await apply(entry);
  const fn = await functions.get({ functionId: 'from-file' });
  expect(fn).toMatchObject({ name: 'From file', scopes: ['users.read'], schedule: '0 * * * *' });
  expect((await functions.createExecution({ functionId: 'from-file' })).responseBody).toBe('first');
  expect((await functions.get({ functionId: 'unbuilt' })).deploymentId).toBe('');

  await apply({ ...entry, name: 'Renamed' });
  const same = await functions.listDeployments({ functionId: 'from-file' });
  expect(same.total).toBe(1);
  expect((await functions.get({ functionId: 'from-file' })).name).toBe('Renamed');

  writeCode('second');
  await apply(entry);
  expect((await functions.listDeployments({ functionId: 'from-file' })).total).toBe(2);
  expect((await functions.createExecution({ functionId: 'from-file' })).responseBody).toBe(
    'second',
  );
});

test('a bad setting in the file fails the start loudly', async () => {
  await expect(apply({ ...entry, schedule: 'not a cron' })).rejects.toThrow(/schedule/);
});
