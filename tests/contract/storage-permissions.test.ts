import { AppwriteException, Client, Permission, Query, Role, Storage, Users } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The storage permission matrix over HTTP with the real node-appwrite: guest, the file's owner,
 * another user and an API key × get / view / list / update / delete, in three buckets:
 *
 * - `on`: fileSecurity on, the bucket grants only `create("users")`; the file is the owner's, with
 *   Appwrite's default permissions for an uploading user (read/update/delete `user:owner`).
 * - `off`: the same bucket with fileSecurity off: file permissions are ignored.
 * - `shared`: fileSecurity off, the bucket grants `read("users")` too.
 */

type Actor = 'guest' | 'owner' | 'other' | 'key';
type Act = 'get' | 'view' | 'list' | 'update' | 'delete';
type Mode = 'on' | 'off' | 'shared';

interface Outcome {
  status: number;
  type?: string;
  /** For list: how many files the caller sees. */
  files?: number;
}

const SECRET = 'top-secret-file-body';

const ok: Record<Act, Outcome> = {
  get: { status: 200 },
  view: { status: 200 },
  list: { status: 200, files: 1 },
  update: { status: 200 },
  delete: { status: 204 },
};
const notFound: Outcome = { status: 404, type: 'storage_file_not_found' };
const unauthorized: Outcome = { status: 401, type: 'user_unauthorized' };
const allUnauthorized: Record<Act, Outcome> = {
  get: unauthorized,
  view: unauthorized,
  list: unauthorized,
  update: unauthorized,
  delete: unauthorized,
};
const hidden: Record<Act, Outcome> = {
  get: notFound,
  view: notFound,
  list: { status: 200, files: 0 },
  update: unauthorized,
  delete: unauthorized,
};
const readOnly: Record<Act, Outcome> = {
  get: ok.get,
  view: ok.view,
  list: ok.list,
  update: unauthorized,
  delete: unauthorized,
};

const matrix: Record<Mode, Record<Actor, Record<Act, Outcome>>> = {
  on: { guest: hidden, owner: ok, other: hidden, key: ok },
  off: { guest: allUnauthorized, owner: allUnauthorized, other: allUnauthorized, key: ok },
  shared: { guest: allUnauthorized, owner: readOnly, other: readOnly, key: ok },
};

let server: LocalServer;
const clients = {} as Record<Actor, Storage>;

async function sessionFor(users: Users, id: string): Promise<Storage> {
  await users.create({ userId: id, email: `${id}@example.com`, password: 'correct horse battery' });
  const session = await users.createSession({ userId: id });
  return new Storage(
    new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession(session.secret),
  );
}

beforeAll(async () => {
  server = await startLocalServer();
  const keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  clients.key = new Storage(keyClient);
  clients.guest = new Storage(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId),
  );
  const users = new Users(keyClient);
  clients.owner = await sessionFor(users, 'owner');
  clients.other = await sessionFor(users, 'other');
  for (const mode of ['on', 'off', 'shared'] as const) {
    await clients.key.createBucket({
      bucketId: `files_${mode}`,
      name: mode,
      fileSecurity: mode === 'on',
      permissions: [
        Permission.create(Role.users()),
        ...(mode === 'shared' ? [Permission.read(Role.users())] : []),
      ],
    });
  }
});

afterAll(() => server.close());

beforeEach(async () => {
  for (const mode of ['on', 'off', 'shared']) {
    const bucketId = `files_${mode}`;
    await clients.key.deleteFile({ bucketId, fileId: 'f1' }).catch(() => undefined);
    // Uploaded by the owner, so Appwrite's default permissions for a user apply.
    await clients.owner.createFile({
      bucketId,
      fileId: 'f1',
      file: InputFile.fromBuffer(Buffer.from(SECRET), 'secret.txt'),
    });
  }
});

async function attempt(actor: Actor, act: Act, bucketId: string) {
  const s = clients[actor];
  const base = { bucketId, fileId: 'f1' };
  try {
    let result: unknown;
    switch (act) {
      case 'get':
        result = await s.getFile(base);
        break;
      case 'view':
        result = Buffer.from(await s.getFileView(base)).toString();
        break;
      case 'list':
        result = await s.listFiles({ bucketId, queries: [Query.limit(10)] });
        break;
      case 'update':
        result = await s.updateFile({ ...base, name: 'renamed.txt' });
        break;
      case 'delete':
        result = await s.deleteFile(base);
        break;
    }
    const list = result as { files?: unknown[] } | undefined;
    return {
      status: ok[act].status,
      type: undefined,
      files: list?.files?.length,
      body: typeof result === 'string' ? result : JSON.stringify(result ?? ''),
    };
  } catch (error) {
    if (!(error instanceof AppwriteException)) throw error;
    return { status: error.code, type: error.type, files: undefined, body: error.response };
  }
}

