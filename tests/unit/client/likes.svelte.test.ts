import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({
  like: vi.fn(),
  unlike: vi.fn(),
  likedAmong: vi.fn(),
}));

vi.mock('../../../client/src/lib/api/posts.ts', () => ({
  likePost: calls.like,
  unlikePost: calls.unlike,
}));
vi.mock('../../../client/src/lib/api/likes.ts', () => ({ likedAmong: calls.likedAmong }));

const { Likes } = await import('../../../client/src/lib/likes.svelte.ts');
const { session } = await import('../../../client/src/lib/session.svelte.ts');
const { toasts } = await import('../../../client/src/lib/toasts.svelte.ts');
const { ApiError } = await import('../../../client/src/lib/api-error.ts');

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const post = { $id: 'p1', likesCount: 4 };

beforeEach(() => {
  vi.clearAllMocks();
  toasts.items = [];
  session.user = {
    $id: 'me',
    name: 'Me',
    labels: [],
    emailVerification: true,
  } as unknown as typeof session.user;
});

describe('Likes (optimistic)', () => {
  it('shows the like at once, then takes the server’s count', async () => {
    const answer = deferred<{ postId: string; liked: boolean; likesCount: number }>();
    calls.like.mockReturnValue(answer.promise);
    const settled: [string, number][] = [];
    const likes = new Likes((id, count) => settled.push([id, count]));

    const done = likes.toggle(post);
    expect(likes.view(post)).toEqual({ liked: true, likesCount: 5 });
    expect(likes.busy('p1')).toBe(true);

    answer.resolve({ postId: 'p1', liked: true, likesCount: 7 });
    await done;
    expect(settled).toEqual([['p1', 7]]);
    expect(likes.view({ $id: 'p1', likesCount: 7 })).toEqual({ liked: true, likesCount: 7 });
    expect(likes.busy('p1')).toBe(false);
  });

  it('rolls back and says why when the server refuses', async () => {
    calls.like.mockRejectedValue(new ApiError('general_rate_limit_exceeded', 'slow down', 429));
    const settled: unknown[] = [];
    const likes = new Likes((...args) => settled.push(args));
    await likes.toggle(post);
    expect(likes.view(post)).toEqual({ liked: false, likesCount: 4 });
    expect(settled).toEqual([]);
    expect(toasts.items.map((toast) => [toast.kind, toast.message])).toEqual([
      ['error', 'You’re going a bit fast. Wait a moment and try again.'],
    ]);
  });

  it('unlikes a liked post, and a second click while in flight is ignored', async () => {
    calls.likedAmong.mockResolvedValue(new Set(['p1']));
    const answer = deferred<{ postId: string; liked: boolean; likesCount: number }>();
    calls.unlike.mockReturnValue(answer.promise);
    const likes = new Likes(() => undefined);
    await likes.load(['p1']);
    expect(likes.view(post).liked).toBe(true);

    const first = likes.toggle(post);
    await likes.toggle(post);
    expect(calls.unlike).toHaveBeenCalledTimes(1);
    expect(calls.like).not.toHaveBeenCalled();
    expect(likes.view(post)).toEqual({ liked: false, likesCount: 3 });
    answer.resolve({ postId: 'p1', liked: false, likesCount: 3 });
    await first;
    expect(likes.view({ $id: 'p1', likesCount: 3 }).liked).toBe(false);
  });

  it('a guest is sent to sign in, and nothing is called', async () => {
    session.user = null;
    const likes = new Likes(() => undefined);
    await likes.toggle(post);
    expect(calls.like).not.toHaveBeenCalled();
    expect(location.hash).toContain('#/signin?next=');
  });
});

describe('Likes for a member whose email is not verified', () => {
  it('liking sends nothing and says to verify; unliking still works', async () => {
    session.user = {
      $id: 'me',
      name: 'Me',
      labels: [],
      emailVerification: false,
    } as unknown as typeof session.user;
    const likes = new Likes(() => undefined);
    await likes.toggle(post);
    expect(calls.like).not.toHaveBeenCalled();
    expect(likes.view(post)).toEqual({ liked: false, likesCount: 4 });
    expect(toasts.items.map((toast) => [toast.kind, toast.message])).toEqual([
      [
        'info',
        'Verify your email address to post, comment and like. Settings can send the link again.',
      ],
    ]);

    calls.likedAmong.mockResolvedValue(new Set(['p1']));
    calls.unlike.mockResolvedValue({ postId: 'p1', liked: false, likesCount: 3 });
    await likes.load(['p1']);
    await likes.toggle(post);
    expect(calls.unlike).toHaveBeenCalledTimes(1);
  });
});
