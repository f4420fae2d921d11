import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  completeVerification,
  requestRecovery,
  sendVerification,
} from '../../../client/src/lib/accounts.ts';
import { listFeed } from '../../../client/src/lib/api/posts.ts';
import { endpoint, storage } from '../../../client/src/lib/appwrite.ts';
import { callFunction } from '../../../client/src/lib/call-function.ts';
import { session } from '../../../client/src/lib/session.svelte.ts';
import { AvatarUpload } from '../../../client/src/lib/settings-avatar-upload.svelte.ts';
import { FunctionId, Route } from '../../../shared/functions.ts';
import { feedQueries } from '../../../shared/queries.ts';

/**
 * What the app's calls put on the wire: `fetch` is intercepted under the SDK's own service classes
 * (lib/appwrite.ts), so each test pins the method, path, query or body and headers Appwrite expects —
 * SDK 28.0.0's: response format 2.3.0 — and how the answer (or its failure) comes back to the app.
 */
interface Sent {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

let sent: Sent[] = [];
/** Answers, in order, for the next requests (then `{}` with 200). */
let answers: (Response | Error)[] = [];

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const noContent = () => new Response(null, { status: 204 });

beforeEach(() => {
  sent = [];
  answers = [];
  vi.stubGlobal('fetch', async (uri: string, init: RequestInit) => {
    const url = new URL(uri);
    const body = init.body;
    sent.push({
      method: init.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof body === 'string' ? JSON.parse(body) : body,
    });
    const answer = answers.shift() ?? json({});
    if (answer instanceof Error) throw answer;
    return answer;
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  session.forget();
});

const user = { $id: 'u1', name: 'Ada', labels: [], emailVerification: true };

describe('every request', () => {
  it('names the project and asks for the response format of SDK 28 (Appwrite 2.3.0)', async () => {
    await sendVerification();
    expect(sent[0]?.headers).toMatchObject({
      'X-Appwrite-Project': 'agora',
      'X-Appwrite-Response-Format': '2.3.0',
      'x-sdk-version': '28.0.0',
      'content-type': 'application/json',
    });
    expect(new URL(endpoint).pathname).toBe('/v1');
  });
});

describe('account', () => {
  it('signs in: the email session, then the account and its profile row', async () => {
    answers = [json({ $id: 's1' }, 201), json(user), json({ $id: 'u1', name: 'Ada' })];
    await session.signIn('ada@example.com', 'pw');
    expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /v1/account/sessions/email',
      'GET /v1/account',
      'GET /v1/tablesdb/agora/tables/profiles/rows/u1',
    ]);
    expect(sent[0]?.body).toEqual({ email: 'ada@example.com', password: 'pw' });
    expect(session.user?.$id).toBe('u1');
  });

  it('a stale session cookie: deletes the current session and signs in once more', async () => {
    answers = [
      json({ message: 'exists', code: 401, type: 'user_session_already_exists' }, 401),
      noContent(),
      json({ $id: 's2' }, 201),
      json(user),
    ];
    await session.signIn('ada@example.com', 'pw');
    expect(sent.slice(0, 3).map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /v1/account/sessions/email',
      'DELETE /v1/account/sessions/current',
      'POST /v1/account/sessions/email',
    ]);
  });

  it('sends and confirms the verification email, and asks for a recovery link', async () => {
    await sendVerification();
    answers = [
      json({}),
      json({ message: 'No session', code: 401, type: 'user_unauthorized' }, 401),
    ];
    await completeVerification('u1', 's');
    await requestRecovery('ada@example.com');
    expect(sent.map(({ method, path, body }) => [method, path, body])).toEqual([
      ['POST', '/v1/account/verifications/email', { url: `${location.origin}/#/verify` }],
      ['PUT', '/v1/account/verifications/email', { userId: 'u1', secret: 's' }],
      ['GET', '/v1/account', undefined],
      [
        'POST',
        '/v1/account/recovery',
        { email: 'ada@example.com', url: `${location.origin}/#/recover` },
      ],
    ]);
  });

  it('after confirming, reads the account again even before the first read answered', async () => {
    // The mailed link opens a fresh page: the session is not known yet when the PUT answers.
    answers = [json({}), json({ ...user, emailVerification: true })];
    await completeVerification('u1', 's');
    expect(sent[1]).toMatchObject({ method: 'GET', path: '/v1/account' });
    expect(session.user?.emailVerification).toBe(true);
  });

  it("turns Appwrite's error into ApiError", async () => {
    answers = [
      json({ message: 'Invalid credentials', code: 401, type: 'user_invalid_credentials' }, 401),
    ];
    await expect(session.signIn('ada@example.com', 'wrong')).rejects.toMatchObject({
      name: 'ApiError',
      type: 'user_invalid_credentials',
      status: 401,
    });
  });
});

