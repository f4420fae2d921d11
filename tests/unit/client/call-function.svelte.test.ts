import { beforeEach, describe, expect, it, vi } from 'vitest';

const sdk = vi.hoisted(() => ({
  createExecution: vi.fn(),
  accountGet: vi.fn(),
}));

vi.mock('../../../client/src/lib/appwrite.ts', () => ({
  endpoint: 'http://localhost/v1',
  client: {},
  functions: { createExecution: sdk.createExecution },
  account: { get: sdk.accountGet },
  tables: {},
  storage: {},
}));

const { callFunction } = await import('../../../client/src/lib/call-function.ts');
const { session } = await import('../../../client/src/lib/session.svelte.ts');
const { toasts } = await import('../../../client/src/lib/toasts.svelte.ts');
const { FunctionId, Route } = await import('../../../shared/functions.ts');
const { AppwriteException } = await import('appwrite');

const execution = (status: number, body: unknown) => ({
  status: status >= 500 ? 'failed' : 'completed',
  responseStatusCode: status,
  responseBody: body === undefined ? '' : JSON.stringify(body),
});

beforeEach(() => {
  vi.clearAllMocks();
  toasts.items = [];
  session.user = { $id: 'me', name: 'Me', labels: [] } as unknown as typeof session.user;
  location.hash = '#/post/p1';
});

describe('callFunction', () => {
  it('sends the route as method + path with a JSON body and returns the parsed answer', async () => {
    sdk.createExecution.mockResolvedValue(
      execution(200, { postId: 'p1', liked: true, likesCount: 3 }),
    );
    const state = await callFunction(FunctionId.posts, Route.posts.like, { postId: 'p1' });
    expect(state).toEqual({ postId: 'p1', liked: true, likesCount: 3 });
    expect(sdk.createExecution).toHaveBeenCalledWith(
      expect.objectContaining({
        functionId: 'posts',
        xpath: '/posts/p1/like',
        method: 'PUT',
        async: false,
      }),
    );
  });

  it('puts a query string on GET routes, leaving out empty values', async () => {
    sdk.createExecution.mockResolvedValue(execution(200, { users: [], nextCursor: null }));
    await callFunction(FunctionId.admin, Route.admin.listUsers, {}, undefined, {
      search: 'ann',
      cursor: undefined,
      limit: '25',
    });
    expect(sdk.createExecution.mock.calls[0]?.[0].xpath).toBe('/users?search=ann&limit=25');
  });

  it('throws the function’s error with type, status and fields', async () => {
    sdk.createExecution.mockResolvedValue(
      execution(400, {
        message: 'One or more fields are invalid.',
        code: 400,
        type: 'general_argument_invalid',
        fields: { title: { code: 'too_small', message: 'Required.' } },
      }),
    );
    await expect(
      callFunction(FunctionId.posts, Route.posts.create, {}, { title: '', body: 'b' }),
    ).rejects.toMatchObject({
      type: 'general_argument_invalid',
      status: 400,
      fields: { title: { code: 'too_small' } },
    });
  });

  it('retries a PUT after a network error, but never a POST', async () => {
    sdk.createExecution
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(execution(200, { ok: true }));
    await expect(
      callFunction(FunctionId.posts, Route.posts.like, { postId: 'p1' }),
    ).resolves.toEqual({
      ok: true,
    });
    expect(sdk.createExecution).toHaveBeenCalledTimes(2);

    sdk.createExecution.mockReset();
    sdk.createExecution.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(
      callFunction(FunctionId.posts, Route.posts.create, {}, { title: 't', body: 'b' }),
    ).rejects.toMatchObject({ type: 'network_error' });
    expect(sdk.createExecution).toHaveBeenCalledTimes(1);
  });

  it('a 401 whose session is gone on the server sends to sign in and back, handled', async () => {
    sdk.createExecution.mockResolvedValue(
      execution(401, { message: 'no', code: 401, type: 'user_unauthorized' }),
    );
    sdk.accountGet.mockRejectedValue(
      new AppwriteException('gone', 401, 'general_unauthorized_scope', ''),
    );
    const error = await callFunction(FunctionId.posts, Route.posts.like, { postId: 'p1' }).catch(
      (caught: unknown) => caught,
    );
    expect(session.user).toBeNull();
    expect(location.hash).toBe(`#/signin?next=${encodeURIComponent('/post/p1')}`);
    expect((error as { handled: boolean }).handled).toBe(true);
    expect(toasts.items.map((toast) => toast.message)).toEqual([
      'Your session has ended. Please sign in again.',
    ]);
  });

  it('a 401 with a live session is a real refusal: the user stays signed in', async () => {
    sdk.createExecution.mockResolvedValue(
      execution(401, { message: 'not yours', code: 401, type: 'user_unauthorized' }),
    );
    sdk.accountGet.mockResolvedValue({ $id: 'me' });
    await expect(
      callFunction(FunctionId.posts, Route.posts.remove, { postId: 'p1' }),
    ).rejects.toMatchObject({ type: 'user_unauthorized', handled: false });
    expect(session.user?.$id).toBe('me');
  });
});
