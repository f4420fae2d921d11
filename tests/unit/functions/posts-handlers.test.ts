import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AppError } from '../../../functions/_lib/app-error.ts';
import type { RateLimiter } from '../../../functions/_lib/rate-limit.ts';
import { Route, type RouteKey, routeRequest } from '../../../shared/functions.ts';
import { requestOf, runScenario } from '../../support/scenarios.ts';
import { execute } from './fake-runtime.ts';
import {
  anyCall,
  BODY_KEYS,
  callParams,
  checkAnyAnswer,
  FAKE_IDS,
  type FakePostsWorld,
  fakePostsWorld,
  inProcessTarget,
  POSTS_SCENARIOS,
  postsHandler,
} from './posts-scenarios.ts';

/**
 * The `posts` scenario table (posts-scenarios.ts) in-process: the fake runtime, `FakePostsRepo` and a
 * counting limiter. The same table runs end to end in tests/contract/functions-posts-scenarios.test.ts.
 */
describe('posts routes in-process', () => {
  test.each(POSTS_SCENARIOS)('$name', (scenario) => runScenario(inProcessTarget, scenario));

  test('a failing repository → 500 with the generic message; the detail only in the log', async () => {
    const w = await fakePostsWorld();
    w.repo.getPost = async () => {
      throw new Error('db password=hunter2 at 10.0.0.5');
    };
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(Route.posts.like, { postId: w.params.postId }),
      headers: { 'x-appwrite-user-id': FAKE_IDS.other },
    });
    expect(result.statusCode).toBe(500);
    expect(result.json()).toMatchObject({ type: 'general_server_error' });
    expect(result.text).not.toContain('hunter2');
    expect(result.errors.join('\n')).toContain('hunter2');
  });

  test('deleting a post with more comments and likes than a page removes them all', async () => {
    const w = await fakePostsWorld();
    for (let i = 0; i < 230; i++) {
      await w.repo.createComment({
        postId: w.params.postId,
        authorId: FAKE_IDS.other,
        body: `c${i}`,
      });
      await w.repo.createLike(w.params.postId, `liker-${i}`);
    }
    w.repo.stats = { users: 4, posts: 1, comments: 231, likes: 231 };
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(Route.posts.remove, { postId: w.params.postId }),
      headers: { 'x-appwrite-user-id': FAKE_IDS.owner },
    });
    expect(result.statusCode).toBe(204);
    expect(w.repo.comments.size).toBe(0);
    expect(w.repo.likes.size).toBe(0);
    expect(w.repo.stats).toEqual({ users: 4, posts: 0, comments: 0, likes: 0 });
  });
});

describe('like and unlike are one write with their counters', () => {
  // Another call (a double click, a second tab) made or removed this user's like a moment before:
  // its row and counters moved together, this call's own write is refused whole (a 409 or a 404),
  // and its answer is the count as stored after it.
  test.each([
    { route: Route.posts.like, as: FAKE_IDS.user, liked: true, likesCount: 2 },
    { route: Route.posts.unlike, as: FAKE_IDS.other, liked: false, likesCount: 0 },
  ])('$route after another call did the same', async ({ route, as, liked, likesCount }) => {
    const w = await fakePostsWorld();
    const own = w.repo.atomically.bind(w.repo);
    w.repo.atomically = async (write) => {
      expect(await own(write)).toEqual({ status: 'done' });
      return own(write);
    };
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(route, { postId: w.params.postId }),
      headers: { 'x-appwrite-user-id': as },
    });
    expect(result.statusCode, result.text).toBe(200);
    expect(result.json()).toEqual({ postId: w.params.postId, liked, likesCount });
    expect(w.repo.posts.get(w.params.postId)?.likesCount).toBe(likesCount);
    expect(w.repo.stats?.likes).toBe(likesCount);
  });

  test.each([Route.posts.like, Route.posts.comment])(
    '%s on a post deleted after it was read → 404, nothing written',
    async (route) => {
      const w = await fakePostsWorld();
      const before = await inProcessTarget.state(w);
      // The post is read, then deleted (with its content) before this call writes.
      const post = w.repo.posts.get(w.params.postId);
      w.repo.getPost = async () => (post ? structuredClone(post) : null);
      w.repo.posts.delete(w.params.postId);
      const body = route === Route.posts.comment ? '{"body":"Hi"}' : undefined;
      const result = await execute(postsHandler(w.repo, w.limiter), {
        ...routeRequest(route, { postId: w.params.postId }),
        headers: { 'x-appwrite-user-id': FAKE_IDS.user, 'content-type': 'application/json' },
        ...(body ? { body } : {}),
      });
      expect(result.statusCode, result.text).toBe(404);
      const after = await inProcessTarget.state(w);
      expect(after.likes).toBe(before.likes);
      expect(after.comments).toBe(before.comments);
      expect(after['stats.likes']).toBe(before['stats.likes']);
      expect(after['stats.comments']).toBe(before['stats.comments']);
      expect(after['profile.user.commentsCount']).toBe(before['profile.user.commentsCount']);
    },
  );
});

