import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { CASCADE_PAGE, removePostWithContent } from '../../../functions/_lib/post-cascade.ts';
import { onUserDeleted } from '../../../functions/on-user-deleted/src/on-user-deleted-handlers.ts';
import { execute } from './fake-runtime.ts';
import {
  FakeOnUserDeletedRepo,
  recount,
  settleCounters,
  storedCounters,
} from './on-user-deleted-fake-repo.ts';

/**
 * `on-user-deleted` in-process: a deleted user's posts (with their comments and likes), comments,
 * likes, profile and avatar go; every counter ends where a recount from the rows says; a replay moves
 * nothing; a user who still exists, a non-event trigger or a body that is not a user changes nothing.
 */

const GONE = 'gone-1';
const B = 'bob-1';
const C = 'cleo-1';

function handlerFor(repo: FakeOnUserDeletedRepo) {
  return createHandler({ 'POST /': onUserDeleted({ repoFor: () => repo }) });
}

async function fire(
  repo: FakeOnUserDeletedRepo,
  body: string = JSON.stringify({ $id: GONE, name: 'Gone', email: 'g@example.com' }),
  trigger = 'event',
) {
  const result = await execute(handlerFor(repo), {
    method: 'POST',
    path: '/',
    body,
    headers: {
      'content-type': 'application/json',
      'x-appwrite-trigger': trigger,
      'x-appwrite-event': `users.${GONE}.delete`,
    },
  });
  return { ...result, body: (result.text === '' ? {} : result.json()) as Record<string, unknown> };
}

async function post(repo: FakeOnUserDeletedRepo, authorId: string) {
  const row = await repo.createPost({
    authorId,
    title: 'T',
    body: 'B',
    tags: [],
    likesCount: 0,
    commentsCount: 0,
  });
  return row.$id;
}

/**
 * GONE wrote two posts (commented on by B and C and by GONE, liked by B, C and GONE), commented on
 * B's post twice and liked B's and C's posts; B and C wrote a post each. GONE has an avatar.
 */
async function world(): Promise<FakeOnUserDeletedRepo> {
  const repo = new FakeOnUserDeletedRepo();
  for (const id of [GONE, B, C]) repo.addProfile(id);
  for (const id of [B, C]) repo.users.add(id);
  repo.addressedTo.push(GONE, B, GONE);
  const [g1, g2, b1, c1] = [
    await post(repo, GONE),
    await post(repo, GONE),
    await post(repo, B),
    await post(repo, C),
  ];
  for (const [postId, authorId] of [
    [g1, B],
    [g1, C],
    [g1, GONE],
    [g2, B],
    [b1, GONE],
    [b1, GONE],
    [b1, C],
    [c1, B],
  ] as const) {
    await repo.createComment({ postId, authorId, body: 'c' });
  }
  for (const [postId, userId] of [
    [g1, B],
    [g1, C],
    [g1, GONE],
    [g2, C],
    [b1, GONE],
    [c1, GONE],
    [c1, B],
  ] as const) {
    await repo.createLike(postId, userId);
  }
  repo.avatars.set(GONE, 'avatar-gone');
  repo.files.add('avatar-gone');
  repo.files.add('avatar-bob');
  repo.avatars.set(B, 'avatar-bob');
  // GONE exported the users twice (one run failed, no file); B once. GONE's id was never consumed.
  repo.jobs.set('job-g1', { requestedBy: GONE, fileId: 'job-g1' });
  repo.exportFiles.set('job-g1', new Set(['token-1', 'token-2']));
  repo.jobs.set('job-g2', { requestedBy: GONE, fileId: null });
  repo.jobs.set('job-b1', { requestedBy: B, fileId: 'job-b1' });
  repo.exportFiles.set('job-b1', new Set(['token-3']));
  repo.registrations.add(GONE);
  settleCounters(repo);
  repo.writes.length = 0;
  return repo;
}

function nothingOf(repo: FakeOnUserDeletedRepo, userId: string) {
  expect([...repo.posts.values()].filter((p) => p.authorId === userId)).toEqual([]);
  expect([...repo.comments.values()].filter((c) => c.authorId === userId)).toEqual([]);
  expect([...repo.likes.values()].filter((l) => l.userId === userId)).toEqual([]);
  expect(repo.profiles.has(userId)).toBe(false);
}

