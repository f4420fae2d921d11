import {
  AppwriteException,
  Client,
  ExecutionMethod,
  Functions,
  ID,
  Permission,
  Role,
  Storage,
  TablesDB,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { BucketId, DATABASE_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import { applyAgoraBuckets, TINY_PNG } from '../support/agora-buckets.ts';
import {
  applyAgoraTables,
  executeFunction,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * `profiles` end to end on the local Appwrite: the browser uploads straight to `avatars` with its own
 * session (the bucket's `create("users")`, fileSecurity on), then links the file through the function,
 * which checks the file is the caller's and an image and deletes the one replaced.
 */

let server: LocalServer;
let keyStorage: Storage;
let tables: TablesDB;
let guest: Client;
const as: Record<'owner' | 'other' | 'admin', Client> = {} as never;

const profiles = (client: Client, route: string, body?: unknown) =>
  executeFunction(client, FunctionId.profiles, routeRequest(route as never), body);

async function upload(client: Client, name = 'a.png', bytes = TINY_PNG, permissions?: string[]) {
  const file = await new Storage(client).createFile({
    bucketId: BucketId.avatars,
    fileId: ID.unique(),
    file: InputFile.fromBuffer(bytes, name),
    ...(permissions ? { permissions } : {}),
  });
  return file.$id;
}

async function fileExists(fileId: string): Promise<boolean> {
  try {
    await keyStorage.getFile({ bucketId: BucketId.avatars, fileId });
    return true;
  } catch (thrown) {
    if (thrown instanceof AppwriteException && thrown.code === 404) return false;
    throw thrown;
  }
}

async function profileRow(userId: string) {
  return (await tables.getRow({
    databaseId: DATABASE_ID,
    tableId: TableId.profiles,
    rowId: userId,
  })) as unknown as Record<string, unknown>;
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  keyStorage = new Storage(keyClient);
  tables = new TablesDB(keyClient);
  await applyAgoraBuckets(keyClient);
  await deployWithVariables(keyClient, FunctionId.profiles, {});
  as.owner = await userWithSession(server, keyClient, 'owner');
  as.other = await userWithSession(server, keyClient, 'other');
  as.admin = await userWithSession(server, keyClient, 'admin', { labels: ['admin'] });
  guest = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
}, 60_000);
afterAll(async () => server.close());

describe('uploading to avatars', () => {
  test('a user cannot upload a file granting a role they do not hold (Appwrite’s 401)', async () => {
    const refused = await upload(as.other, 'x.png', TINY_PNG, [
      Permission.read(Role.any()),
      Permission.update(Role.user('owner')),
      Permission.delete(Role.user('owner')),
    ]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppwriteException);
    const error = refused as AppwriteException;
    expect([error.code, error.type]).toEqual([401, 'user_unauthorized']);
    expect(error.message).toMatch(/^Permissions must be one of: \(.*user:other.*\)$/);
    expect(error.message).not.toContain('user:owner');
  });

  test('a guest cannot upload; anyone can read an uploaded avatar', async () => {
    await expect(upload(guest)).rejects.toMatchObject({ code: 401 });
    const fileId = await upload(as.owner);
    const file = await new Storage(guest).getFile({ bucketId: BucketId.avatars, fileId });
    expect(file.$permissions).toEqual([
      'read("user:owner")',
      'update("user:owner")',
      'delete("user:owner")',
    ]);
    expect(file.mimeType).toBe('image/png');
  });
});

describe('profiles routes end to end', () => {
  let first = '';
  let second = '';

  test('a guest is refused by Appwrite before the function runs', async () => {
    const refused = new Functions(guest).createExecution({
      functionId: FunctionId.profiles,
      body: '{"name":"X"}',
      async: false,
      xpath: '/profile',
      method: ExecutionMethod.PATCH,
    });
    await expect(refused).rejects.toMatchObject({ code: 401, type: 'user_unauthorized' });
  });

  test('owner links an upload → avatarId set; linking another deletes the first file', async () => {
    first = await upload(as.owner);
    const linked = await profiles(as.owner, Route.profiles.setAvatar, { fileId: first });
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toMatchObject({ $id: 'owner', avatarId: first });
    expect((await profileRow('owner')).avatarId).toBe(first);

    second = await upload(as.owner, 'b.png');
    const replaced = await profiles(as.owner, Route.profiles.setAvatar, { fileId: second });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body?.avatarId).toBe(second);
    expect(await fileExists(first)).toBe(false);
    expect(await fileExists(second)).toBe(true);
  });

  test('another user and an admin cannot link the owner’s file → 401, their profiles unchanged', async () => {
    for (const who of ['other', 'admin'] as const) {
      const answer = await profiles(as[who], Route.profiles.setAvatar, { fileId: second });
      expect(answer.status, answer.text).toBe(401);
      expect(answer.body?.type).toBe('user_unauthorized');
      expect((await profileRow(who)).avatarId).toBeNull();
    }
    expect(await fileExists(second)).toBe(true);
  });

  test('a file the owner cannot be given: the other user’s upload → 401', async () => {
    const theirs = await upload(as.other);
    const answer = await profiles(as.owner, Route.profiles.setAvatar, { fileId: theirs });
    expect(answer.status).toBe(401);
    expect((await profileRow('owner')).avatarId).toBe(second);
  });

  test('not an image (PDF bytes named .png) → 400 fields.fileId avatar_not_image', async () => {
    const pdf = await upload(as.owner, 'c.png', Buffer.from('%PDF-1.4\n%fake\n'));
    const answer = await profiles(as.owner, Route.profiles.setAvatar, { fileId: pdf });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body?.fields).toMatchObject({ fileId: { code: 'avatar_not_image' } });
    expect((await profileRow('owner')).avatarId).toBe(second);
  });

  test('a missing file → 404 storage_file_not_found; a forged id → 400 fields.fileId', async () => {
    const missing = await profiles(as.owner, Route.profiles.setAvatar, { fileId: 'nope' });
    expect([missing.status, missing.body?.type]).toEqual([404, 'storage_file_not_found']);
    const forged = await profiles(as.owner, Route.profiles.setAvatar, { fileId: '../x' });
    expect(forged.status).toBe(400);
    expect(forged.body?.fields).toMatchObject({ fileId: { code: 'invalid_id' } });
  });

  test('PATCH /profile: name and bio change; a bad bio names the field; nobody else’s changes', async () => {
    const ok = await profiles(as.other, Route.profiles.update, { name: ' Olga ', bio: 'Hi' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ $id: 'other', name: 'Olga', bio: 'Hi' });
    expect(await profileRow('other')).toMatchObject({ name: 'Olga', bio: 'Hi' });
    expect((await profileRow('owner')).name).toBe('owner');

    const bad = await profiles(as.other, Route.profiles.update, { bio: 'x'.repeat(281) });
    expect(bad.status).toBe(400);
    expect(bad.body?.fields).toMatchObject({ bio: { code: 'too_big' } });
    const counters = await profiles(as.other, Route.profiles.update, { postsCount: 5 });
    expect(counters.body?.fields).toMatchObject({ postsCount: { code: 'unrecognized_keys' } });
    expect((await profileRow('other')).bio).toBe('Hi');
  });

  test('DELETE /profile/avatar → avatarId null and the file is gone; again is a no-op', async () => {
    const removed = await profiles(as.owner, Route.profiles.removeAvatar);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body?.avatarId).toBeNull();
    expect(await fileExists(second)).toBe(false);
    const again = await profiles(as.owner, Route.profiles.removeAvatar);
    expect([again.status, again.body?.avatarId]).toEqual([200, null]);
  });
});
