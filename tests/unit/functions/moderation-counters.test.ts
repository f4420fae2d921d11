import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { likeWrite } from '../../../functions/_lib/post-writes.ts';
import { onUserDeleted } from '../../../functions/on-user-deleted/src/on-user-deleted-handlers.ts';
import { Route, routeRequest } from '../../../shared/functions.ts';
import { execute } from './fake-runtime.ts';
import { FakeModerationRepo } from './moderation-fake-repo.ts';
import { moderationHandler } from './moderation-scenarios.ts';
import { CountingLimiter, postsHandler } from './posts-scenarios.ts';

/**
 * Counters stay exact through any mix of posting, liking, commenting, deleting, hiding and showing
 * again: after every sequence fast-check draws, each counter equals a recount of the rows others can
 * read (functions/_lib/moderation-writes.ts) —
 * - `stats.posts`, a profile's `postsCount`: posts not hidden;
 * - `stats.comments`, a profile's `commentsCount`, a post's `commentsCount`: comments not hidden;
 * - `stats.likes`, a profile's `likesReceived`, a post's `likesCount`: likes (a hidden post's too:
 *   they are rows of their own).
 * `posts`, `moderation` and, at the end of some sequences, `on-user-deleted` (a member's account
 * deleted with all they made) run in-process over one `FakeModerationRepo`.
 */

const PEOPLE = ['ann', 'bob', 'cy'] as const;
const ADMIN = 'boss';

type Step =
  | {
      kind: 'post' | 'like' | 'unlike' | 'comment' | 'deletePost' | 'hidePost' | 'restorePost';
      who: number;
      at: number;
    }
  | { kind: 'deleteComment' | 'hideComment' | 'restoreComment'; who: number; at: number };

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(
    'post',
    'post',
    'like',
    'like',
    'unlike',
    'comment',
    'comment',
    'deletePost',
    'hidePost',
    'hidePost',
    'restorePost',
    'deleteComment',
    'hideComment',
    'restoreComment',
  ),
  who: fc.nat(PEOPLE.length - 1),
  at: fc.nat(3),
});

function recount(repo: FakeModerationRepo) {
  const posts = [...repo.posts.values()];
  const comments = [...repo.comments.values()];
  const likes = [...repo.likes.values()];
  const stats = {
    posts: posts.filter((p) => !p.hidden).length,
    comments: comments.filter((c) => !c.hidden).length,
    likes: likes.length,
  };
  const profiles = Object.fromEntries(
    [...PEOPLE, ADMIN]
      .filter((id) => repo.profiles.has(id))
      .map((id) => [
        id,
        {
          postsCount: posts.filter((p) => p.authorId === id && !p.hidden).length,
          commentsCount: comments.filter((c) => c.authorId === id && !c.hidden).length,
          likesReceived: likes.filter((l) => repo.posts.get(l.postId)?.authorId === id).length,
        },
      ]),
  );
  const perPost = Object.fromEntries(
    posts.map((p) => [
      p.$id,
      {
        likesCount: likes.filter((l) => l.postId === p.$id).length,
        commentsCount: comments.filter((c) => c.postId === p.$id && !c.hidden).length,
      },
    ]),
  );
  return { stats, profiles, perPost };
}

function stored(repo: FakeModerationRepo) {
  const { users: _users, ...stats } = repo.stats ?? { users: 0, posts: 0, comments: 0, likes: 0 };
  return {
    stats,
    profiles: Object.fromEntries(
      [...PEOPLE, ADMIN]
        .filter((id) => repo.profiles.has(id))
        .map((id) => [id, { ...repo.profiles.get(id) }]),
    ),
    perPost: Object.fromEntries(
      [...repo.posts.values()].map((p) => [
        p.$id,
        { likesCount: p.likesCount, commentsCount: p.commentsCount },
      ]),
    ),
  };
}