describe('on-user-deleted in-process', () => {
  test('everything of the user goes; every counter ends where a recount says', async () => {
    const repo = await world();
    const before = recount(repo);
    const result = await fire(repo);
    expect(result.statusCode, result.text).toBe(200);
    expect(result.body).toEqual({
      userId: GONE,
      posts: 2,
      comments: 2,
      likes: 2,
      profile: true,
      avatar: true,
      jobs: 2,
      notifications: 2,
    });
    nothingOf(repo, GONE);
    // Their notifications go; B's stays.
    expect(repo.addressedTo).toEqual([B]);
    // Their export jobs, CSV files and download links go; someone else's stay.
    expect([...repo.jobs.keys()]).toEqual(['job-b1']);
    expect([...repo.exportFiles.keys()]).toEqual(['job-b1']);
    expect(repo.writes).toContain('deleteExportFile job-g1 (2 tokens)');
    expect(repo.registrations.has(GONE)).toBe(false);
    // Comments and likes on GONE's posts by others went with the posts.
    expect(repo.comments.size).toBe(2);
    expect(repo.likes.size).toBe(1);
    expect(repo.files).toEqual(new Set(['avatar-bob']));
    expect(storedCounters(repo)).toEqual(recount(repo));
    expect(repo.stats).toEqual({ users: 2, posts: 2, comments: 2, likes: 1 });
    expect(before.stats).toEqual({ users: 3, posts: 4, comments: 8, likes: 7 });
    // B lost the comment on GONE's post from their commentsCount, and GONE's like from likesReceived.
    expect(repo.profiles.get(B)).toEqual({ postsCount: 1, commentsCount: 1, likesReceived: 0 });
    expect(repo.profiles.get(C)).toEqual({ postsCount: 1, commentsCount: 1, likesReceived: 1 });
    expect(result.logs.join('\n')).toContain('2 posts, 2 comments, 2 likes');
  });

  test('a second delivery finds nothing and moves no counter', async () => {
    const repo = await world();
    await fire(repo);
    const after = storedCounters(repo);
    repo.writes.length = 0;
    const again = await fire(repo);
    expect(again.statusCode).toBe(200);
    expect(again.body).toEqual({
      userId: GONE,
      posts: 0,
      comments: 0,
      likes: 0,
      profile: false,
      avatar: false,
      jobs: 0,
      notifications: 0,
    });
    expect(repo.writes).toEqual([]);
    expect(storedCounters(repo)).toEqual(after);
  });

  test('a user who still exists is left alone → 409, nothing written', async () => {
    const repo = await world();
    repo.users.add(GONE);
    const result = await fire(repo);
    expect(result.statusCode).toBe(409);
    expect(result.body.type).toBe('user_already_exists');
    expect(repo.writes).toEqual([]);
  });

  test('a user’s own execution (http with a user id) → 401, nothing written', async () => {
    const repo = await world();
    const result = await execute(handlerFor(repo), {
      method: 'POST',
      path: '/',
      body: JSON.stringify({ $id: GONE }),
      headers: { 'x-appwrite-trigger': 'http', 'x-appwrite-user-id': B },
    });
    expect(result.statusCode).toBe(401);
    expect(result.json()).toMatchObject({ type: 'user_unauthorized' });
    expect(repo.writes).toEqual([]);
  });

  test('a schedule trigger → 401, nothing written', async () => {
    const repo = await world();
    const result = await fire(repo, undefined, 'schedule');
    expect([result.statusCode, result.body.type]).toEqual([401, 'user_unauthorized']);
    expect(repo.writes).toEqual([]);
  });

  test('a key run (http, no user) finishes a cleanup the timeout cut short', async () => {
    const repo = await world();
    // The first run got through the posts only, then was cut off.
    for (const p of await repo.listPostsBy(GONE, 100)) await removePostWithContent(repo, p);
    const result = await fire(repo, undefined, 'http');
    expect(result.statusCode, result.text).toBe(200);
    expect(result.body).toMatchObject({ posts: 0, comments: 2, likes: 2, profile: true });
    nothingOf(repo, GONE);
    expect(storedCounters(repo)).toEqual(recount(repo));
  });

  test('an avatar that cannot be deleted does not stop the rest; the error is logged', async () => {
    const repo = await world();
    repo.failAvatarDeletes = true;
    const result = await fire(repo);
    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({ profile: true, avatar: false });
    expect(repo.stats?.users).toBe(2);
    expect(result.errors.join('\n')).toContain('Could not delete avatar avatar-gone');
  });

  test('a user without a profile (blocked at creation) is not uncounted', async () => {
    const repo = await world();
    repo.profiles.delete(GONE);
    settleCounters(repo);
    const result = await fire(repo);
    expect(result.body).toMatchObject({ profile: false });
    expect(repo.stats?.users).toBe(2);
    expect(storedCounters(repo)).toEqual(recount(repo));
  });

  test(`more rows than a page (${CASCADE_PAGE}): all go, in pages, counters exact`, async () => {
    const repo = new FakeOnUserDeletedRepo();
    for (const id of [GONE, B]) repo.addProfile(id);
    repo.users.add(B);
    const others: string[] = [];
    for (let i = 0; i < 2 * CASCADE_PAGE + 7; i++) others.push(await post(repo, B));
    for (let i = 0; i < CASCADE_PAGE + 3; i++) {
      const mine = await post(repo, GONE);
      await repo.createComment({ postId: mine, authorId: B, body: 'c' });
      await repo.createLike(mine, B);
    }
    for (const postId of others) {
      await repo.createLike(postId, GONE);
      await repo.createComment({ postId, authorId: GONE, body: 'c' });
    }
    settleCounters(repo);
    const result = await fire(repo);
    expect(result.body).toMatchObject({
      posts: CASCADE_PAGE + 3,
      comments: others.length,
      likes: others.length,
    });
    nothingOf(repo, GONE);
    expect(repo.posts.size).toBe(others.length);
    expect(repo.comments.size).toBe(0);
    expect(repo.likes.size).toBe(0);
    expect(storedCounters(repo)).toEqual(recount(repo));
  });
});

