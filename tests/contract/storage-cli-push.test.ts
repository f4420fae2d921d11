import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Storage } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyProjectFile } from '../../emulator/project-file.ts';
import { appwriteCli, type CliProject, cliProject, saveCliKey } from '../support/appwrite-cli.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Buckets from appwrite.json: the real appwrite-cli 12.0.1 `push buckets` (GET, then POST on 404 or
 * PUT with the KeysStorage fields, facts §5.5), twice; and the same file applied at start.
 */

let server: LocalServer;
let work: string;
let where: CliProject;

const bucket = {
  $id: 'avatars',
  $permissions: ['read("any")', 'create("users")'],
  fileSecurity: true,
  name: 'Avatars',
  enabled: true,
  maximumFileSize: 2_000_000,
  allowedFileExtensions: ['png', 'jpg'],
  compression: 'none',
  encryption: false,
  antivirus: false,
};
const config = { projectId: 'test-project', buckets: [bucket] };

function push(): Promise<string> {
  return appwriteCli(where, ['push', 'buckets', '--all', '--force']);
}

beforeAll(async () => {
  server = await startLocalServer();
  work = mkdtempSync(join(tmpdir(), 'appwrite-cli-buckets-'));
  where = cliProject(work);
  writeFileSync(join(where.cwd, 'appwrite.json'), JSON.stringify(config, null, 2));
  saveCliKey(where, server.endpoint, server.apiKey);
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const expected = {
  $id: 'avatars',
  $permissions: bucket.$permissions,
  fileSecurity: true,
  name: 'Avatars',
  enabled: true,
  maximumFileSize: 2_000_000,
  allowedFileExtensions: ['png', 'jpg'],
  compression: 'none',
  encryption: false,
  antivirus: false,
};

test('appwrite push buckets creates, then updates in place', async () => {
  expect(await push()).toContain('Successfully pushed 1 buckets');
  const storage = new Storage(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  expect(await storage.getBucket({ bucketId: 'avatars' })).toMatchObject(expected);
  const second = await push();
  expect(second).toContain('Successfully pushed 1 buckets');
  expect(await storage.getBucket({ bucketId: 'avatars' })).toMatchObject(expected);
}, 120_000);

test('the same file applied at start creates the bucket, and again changes nothing', async () => {
  const other = await startLocalServer('test-project');
  try {
    const file = { ...config, buckets: [{ ...bucket, $id: 'covers' }], path: 'appwrite.json' };
    await applyProjectFile(other.app.emulator, file);
    const storage = new Storage(
      new Client().setEndpoint(other.endpoint).setProject(other.projectId).setKey(other.apiKey),
    );
    const first = await storage.getBucket({ bucketId: 'covers' });
    expect(first).toMatchObject({ ...expected, $id: 'covers' });
    await applyProjectFile(other.app.emulator, file);
    expect((await storage.getBucket({ bucketId: 'covers' })).$updatedAt).toBe(first.$updatedAt);
  } finally {
    await other.close();
  }
});
