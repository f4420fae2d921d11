import { type AppwriteException, Client, Storage } from 'appwrite';
import { Client as ServerClient, Storage as ServerStorage, Tokens, Users } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Storage through the real web SDK 28.0.0 (in Node: its Storage needs no window; the session is given
 * with `setSession`, as the SSR pattern does): a signed-in user uploads, and the SDK's URL helpers
 * (`getFileView`/`getFileDownload`/`getFilePreview`, which only build URLs carrying `project=` and an
 * empty `impersonateuserid=`) work the way an `<img src>` uses them: with the session cookie, or with
 * a file token and no session at all.
 */

let server: LocalServer;
let storage: Storage;
let admin: ServerStorage;
let sessionCookie: string;

beforeAll(async () => {
  server = await startLocalServer();
  const keyClient = new ServerClient()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  admin = new ServerStorage(keyClient);
  await admin.createBucket({
    bucketId: 'photos',
    name: 'Photos',
    fileSecurity: true,
    permissions: ['create("users")'],
  });
  const users = new Users(keyClient);
  await users.create({ userId: 'web', email: 'web@example.com', password: 'password-123' });
  const session = await users.createSession({ userId: 'web' });
  // What a browser would hold after signing in: the session cookie (sent with <img src> requests).
  sessionCookie = `a_session_${server.projectId}=${session.secret}`;
  const client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setSession(session.secret);
  storage = new Storage(client);
});
afterAll(() => server.close());

describe('web SDK Storage', () => {
  it('a signed-in user uploads; the file is theirs alone', async () => {
    const file = await storage.createFile({
      bucketId: 'photos',
      fileId: 'mine',
      file: new File(['private picture bytes'], 'mine.txt', { type: 'text/plain' }),
    });
    expect(file.$permissions).toEqual([
      'read("user:web")',
      'update("user:web")',
      'delete("user:web")',
    ]);
    expect(file.sizeOriginal).toBe(21);
  });

  it('builds view/download/preview URLs that work with the session cookie, like <img src>', async () => {
    const view = storage.getFileView({ bucketId: 'photos', fileId: 'mine' });
    const url = new URL(view);
    expect(url.searchParams.get('project')).toBe(server.projectId);
    expect(url.searchParams.get('impersonateuserid')).toBe('');
    const withCookie = await fetch(view, { headers: { cookie: sessionCookie } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.text()).toBe('private picture bytes');
    const download = storage.getFileDownload({ bucketId: 'photos', fileId: 'mine' });
    const downloaded = await fetch(download, { headers: { cookie: sessionCookie } });
    expect([downloaded.status, await downloaded.text()]).toEqual([200, 'private picture bytes']);
    const preview = storage.getFilePreview({ bucketId: 'photos', fileId: 'mine', width: 64 });
    const image = await fetch(preview, { headers: { cookie: sessionCookie } });
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(0);
    // Without the cookie the URL alone reveals nothing.
    const bare = await fetch(view);
    expect(bare.status).toBe(404);
    expect(await bare.text()).not.toContain('private picture bytes');
  });

  it('a file token makes a link that works with no session', async () => {
    await admin.createFile({
      bucketId: 'photos',
      fileId: 'shared',
      file: InputFile.fromBuffer(Buffer.from('shared by link'), 'shared.txt'),
    });
    const token = await new Tokens(
      new ServerClient()
        .setEndpoint(server.endpoint)
        .setProject(server.projectId)
        .setKey(server.apiKey),
    ).createFileToken({ bucketId: 'photos', fileId: 'shared' });
    const link = storage.getFileDownload({
      bucketId: 'photos',
      fileId: 'shared',
      token: token.secret,
    });
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('shared by link');
    const error = await storage
      .getFile({ bucketId: 'photos', fileId: 'nope' })
      .catch((e: AppwriteException) => e);
    expect((error as AppwriteException).type).toBe('storage_file_not_found');
  });
});
