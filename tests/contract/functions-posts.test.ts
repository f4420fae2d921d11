import { type Client, Query, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { likeNotificationId } from '../../functions/_lib/notifications.ts';
import { Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import {
  applyAgoraTables,
  deployPosts,
  executePosts,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `posts` function end to end: built from functions/posts, deployed to the local Appwrite with
 * its appwrite.json settings, executed with real user sessions; rows and counters read back.
 */

/** The sizes: 50 likes by one user, 50 users liking, 20 comment deletes at once. */
const LIKERS = 50;
const PARALLEL_LIKES = 50;
const PARALLEL_COMMENT_DELETES = 20;

let server: LocalServer;
let tables: TablesDB;
let owner: Client;
let other: Client;
let admin: Client;
const likers: Client[] = [];

async function row(tableId: string, rowId: string) {
  return (await tables.getRow({ databaseId: DATABASE_ID, tableId, rowId })) as unknown as Record<
    string,
    unknown
  >;
}

async function rowCount(tableId: string, queries: string[] = []): Promise<number> {
  const list = await tables.listRows({ databaseId: DATABASE_ID, tableId, queries });
  return list.total;
}

async function newPost(as: Client, title = 'Hello'): Promise<string> {
  const answer = await executePosts(as, routeRequest(Route.posts.create), { title, body: 'Body' });
  expect(answer.status, answer.text).toBe(201);
  return String(answer.body?.$id);
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  await deployPosts(keyClient);
  owner = await userWithSession(server, keyClient, 'owner');
  other = await userWithSession(server, keyClient, 'other');
  admin = await userWithSession(server, keyClient, 'admin', { labels: ['admin'] });
  for (let i = 0; i < LIKERS; i++)
    likers.push(await userWithSession(server, keyClient, `liker-${i}`));
}, 120_000);
afterAll(async () => server.close());

describe('posts end to end', () => {
  test('create → 201 with the caller as author; stats and profile count it', async () => {
    const answer = await executePosts(owner, routeRequest(Route.posts.create), {
      title: 'First',
      body: 'Text',
      tags: ['Intro'],
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ authorId: 'owner', title: 'First', tags: ['intro'] });
    const stored = await row(TableId.posts, String(answer.body?.$id));
    expect(stored).toMatchObject({ authorId: 'owner', likesCount: 0, commentsCount: 0 });
    expect((await row(TableId.profiles, 'owner')).postsCount).toBe(1);
    expect((await row(TableId.stats, STATS_ROW_ID)).posts).toBe(1);
  });

  test('malformed JSON → 400 general_bad_request, no stack', async () => {
    const answer = await executePosts(owner, routeRequest(Route.posts.create), '{"title":');
    expect(answer.status).toBe(400);
    expect(answer.body?.type).toBe('general_bad_request');
    expect(answer.text).not.toContain('    at ');
  });

  test('authorId in the body → 400 with fields.authorId', async () => {
    const answer = await executePosts(owner, routeRequest(Route.posts.create), {
      title: 'T',
      body: 'B',
      authorId: 'other',
    });
    expect(answer.status).toBe(400);
    expect(answer.body?.fields).toEqual({
      authorId: { code: 'unrecognized_keys', message: expect.any(String) },
    });
  });

  test('like twice → likesCount 1; unlike twice → 0', async () => {
    const postId = await newPost(owner);
    const like = routeRequest(Route.posts.like, { postId });
    expect((await executePosts(other, like)).body).toMatchObject({ liked: true, likesCount: 1 });
    expect((await executePosts(other, like)).body).toMatchObject({ liked: true, likesCount: 1 });
    expect((await row(TableId.posts, postId)).likesCount).toBe(1);
    const unlike = routeRequest(Route.posts.unlike, { postId });
    expect((await executePosts(other, unlike)).body).toMatchObject({ liked: false, likesCount: 0 });
    expect((await executePosts(other, unlike)).body).toMatchObject({ liked: false, likesCount: 0 });
    expect((await row(TableId.posts, postId)).likesCount).toBe(0);
  });

  test(`${PARALLEL_LIKES} parallel likes by one user → likesCount 1`, async () => {
    const postId = await newPost(owner);
    const like = routeRequest(Route.posts.like, { postId });
    const answers = await Promise.all(
      Array.from({ length: PARALLEL_LIKES }, () => executePosts(other, like)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(PARALLEL_LIKES).fill(200));
    expect((await row(TableId.posts, postId)).likesCount).toBe(1);
    expect(await rowCount(TableId.likes, [Query.equal('postId', postId)])).toBe(1);
    // Every answer reports the count as stored after its call: liked, 1 like.
    expect(answers.map((a) => a.body)).toEqual(
      Array(PARALLEL_LIKES).fill({ postId, liked: true, likesCount: 1 }),
    );
  }, 60_000);

  test(`${LIKERS} users like in parallel → likesCount ${LIKERS}`, async () => {
    const postId = await newPost(owner);
    const like = routeRequest(Route.posts.like, { postId });
    const likesBefore = Number((await row(TableId.stats, STATS_ROW_ID)).likes);
    const answers = await Promise.all(likers.map((liker) => executePosts(liker, like)));
    expect(answers.map((a) => a.status)).toEqual(Array(LIKERS).fill(200));
    expect((await row(TableId.posts, postId)).likesCount).toBe(LIKERS);
    expect(await rowCount(TableId.likes, [Query.equal('postId', postId)])).toBe(LIKERS);
    expect((await row(TableId.profiles, 'owner')).likesReceived).toBeGreaterThanOrEqual(LIKERS);
    expect(Number((await row(TableId.stats, STATS_ROW_ID)).likes) - likesBefore).toBe(LIKERS);
    // Fifty likes, one notification for the owner: the post's like row, unread, naming a liker.
    const notified = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.notifications,
      queries: [Query.equal('postId', postId)],
    });
    expect(notified.rows.map((n) => [n.$id, n.kind, n.recipientId, n.read])).toEqual([
      [likeNotificationId(postId), 'like', 'owner', false],
    ]);
    expect(String(notified.rows[0]?.actorId)).toMatch(/^liker-/);
  }, 60_000);

  test(`${PARALLEL_COMMENT_DELETES} authors delete their comments in parallel → every count exact`, async () => {
    const postId = await newPost(owner);
    const authors = likers.slice(0, PARALLEL_COMMENT_DELETES);
    const commentIds: string[] = [];
    for (const author of authors) {
      const created = await executePosts(author, routeRequest(Route.posts.comment, { postId }), {
        body: 'Me too',
      });
      expect(created.status, created.text).toBe(201);
      commentIds.push(String(created.body?.$id));
    }
    expect((await row(TableId.posts, postId)).commentsCount).toBe(PARALLEL_COMMENT_DELETES);
    const statsBefore = Number((await row(TableId.stats, STATS_ROW_ID)).comments);
    const answers = await Promise.all(
      authors.map((author, i) =>
        executePosts(
          author,
          routeRequest(Route.posts.removeComment, { commentId: commentIds[i] ?? '' }),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(PARALLEL_COMMENT_DELETES).fill(204));
    expect((await row(TableId.posts, postId)).commentsCount).toBe(0);
    expect(await rowCount(TableId.comments, [Query.equal('postId', postId)])).toBe(0);
    expect(Number((await row(TableId.stats, STATS_ROW_ID)).comments)).toBe(
      statsBefore - PARALLEL_COMMENT_DELETES,
    );
    for (let i = 0; i < PARALLEL_COMMENT_DELETES; i++) {
      expect((await row(TableId.profiles, `liker-${i}`)).commentsCount).toBe(0);
    }
  }, 60_000);

  test('comment, then delete it → commentsCount exact; others cannot delete it', async () => {
    const postId = await newPost(owner);
    const created = await executePosts(other, routeRequest(Route.posts.comment, { postId }), {
      body: 'Nice',
    });
    expect(created.status, created.text).toBe(201);
    const commentId = String(created.body?.$id);
    await executePosts(owner, routeRequest(Route.posts.comment, { postId }), { body: 'Thanks' });
    expect((await row(TableId.posts, postId)).commentsCount).toBe(2);

    const remove = routeRequest(Route.posts.removeComment, { commentId });
    const refused = await executePosts(owner, remove);
    expect([refused.status, refused.body?.type]).toEqual([401, 'user_unauthorized']);
    expect((await row(TableId.posts, postId)).commentsCount).toBe(2);

    expect((await executePosts(other, remove)).status).toBe(204);
    expect((await executePosts(other, remove)).status).toBe(404);
    expect((await row(TableId.posts, postId)).commentsCount).toBe(1);
  });

  test('another user cannot edit or delete a post → 401, nothing changed', async () => {
    const postId = await newPost(owner, 'Original');
    const edit = await executePosts(other, routeRequest(Route.posts.update, { postId }), {
      title: 'Hijacked',
    });
    expect([edit.status, edit.body?.type]).toEqual([401, 'user_unauthorized']);
    const remove = await executePosts(other, routeRequest(Route.posts.remove, { postId }));
    expect([remove.status, remove.body?.type]).toEqual([401, 'user_unauthorized']);
    expect((await row(TableId.posts, postId)).title).toBe('Original');

    const own = await executePosts(owner, routeRequest(Route.posts.update, { postId }), {
      title: 'Edited',
    });
    expect(own.status, own.text).toBe(200);
    expect((await row(TableId.posts, postId)).title).toBe('Edited');
  });

  test('an admin deletes someone else’s post with its comments and likes', async () => {
    const postId = await newPost(owner, 'To moderate');
    await executePosts(other, routeRequest(Route.posts.like, { postId }));
    await executePosts(other, routeRequest(Route.posts.comment, { postId }), { body: 'Spam' });
    const answer = await executePosts(admin, routeRequest(Route.posts.remove, { postId }));
    expect(answer.status, answer.text).toBe(204);
    await expect(row(TableId.posts, postId)).rejects.toMatchObject({ code: 404 });
    const left = await tables.listRows({ databaseId: DATABASE_ID, tableId: TableId.comments });
    expect(left.rows.filter((c) => c.postId === postId)).toEqual([]);
  });

  test('the stats row matches a recount of the tables', async () => {
    const stats = await row(TableId.stats, STATS_ROW_ID);
    expect({ posts: stats.posts, comments: stats.comments, likes: stats.likes }).toEqual({
      posts: await rowCount(TableId.posts),
      comments: await rowCount(TableId.comments),
      likes: await rowCount(TableId.likes),
    });
  });

  test('guest cannot execute posts (execute: users) → 401', async () => {
    const { Client: Guest } = await import('node-appwrite');
    const guest = new Guest().setEndpoint(server.endpoint).setProject(server.projectId);
    await expect(executePosts(guest, routeRequest(Route.posts.create), {})).rejects.toMatchObject({
      code: 401,
    });
  });
});
