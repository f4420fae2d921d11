import { Client, Functions, Project } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Functions and variables routes whose answers apps rely on, matched to Appwrite 1.9.5
 * (src/Appwrite/Platform/Modules/Functions/Http/*, Project/Http/Project/Variables/*), with the real
 * node-appwrite 27.1.0 and a full-scope key.
 */

let server: LocalServer;
let functions: Functions;
let project: Project;

beforeAll(async () => {
  server = await startLocalServer();
  server.app.emulator.functions.stopClock();
  const client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  functions = new Functions(client);
  project = new Project(client);
  await functions.create({
    functionId: 'fn',
    name: 'fn',
    runtime: 'node-22' as never,
    entrypoint: 'src/main.js',
    commands: 'npm install',
  });
});

afterAll(async () => {
  await server.close();
});

describe('variables are secret unless told otherwise (Variables/Create.php: secret defaults to true)', () => {
  test('a function variable created without `secret` is secret: its value is hidden', async () => {
    const created = await functions.createVariable({
      functionId: 'fn',
      variableId: 'v1',
      key: 'TOKEN',
      value: 'shh',
    });
    expect([created.secret, created.value]).toEqual([true, '']);
    const read = await functions.getVariable({ functionId: 'fn', variableId: 'v1' });
    expect([read.secret, read.value]).toEqual([true, '']);
    expect(JSON.stringify(await functions.listVariables({ functionId: 'fn' }))).not.toContain(
      'shh',
    );
  });

  test('a project variable created without `secret` is secret too', async () => {
    const created = await project.createVariable({ variableId: 'p1', key: 'P', value: 'hidden' });
    expect([created.secret, created.value]).toEqual([true, '']);
  });

  test('`secret: false` still makes a plain variable', async () => {
    const created = await functions.createVariable({
      functionId: 'fn',
      variableId: 'v2',
      key: 'PLAIN',
      value: 'seen',
      secret: false,
    });
    expect([created.secret, created.value]).toEqual([false, 'seen']);
  });
});

describe('functions.update (Functions/Update.php)', () => {
  test('an update without `entrypoint` keeps the stored one', async () => {
    const updated = await functions.update({ functionId: 'fn', name: 'renamed' });
    expect(updated).toMatchObject({ name: 'renamed', entrypoint: 'src/main.js' });
    expect((await functions.get({ functionId: 'fn' })).entrypoint).toBe('src/main.js');
  });

  test('an update with `entrypoint` changes it', async () => {
    const updated = await functions.update({ functionId: 'fn', name: 'fn', entrypoint: 'main.js' });
    expect(updated.entrypoint).toBe('main.js');
  });
});
