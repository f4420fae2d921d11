import { ExecutionMethod, Storage } from 'appwrite';
import { describe, expect, it, vi } from 'vitest';
import { account, client, functions, storage, tables } from '../../../client/src/lib/appwrite.ts';

/** What the app's own Account and TablesDB calls hand to `client.call` (the SDK's services send the same). */
const sent = async (call: () => Promise<unknown>) => {
  const spy = vi.spyOn(client, 'call').mockResolvedValue({});
  await call();
  const [method, url, headers, payload] = spy.mock.calls[0] ?? [];
  spy.mockRestore();
  return { method, path: (url as URL).pathname, headers, payload };
};

describe('account: the SDK Account endpoints the app uses, over client.call', () => {
  it('reads, opens and closes the session', async () => {
    expect(await sent(() => account.get())).toMatchObject({
      method: 'get',
      path: '/v1/account',
      headers: { 'X-Appwrite-Project': 'agora' },
      payload: {},
    });
    expect(
      await sent(() => account.createEmailPasswordSession({ email: 'a@b.c', password: 'pw' })),
    ).toMatchObject({
      method: 'post',
      path: '/v1/account/sessions/email',
      payload: { email: 'a@b.c', password: 'pw' },
    });
    expect(await sent(() => account.deleteSession({ sessionId: 'current' }))).toMatchObject({
      method: 'delete',
      path: '/v1/account/sessions/current',
    });
  });

  it('sends and confirms the verification email, and asks for a recovery link', async () => {
    expect(
      await sent(() => account.createVerification({ url: 'https://x/#/verify' })),
    ).toMatchObject({
      method: 'post',
      path: '/v1/account/verifications/email',
      payload: { url: 'https://x/#/verify' },
    });
    expect(
      await sent(() => account.updateVerification({ userId: 'u1', secret: 's' })),
    ).toMatchObject({
      method: 'put',
      path: '/v1/account/verifications/email',
      payload: { userId: 'u1', secret: 's' },
    });
    expect(
      await sent(() => account.createRecovery({ email: 'a@b.c', url: 'https://x/#/recover' })),
    ).toMatchObject({
      method: 'post',
      path: '/v1/account/recovery',
      payload: { email: 'a@b.c', url: 'https://x/#/recover' },
    });
  });
});

describe('tables: the two TablesDB reads, over client.call', () => {
  it('lists rows with queries and reads one row', async () => {
    expect(
      await sent(() =>
        tables.listRows({ databaseId: 'agora', tableId: 'posts', queries: ['q1'], total: false }),
      ),
    ).toEqual({
      method: 'get',
      path: '/v1/tablesdb/agora/tables/posts/rows',
      headers: { 'X-Appwrite-Project': 'agora', accept: 'application/json' },
      payload: { queries: ['q1'], total: false },
    });
    expect(
      await sent(() => tables.getRow({ databaseId: 'agora', tableId: 'stats', rowId: 'a b' })),
    ).toMatchObject({
      method: 'get',
      path: '/v1/tablesdb/agora/tables/stats/rows/a%20b',
      payload: {},
    });
  });
});

describe('functions: an execution, over client.call', () => {
  it('posts the body, method, path and headers of the request', async () => {
    expect(
      await sent(() =>
        functions.createExecution({
          functionId: 'posts',
          body: '{}',
          async: false,
          xpath: '/posts?x=1',
          method: ExecutionMethod.POST,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    ).toMatchObject({
      method: 'post',
      path: '/v1/functions/posts/executions',
      payload: {
        body: '{}',
        async: false,
        path: '/posts?x=1',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
    });
  });
});

describe('storage: the same requests and URLs as the SDK Storage', () => {
  const sdk = new Storage(client);

  it('builds the preview and download URLs the SDK builds', () => {
    const preview = { bucketId: 'avatars', fileId: 'f1', width: 80, height: 80 };
    expect(storage.getFilePreview(preview)).toBe(sdk.getFilePreview(preview));
    const download = { bucketId: 'exports', fileId: 'f2', token: 'tok' };
    expect(storage.getFileDownload(download)).toBe(sdk.getFileDownload(download));
  });

  it('uploads and deletes as the SDK does', async () => {
    const upload = vi.spyOn(client, 'chunkedUpload').mockResolvedValue({});
    const file = new File(['x'], 'a.png', { type: 'image/png' });
    const args = { bucketId: 'avatars', fileId: 'f1', file, permissions: ['read("any")'] };
    const onProgress = () => undefined;
    await storage.createFile({ ...args, onProgress });
    await sdk.createFile({ ...args, onProgress });
    const [ours, theirs] = upload.mock.calls;
    expect(String(ours?.[1])).toBe(String(theirs?.[1]));
    expect(ours?.slice(2)).toEqual(theirs?.slice(2));
    upload.mockRestore();

    const deleteArgs = { bucketId: 'avatars', fileId: 'f1' };
    expect(await sent(() => storage.deleteFile(deleteArgs))).toMatchObject(
      await sent(() => sdk.deleteFile(deleteArgs)),
    );
  });
});
