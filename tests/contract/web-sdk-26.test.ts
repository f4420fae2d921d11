import { Account, Client, Functions, ID, Permission, Role, Storage } from 'appwrite26';
import { Client as ServerClient, Storage as ServerStorage } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { deployFunction, ECHO_FUNCTION } from '../support/function-bundles.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The web SDK 26.2.0 (the `appwrite26` alias), which sends `X-Appwrite-Response-Format: 1.9.5`, still
 * gets Appwrite 1.9.5's models: a browser app not yet moved to SDK 28 keeps working. The other web-SDK
 * suites run the app's SDK, 28.0.0 (the 2.3 models). A signed-in user (session kept through
 * `X-Fallback-Cookies`) executes a function — the Execution names its `functionId` — and uploads a
 * file, which has no 2.3 `folder`/`key`.
 *
 * Node environment with a `window.localStorage` stand-in, as functions-web-sdk.test.ts (function
 * workers cannot run under jsdom).
 */
const saved = new Map<string, string>();
Object.assign(globalThis, {
  window: {
    console,
    localStorage: {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => saved.set(key, String(value)),
      removeItem: (key: string) => saved.delete(key),
    },
  },
});

let server: LocalServer;
let client: Client;

beforeAll(async () => {
  server = await startLocalServer();
  server.app.emulator.functions.stopClock();
  const keyClient = new ServerClient()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  await deployFunction(keyClient, 'members', ECHO_FUNCTION, { execute: ['users'] });
  await new ServerStorage(keyClient).createBucket({
    bucketId: 'photos',
    name: 'Photos',
    fileSecurity: true,
    permissions: ['create("users")'],
  });
  client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  const account = new Account(client);
  await account.create({
    userId: ID.unique(),
    email: 'old@example.com',
    password: 'old-password-1',
  });
  await account.createEmailPasswordSession({
    email: 'old@example.com',
    password: 'old-password-1',
  });
}, 30_000);
afterAll(() => server.close());

test('the SDK sends the 1.9.5 response format', () => {
  expect(client.headers['X-Appwrite-Response-Format']).toBe('1.9.5');
});

test('an execution is the 1.9.5 model: functionId, no resourceId', async () => {
  const execution = await new Functions(client).createExecution({
    functionId: 'members',
    xpath: '/p',
  });
  expect(execution).toMatchObject({ functionId: 'members', status: 'completed' });
  expect(execution).not.toHaveProperty('resourceId');
  expect(execution).not.toHaveProperty('resourceType');
});

test('a file is the 1.9.5 model: no folder, no key', async () => {
  const me = await new Account(client).get();
  const file = await new Storage(client).createFile({
    bucketId: 'photos',
    fileId: 'old',
    file: new File(['bytes'], 'old.txt', { type: 'text/plain' }),
    permissions: [Permission.read(Role.user(me.$id))],
  });
  expect(file).toMatchObject({ $id: 'old', bucketId: 'photos', name: 'old.txt', sizeOriginal: 5 });
  expect(file).not.toHaveProperty('folder');
  expect(file).not.toHaveProperty('key');
});