describe('storage permission matrix (node-appwrite with sessions and a key)', () => {
  const cases = (['on', 'off', 'shared'] as const).flatMap((mode) =>
    (['guest', 'owner', 'other', 'key'] as Actor[]).flatMap((actor) =>
      (['get', 'view', 'list', 'update', 'delete'] as Act[]).map((act) => {
        const e = matrix[mode][actor][act];
        const label = `${e.status}${e.type ? ` ${e.type}` : ''}${e.files !== undefined ? ` (${e.files} files)` : ''}`;
        return [mode, actor, act, label, e] as const;
      }),
    ),
  );

  test.each(cases)('bucket %s: %s %s → %s', async (mode, actor, act, _label, expected) => {
    const bucketId = `files_${mode}`;
    const got = await attempt(actor, act, bucketId);
    expect({ status: got.status, type: got.type }).toEqual({
      status: expected.status,
      type: expected.type,
    });
    if (expected.files !== undefined) expect(got.files).toBe(expected.files);
    // Whoever may not read the file learns nothing of it: not its content, owner, or our internals.
    const mayRead = matrix[mode][actor].get.status === 200;
    const leaks = [
      'SELECT',
      'sqlite',
      'storage_files',
      server.app.emulator.dataDir as string,
      ...(mayRead && got.status < 400 ? [] : [SECRET, 'user:owner', 'secret.txt']),
    ];
    for (const leak of leaks) expect(got.body).not.toContain(leak);
    // A refused write changes nothing.
    if (got.status >= 400 && (act === 'update' || act === 'delete')) {
      const file = await clients.key.getFile({ bucketId, fileId: 'f1' });
      expect(file.name).toBe('secret.txt');
    }
  });
});

describe('granting rules on upload and update', () => {
  test('an uploading user gets read/update/delete on themselves; a key gets none', async () => {
    const mine = await clients.owner.getFile({ bucketId: 'files_on', fileId: 'f1' });
    expect(mine.$permissions).toEqual([
      'read("user:owner")',
      'update("user:owner")',
      'delete("user:owner")',
    ]);
    const byKey = await clients.key.createFile({
      bucketId: 'files_on',
      fileId: 'k1',
      file: InputFile.fromBuffer(Buffer.from('x'), 'k.txt'),
    });
    expect(byKey.$permissions).toEqual([]);
  });

  test('a user may only grant roles they hold', async () => {
    const refused = await clients.owner
      .createFile({
        bucketId: 'files_on',
        fileId: 'g1',
        file: InputFile.fromBuffer(Buffer.from('x'), 'g.txt'),
        permissions: [Permission.read(Role.user('other'))],
      })
      .catch((e: AppwriteException) => e);
    expect([(refused as AppwriteException).code, (refused as AppwriteException).type]).toEqual([
      401,
      'user_unauthorized',
    ]);
    const granted = await clients.owner.createFile({
      bucketId: 'files_on',
      fileId: 'g2',
      file: InputFile.fromBuffer(Buffer.from('x'), 'g.txt'),
      permissions: [Permission.read(Role.any()), Permission.write(Role.user('owner'))],
    });
    expect(granted.$permissions).toEqual([
      'read("any")',
      'update("user:owner")',
      'delete("user:owner")',
    ]);
    // Shared with everyone: the other user and a guest can now read it.
    expect((await clients.other.getFile({ bucketId: 'files_on', fileId: 'g2' })).$id).toBe('g2');
    expect((await clients.guest.getFile({ bucketId: 'files_on', fileId: 'g2' })).$id).toBe('g2');
    const update = await clients.owner
      .updateFile({
        bucketId: 'files_on',
        fileId: 'g2',
        permissions: [Permission.update(Role.user('other'))],
      })
      .catch((e: AppwriteException) => e);
    expect((update as AppwriteException).type).toBe('user_unauthorized');
  });

  test('a guest cannot upload where only users may create; a disabled bucket is not found', async () => {
    const guest = await clients.guest
      .createFile({
        bucketId: 'files_on',
        fileId: 'x1',
        file: InputFile.fromBuffer(Buffer.from('x'), 'x.txt'),
      })
      .catch((e: AppwriteException) => e);
    expect([(guest as AppwriteException).code, (guest as AppwriteException).type]).toEqual([
      401,
      'user_unauthorized',
    ]);
    await clients.key.updateBucket({
      bucketId: 'files_shared',
      name: 'shared',
      enabled: false,
      permissions: [Permission.create(Role.users()), Permission.read(Role.users())],
    });
    const disabled = await clients.owner
      .getFile({ bucketId: 'files_shared', fileId: 'f1' })
      .catch((e: AppwriteException) => e);
    expect((disabled as AppwriteException).type).toBe('storage_bucket_not_found');
    // Keys still reach a disabled bucket.
    expect((await clients.key.getFile({ bucketId: 'files_shared', fileId: 'f1' })).$id).toBe('f1');
    await clients.key.updateBucket({
      bucketId: 'files_shared',
      name: 'shared',
      enabled: true,
      permissions: [Permission.create(Role.users()), Permission.read(Role.users())],
    });
  });

  test('sessions hold no tokens.* scope: only keys mint file tokens', async () => {
    const { Tokens } = await import('node-appwrite');
    const client = new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession('x');
    const refused = await new Tokens(client)
      .createFileToken({ bucketId: 'files_on', fileId: 'f1' })
      .catch((e: AppwriteException) => e);
    expect((refused as AppwriteException).type).toBe('general_unauthorized_scope');
  });
});