test('every counter equals a recount after any sequence of writes, hides and restores', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
      fc.option(fc.nat(PEOPLE.length - 1), { nil: undefined }),
      async (steps, deleted) => {
        const repo = new FakeModerationRepo(new Set([ADMIN]));
        for (const id of [...PEOPLE, ADMIN]) repo.addProfile(id);
        repo.stats = { users: 4, posts: 0, comments: 0, likes: 0 };
        const limiter = new CountingLimiter();
        const posts = postsHandler(repo, limiter);
        const moderation = moderationHandler(repo, limiter);
        const run = async (
          handler: typeof posts,
          who: string,
          route: Parameters<typeof routeRequest>[0],
          params: Record<string, string>,
          body?: unknown,
        ) => {
          const result = await execute(handler, {
            ...routeRequest(route, params),
            body: body === undefined ? '' : JSON.stringify(body),
            headers: { 'x-appwrite-user-id': who, 'content-type': 'application/json' },
          });
          expect(result.statusCode, result.text).toBeLessThan(500);
          return result;
        };
        const hide = async (targetType: 'post' | 'comment', targetId: string, authorId: string) => {
          const reporter = PEOPLE.find((p) => p !== authorId) ?? ADMIN;
          const report = await run(
            moderation,
            reporter,
            Route.moderation.report,
            {},
            {
              targetType,
              targetId,
              reason: 'Not welcome here',
            },
          );
          if (report.statusCode >= 400) return;
          const { $id } = report.json() as { $id: string };
          await run(
            moderation,
            ADMIN,
            Route.moderation.resolve,
            { reportId: $id },
            { action: 'hide' },
          );
        };
        for (const { kind, who: index, at } of steps) {
          const who = PEOPLE[index] ?? 'ann';
          const postIds = [...repo.posts.keys()];
          const commentIds = [...repo.comments.keys()];
          const postId = postIds[at % Math.max(postIds.length, 1)];
          const commentId = commentIds[at % Math.max(commentIds.length, 1)];
          const post = postId === undefined ? undefined : repo.posts.get(postId);
          const comment = commentId === undefined ? undefined : repo.comments.get(commentId);
          if (kind === 'post') {
            await run(posts, who, Route.posts.create, {}, { title: 'T', body: 'B' });
          } else if (post && postId) {
            if (kind === 'like') await run(posts, who, Route.posts.like, { postId });
            if (kind === 'unlike') await run(posts, who, Route.posts.unlike, { postId });
            if (kind === 'comment')
              await run(posts, who, Route.posts.comment, { postId }, { body: 'C' });
            if (kind === 'deletePost') await run(posts, ADMIN, Route.posts.remove, { postId });
            if (kind === 'hidePost') await hide('post', postId, post.authorId);
            if (kind === 'restorePost')
              await run(moderation, ADMIN, Route.moderation.restorePost, { postId });
          }
          if (comment && commentId) {
            if (kind === 'deleteComment') {
              await run(posts, comment.authorId, Route.posts.removeComment, { commentId });
            }
            if (kind === 'hideComment') await hide('comment', commentId, comment.authorId);
            if (kind === 'restoreComment') {
              await run(moderation, ADMIN, Route.moderation.restoreComment, { commentId });
            }
          }
        }
        if (deleted !== undefined) {
          // Their account is deleted: everything they made goes, counters following.
          const gone = PEOPLE[deleted] ?? 'ann';
          const result = await execute(
            createHandler({ 'POST /': onUserDeleted({ repoFor: () => repo }) }),
            {
              method: 'POST',
              path: '/',
              body: JSON.stringify({ $id: gone, name: gone, email: `${gone}@example.com` }),
              headers: {
                'content-type': 'application/json',
                'x-appwrite-trigger': 'event',
                'x-appwrite-event': `users.${gone}.delete`,
              },
            },
          );
          expect(result.statusCode, result.text).toBe(200);
        }
        expect(stored(repo)).toEqual(recount(repo));
      },
    ),
    { numRuns: 500 },
  );
}, 60_000);

test('a like that commits between the hide’s read and its transaction leaves every counter exact', async () => {
  const repo = new FakeModerationRepo(new Set([ADMIN]));
  for (const id of [...PEOPLE, ADMIN]) repo.addProfile(id);
  repo.stats = { users: 4, posts: 0, comments: 0, likes: 0 };
  const limiter = new CountingLimiter();
  const posts = postsHandler(repo, limiter);
  const moderation = moderationHandler(repo, limiter);
  const as = (who: string) => ({ 'x-appwrite-user-id': who, 'content-type': 'application/json' });
  const created = await execute(posts, {
    ...routeRequest(Route.posts.create, {}),
    body: JSON.stringify({ title: 'T', body: 'B' }),
    headers: as('ann'),
  });
  const postId = (created.json() as { $id: string }).$id;
  const reported = await execute(moderation, {
    ...routeRequest(Route.moderation.report, {}),
    body: JSON.stringify({ targetType: 'post', targetId: postId, reason: 'Spam' }),
    headers: as('bob'),
  });
  const reportId = (reported.json() as { $id: string }).$id;
  // Bob's like lands after the hide read the post and before its transaction.
  const atomically = repo.atomically.bind(repo);
  let raced = false;
  repo.atomically = async (write) => {
    if (!raced && write.rows.some((row) => row.action === 'update' && row.table === 'posts')) {
      raced = true;
      await atomically(likeWrite({ $id: postId, authorId: 'ann' }, 'bob'));
    }
    return atomically(write);
  };
  const hidden = await execute(moderation, {
    ...routeRequest(Route.moderation.resolve, { reportId }),
    body: JSON.stringify({ action: 'hide' }),
    headers: as(ADMIN),
  });
  expect(hidden.statusCode, hidden.text).toBe(200);
  expect(raced).toBe(true);
  expect(stored(repo)).toEqual(recount(repo));
});