describe('tables', () => {
  it('lists the feed with its queries in the query string, retrying when no answer came', async () => {
    answers = [new TypeError('fetch failed'), json({ total: 0, rows: [] })];
    await expect(listFeed()).resolves.toEqual({ posts: [], more: false });
    expect(sent).toHaveLength(2);
    const [, second] = sent;
    expect(second?.method).toBe('GET');
    expect(second?.path).toBe('/v1/tablesdb/agora/tables/posts/rows');
    const queries = feedQueries();
    expect(second?.query).toEqual({
      ...Object.fromEntries(queries.map((query, i) => [`queries[${i}]`, query])),
      total: 'false',
    });
  });
});

describe('functions', () => {
  it('runs a route as a synchronous execution and reads its answer', async () => {
    answers = [
      json({ status: 'completed', responseStatusCode: 200, responseBody: '{"liked":true}' }, 201),
    ];
    const answer = await callFunction(FunctionId.posts, Route.posts.like, { postId: 'p1' });
    expect(answer).toEqual({ liked: true });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      path: '/v1/functions/posts/executions',
      body: {
        body: '',
        async: false,
        path: '/posts/p1/like',
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
      },
    });
  });
});

describe('storage', () => {
  it('builds preview and download URLs with the project in the query', () => {
    const preview = new URL(
      storage.getFilePreview({ bucketId: 'avatars', fileId: 'f 1', width: 80, height: 80 }),
    );
    expect(preview.pathname).toBe('/v1/storage/buckets/avatars/files/f%201/preview');
    expect(Object.fromEntries(preview.searchParams)).toMatchObject({
      width: '80',
      height: '80',
      project: 'agora',
    });
    const download = new URL(
      storage.getFileDownload({ bucketId: 'exports', fileId: 'f2', token: 'tok' }),
    );
    expect(download.pathname).toBe('/v1/storage/buckets/exports/files/f2/download');
    expect(Object.fromEntries(download.searchParams)).toMatchObject({
      token: 'tok',
      project: 'agora',
    });
  });

  it('uploads an avatar as multipart form data; deletes it again when linking fails', async () => {
    answers = [
      json({ $id: 'f1', chunksTotal: 1, chunksUploaded: 1 }, 201),
      json({ status: 'completed', responseStatusCode: 400, responseBody: '{"type":"x"}' }, 201),
      noContent(),
    ];
    const upload = new AvatarUpload('u1');
    URL.createObjectURL = () => 'blob:x';
    URL.revokeObjectURL = () => undefined;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await upload.choose(new File([png], 'a.png', { type: 'image/png' }));
    await expect(upload.upload()).rejects.toMatchObject({ type: 'x', status: 400 });
    expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /v1/storage/buckets/avatars/files',
      'POST /v1/functions/profiles/executions',
      'DELETE /v1/storage/buckets/avatars/files/f1',
    ]);
    const form = sent[0]?.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect(sent[0]?.headers['content-type']).toBeUndefined();
    expect(typeof form.get('fileId')).toBe('string');
    expect((form.get('file') as File).name).toBe('a.png');
    expect(form.getAll('permissions[]')).toEqual([
      'read("any")',
      'update("user:u1")',
      'delete("user:u1")',
    ]);
  });
});