describe('rate limits in the posts routes', () => {
  const limited: [RouteKey, string, string | undefined][] = [
    [Route.posts.create, 'post', '{"title":"T","body":"B"}'],
    [Route.posts.comment, 'comment', '{"body":"Hi"}'],
    [Route.posts.like, 'like', undefined],
    [Route.posts.unlike, 'like', undefined],
  ];

  test.each(limited)('%s counts as %s for the caller', async (route, action, body) => {
    const w = await fakePostsWorld();
    await inProcessTarget.execute(
      w,
      'other',
      requestOf({ name: '', as: 'other', route, body, status: 0 }, w),
    );
    expect(w.limiter.hits).toEqual([`${action} ${FAKE_IDS.other}`]);
  });

  test.each(limited)(
    '%s over the limit → 429 with retry-after, nothing written',
    async (route, _action, body) => {
      const w = await fakePostsWorld();
      const refusing: RateLimiter = {
        consume: async () => {
          throw new AppError(
            'general_rate_limit_exceeded',
            'Too many. Try again in 12 seconds.',
            undefined,
            {
              retryAfterSeconds: 12,
            },
          );
        },
      };
      const request = requestOf({ name: '', as: 'other', route, body, status: 0 }, w);
      const result = await execute(postsHandler(w.repo, refusing), {
        ...request,
        headers: { 'x-appwrite-user-id': FAKE_IDS.other, 'content-type': 'application/json' },
      });
      expect(result.statusCode).toBe(429);
      expect(w.repo.openTransactions).toBe(0);
      expect(result.headers['retry-after']).toBe('12');
      expect(result.json()).toMatchObject({ code: 429, type: 'general_rate_limit_exceeded' });
      expect(w.repo.writes).toEqual([]);
    },
  );

  test('edits and deletes are not limited', async () => {
    const w = await fakePostsWorld();
    for (const route of [Route.posts.update, Route.posts.removeComment, Route.posts.remove]) {
      const body = route === Route.posts.update ? { title: 'New' } : undefined;
      const answer = await inProcessTarget.execute(
        w,
        'owner',
        requestOf({ name: '', as: 'owner', route, body, status: 0 }, w),
      );
      expect(answer.status, answer.text).toBeLessThan(300);
    }
    expect(w.limiter.hits).toEqual([]);
  });
});