describe('fast-check', () => {
  const USERS = [GONE, B, C] as const;
  const action = fc.oneof(
    fc.record({ kind: fc.constant('post' as const), by: fc.constantFrom(...USERS) }),
    fc.record({
      kind: fc.constant('comment' as const),
      by: fc.constantFrom(...USERS),
      on: fc.nat(),
    }),
    fc.record({ kind: fc.constant('like' as const), by: fc.constantFrom(...USERS), on: fc.nat() }),
  );

  test('any board, any user deleted: nothing of theirs remains, counters equal a recount, a replay writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { maxLength: 60 }),
        fc.constantFrom(...USERS),
        async (actions, victim) => {
          const repo = new FakeOnUserDeletedRepo();
          for (const id of USERS) repo.addProfile(id);
          for (const id of USERS) if (id !== victim) repo.users.add(id);
          const postIds: string[] = [];
          for (const a of actions) {
            if (a.kind === 'post') postIds.push(await post(repo, a.by));
            else if (postIds.length > 0) {
              const postId = postIds[a.on % postIds.length] ?? '';
              if (a.kind === 'comment')
                await repo.createComment({ postId, authorId: a.by, body: 'c' });
              else await repo.createLike(postId, a.by);
            }
          }
          settleCounters(repo);
          const result = await fire(repo, JSON.stringify({ $id: victim }));
          expect(result.statusCode, result.text).toBe(200);
          nothingOf(repo, victim);
          expect(storedCounters(repo)).toEqual(recount(repo));
          repo.writes.length = 0;
          await fire(repo, JSON.stringify({ $id: victim }));
          expect(repo.writes).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('any body: no 5xx; anything but a user is refused with nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ $id: v })),
        ),
        async (body) => {
          const repo = await world();
          const result = await fire(repo, body);
          expect(result.statusCode, result.text).toBeLessThan(500);
          if (result.statusCode >= 400) expect(repo.writes).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
