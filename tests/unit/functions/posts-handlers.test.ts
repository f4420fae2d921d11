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
        }),
        { numRuns: 300 },
      );
    },
  );
});