describe('any input to any posts route (fast-check)', () => {
  test.each(Object.keys(BODY_KEYS) as RouteKey[])(
    '%s: no 5xx; a refusal writes nothing and counts nothing; fields names the bad field',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(anyCall(route), async (call) => {
          const w = await fakePostsWorld();
          const before = await inProcessTarget.state(w);
          const request = requestOf(
            {
              name: '',
              as: call.as,
              route,
              params: callParams(call, w),
              body: call.body,
              status: 0,
            },
            w,
          );
          const answer = await inProcessTarget.execute(w, call.as, request);
          checkAnyAnswer(call, answer, before, await inProcessTarget.state(w));
          if (answer.status >= 400) expect(w.repo.writes).toEqual([]);
          if (answer.status === 400 || answer.status === 401) expect(w.limiter.hits).toEqual([]);
          // Written or refused, no transaction is left open.
          expect(w.repo.openTransactions).toBe(0);
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe('notifications the posts routes write', () => {
  async function call(w: FakePostsWorld, as: string, route: RouteKey, body?: string) {
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(route, w.params),
      headers: { 'x-appwrite-user-id': as, 'content-type': 'application/json' },
      ...(body ? { body } : {}),
    });
    expect(result.statusCode, result.text).toBeLessThan(300);
    return result;
  }
  const mine = (w: FakePostsWorld, recipientId: string) =>
    [...w.repo.notifications.values()].filter((n) => n.recipientId === recipientId);

  test('twenty likes by twenty people leave one like notification, naming the latest', async () => {
    const w = await fakePostsWorld();
    for (let i = 0; i < 20; i++) await call(w, `liker-${i}`, Route.posts.like);
    const likes = mine(w, FAKE_IDS.owner).filter((n) => n.kind === 'like');
    expect(likes).toHaveLength(1);
    expect(likes[0]).toMatchObject({ actorId: 'liker-19', read: false, excerpt: 'Hello' });
  });

  test('a comment tells earlier commenters (a reply), not the post author twice nor the writer', async () => {
    const w = await fakePostsWorld();
    await call(w, FAKE_IDS.user, Route.posts.comment, '{"body":"First reply"}');
    await call(w, FAKE_IDS.admin, Route.posts.comment, '{"body":"Second"}');
    await call(w, FAKE_IDS.user, Route.posts.comment, '{"body":"Third"}');
    const kinds = (id: string) => mine(w, id).map((n) => `${n.kind}:${n.actorId}`);
    // The owner (post author): one `comment` per comment by someone else, never a `reply`.
    expect(
      kinds(FAKE_IDS.owner)
        .filter((k) => !k.startsWith('like'))
        .sort(),
    ).toEqual([
      `comment:${FAKE_IDS.admin}`,
      `comment:${FAKE_IDS.user}`,
      `comment:${FAKE_IDS.user}`,
    ]);
    // `user` commented first: the admin's comment is a reply to them; their own third one is not.
    expect(kinds(FAKE_IDS.user)).toEqual([`reply:${FAKE_IDS.admin}`]);
    // The admin commented second: `user`'s third comment replies to them.
    expect(kinds(FAKE_IDS.admin)).toEqual([`reply:${FAKE_IDS.user}`]);
  });

  test('a comment and its notifications are one write: refused together', async () => {
    const w = await fakePostsWorld();
    w.repo.posts.delete(w.params.postId);
    const before = w.repo.notifications.size;
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(Route.posts.comment, w.params),
      headers: { 'x-appwrite-user-id': FAKE_IDS.user, 'content-type': 'application/json' },
      body: '{"body":"Hi"}',
    });
    expect(result.statusCode).toBe(404);
    expect(w.repo.notifications.size).toBe(before);
  });

  test('a like notification that fails to write is logged; the like stands', async () => {
    const w = await fakePostsWorld();
    w.repo.upsertNotification = async () => {
      throw new Error('notifications down');
    };
    const result = await call(w, FAKE_IDS.user, Route.posts.like);
    expect(result.json()).toMatchObject({ liked: true, likesCount: 2 });
    expect(result.errors.join('\n')).toContain('notifications down');
  });

  test('a new post notifies the members it mentions, right after it is written', async () => {
    const w = await fakePostsWorld();
    await call(
      w,
      FAKE_IDS.user,
      Route.posts.create,
      '{"title":"Ask @h_admin","body":"and @h_other, not me (@h_user)"}',
    );
    const mentions = [...w.repo.notifications.values()].filter((n) => n.kind === 'mention');
    expect(mentions.map((n) => n.recipientId).sort()).toEqual([FAKE_IDS.admin, FAKE_IDS.other]);
    expect(mentions[0]).toMatchObject({
      actorId: FAKE_IDS.user,
      commentId: null,
      excerpt: 'Ask @h_admin',
    });
  });

  test('marking one read twice: the second changes nothing', async () => {
    const w = await fakePostsWorld();
    expect((await call(w, FAKE_IDS.other, Route.posts.readNotification)).json()).toEqual({
      updated: 1,
    });
    expect((await call(w, FAKE_IDS.other, Route.posts.readNotification)).json()).toEqual({
      updated: 0,
    });
  });
});

describe('round trips of a like and a post', () => {
  /**
   * Wraps repository reads and writes so each logs when it starts and when it answers, one
   * macrotask later (as a call over HTTP would): which calls were in flight together.
   */
  function traced(w: FakePostsWorld, methods: readonly (keyof FakePostsWorld['repo'])[]) {
    const log: string[] = [];
    const repo = w.repo as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of methods as string[]) {
      const original = repo[name]?.bind(w.repo);
      if (!original) throw new Error(`no ${name}`);
      repo[name] = async (...args: unknown[]) => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        try {
          return await original(...args);
        } finally {
          log.push(`end ${name}`);
        }
      };
    }
    return log;
  }

  test('the post is read while the member check is in flight; the notification is written while the count is read', async () => {
    const w = await fakePostsWorld();
    const log = traced(w, ['getMember', 'getPost', 'upsertNotification']);
    const prepare = w.repo.prepareAtomic.bind(w.repo);
    let opened = -1;
    w.repo.prepareAtomic = () => {
      opened = log.length;
      return prepare();
    };
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(Route.posts.like, { postId: w.params.postId }),
      headers: { 'x-appwrite-user-id': FAKE_IDS.user },
    });
    expect(result.statusCode, result.text).toBe(200);
    expect(result.json()).toMatchObject({ liked: true, likesCount: 2 });
    expect(log.slice(0, 2).sort()).toEqual(['start getMember', 'start getPost']);
    // The like's transaction was opened before either read started, not after they answered.
    expect(opened).toBe(0);
    expect(w.repo.openTransactions).toBe(0);
    const afterCommit = log.slice(4);
    expect(afterCommit.slice(0, 2).sort()).toEqual(['start getPost', 'start upsertNotification']);
    // Both done before the answer: the notification exists when the like returns.
    expect(afterCommit.slice(2).sort()).toEqual(['end getPost', 'end upsertNotification']);
  });

  test('a new post: its mentions are looked up while it is written; their notifications are written at once', async () => {
    const w = await fakePostsWorld();
    const log = traced(w, ['createPost', 'userIdsByHandles', 'upsertNotification']);
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...routeRequest(Route.posts.create, {}),
      headers: { 'x-appwrite-user-id': FAKE_IDS.user, 'content-type': 'application/json' },
      body: '{"title":"Ask @h_admin","body":"and @h_other"}',
    });
    expect(result.statusCode, result.text).toBe(201);
    expect(log.slice(0, 2).sort()).toEqual(['start createPost', 'start userIdsByHandles']);
    const writes = log.slice(log.indexOf('start upsertNotification'));
    expect(writes.slice(0, 2)).toEqual(['start upsertNotification', 'start upsertNotification']);
    expect(writes).toHaveLength(4);
  });

  test.each([Route.posts.like, Route.posts.unlike, Route.posts.comment])(
    '%s: a caller refused by the member check gets the 401 even when the early post read fails',
    async (route) => {
      const w = await fakePostsWorld();
      w.repo.getPost = async () => {
        throw new Error('the post read failed');
      };
      const result = await execute(postsHandler(w.repo, w.limiter), {
        ...routeRequest(route, { postId: w.params.postId }),
        headers: { 'x-appwrite-user-id': FAKE_IDS.unvetted, 'content-type': 'application/json' },
        ...(route === Route.posts.comment ? { body: '{"body":"Hi"}' } : {}),
      });
      expect(result.statusCode).toBe(401);
      expect(w.limiter.hits).toEqual([]);
      // The transaction opened for the write that never came is released.
      expect(w.repo.openTransactions).toBe(0);
      // The refused read is not left unhandled (vitest fails the run on one): let it settle here.
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  );
});
