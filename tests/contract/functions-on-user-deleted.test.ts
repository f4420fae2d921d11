import {
  AppwriteException,
  Client,
  Functions,
  ID,
  type Models,
  Query,
  Storage,
  TablesDB,
  Users,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { likeRowId } from '../../functions/posts/src/posts-repo.ts';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { BucketId, DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables, eventually } from '../support/accounts-function.ts';
import { applyAgoraBuckets, TINY_PNG } from '../support/agora-buckets.ts';
import { countersAndRecount, type Row } from '../support/agora-counters.ts';
import {
  applyAgoraTables,
  deployPosts,
  executePosts,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * `on-user-deleted` end to end on the local Appwrite: content made through the `posts` function,
 * then `users.delete` fires `users.*.delete` for real; the user's posts (with their comments and
 * likes), comments, likes, profile and avatar go, and every counter ends where a recount of the rows
 * says. Then a user with thousands of rows, to show the pages finish well inside the 120 s timeout.
 */

/** Rows for the large user: posts of theirs, and posts of someone else they commented on and liked. */
const BIG = {
  posts: Number(process.env.AGORA_BIG_USER_POSTS ?? 100),
  others: Number(process.env.AGORA_BIG_USER_OTHERS ?? 200),
  perPost: 5,
};
/** The rows the large user's deletion removes: each post with its comments and like, their comments and likes elsewhere. */
const BIG_ROWS = BIG.posts * (1 + BIG.perPost + 1) + BIG.others * (BIG.perPost + 1);

let server: LocalServer;
let keyClient: Client;
let tables: TablesDB;
let users: Users;
const as: Record<string, Client> = {};

/** Waits for the `n`-th execution of on-user-deleted to finish and returns it. */
async function nthCleanup(n: number, deadlineMs = 10_000): Promise<Models.Execution> {
  const functions = new Functions(keyClient);
  return eventually(
    `on-user-deleted execution #${n}`,
    async () => {
      const list = await functions.listExecutions({
        functionId: FunctionId.onUserDeleted,
        queries: [Query.orderAsc('$createdAt'), Query.limit(100)],
      });
      const execution = list.executions[n - 1];
      return execution && ['completed', 'failed'].includes(execution.status)
        ? execution
        : undefined;
    },
    deadlineMs,
  );
}

async function gone(tableId: string, rowId: string): Promise<boolean> {
  try {
    await tables.getRow({ databaseId: DATABASE_ID, tableId, rowId });
    return false;
  } catch (thrown) {
    if (thrown instanceof AppwriteException && thrown.code === 404) return true;
    throw thrown;
  }
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  users = new Users(keyClient);
  await applyAgoraBuckets(keyClient);
  await deployPosts(keyClient);
  await deployWithVariables(keyClient, FunctionId.onUserDeleted, {});
  for (const id of ['gone', 'bob', 'cleo', 'big', 'other']) {
    as[id] = await userWithSession(server, keyClient, id);
  }
  as.admin = await userWithSession(server, keyClient, 'admin', { labels: ['admin'] });
  await tables.createRow({
    databaseId: DATABASE_ID,
    tableId: TableId.stats,
    rowId: STATS_ROW_ID,
    data: { users: 6, posts: 0, comments: 0, likes: 0 },
  });
}, 60_000);
afterAll(async () => server.close());

async function run(
  who: string,
  route: string,
  params: Record<string, string> = {},
  body?: unknown,
) {
  const answer = await executePosts(
    as[who] as Client,
    routeRequest(route as never, params),
    body ?? (route === Route.posts.create ? { title: 'T', body: 'B' } : undefined),
  );
  expect(answer.status, answer.text).toBeLessThan(300);
  return answer.body;
}

describe('a deleted user’s content', () => {
  test('posts, comments, likes, profile and avatar go; every counter ends where a recount says', async () => {
    const g1 = String((await run('gone', Route.posts.create))?.$id);
    const g2 = String((await run('gone', Route.posts.create))?.$id);
    const b1 = String((await run('bob', Route.posts.create))?.$id);
    const c1 = String((await run('cleo', Route.posts.create))?.$id);
    for (const [who, postId] of [
      ['bob', g1],
      ['cleo', g1],
      ['gone', g1],
      ['bob', g2],
      ['gone', b1],
      ['gone', b1],
      ['cleo', b1],
      ['bob', c1],
    ] as const) {
      await run(who, Route.posts.comment, { postId }, { body: 'c' });
    }
    for (const [who, postId] of [
      ['bob', g1],
      ['cleo', g1],
      ['gone', g1],
      ['cleo', g2],
      ['gone', b1],
      ['gone', c1],
      ['bob', c1],
    ] as const) {
      await run(who, Route.posts.like, { postId });
    }
    const avatar = await new Storage(as.gone as Client).createFile({
      bucketId: BucketId.avatars,
      fileId: ID.unique(),
      file: InputFile.fromBuffer(TINY_PNG, 'me.png'),
    });
    await tables.updateRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: 'gone',
      data: { avatarId: avatar.$id },
    });
    const before = await countersAndRecount(tables);
    expect(before.stored).toEqual(before.recount);
    const notificationsOf = async (recipientId: string) =>
      (
        await tables.listRows({
          databaseId: DATABASE_ID,
          tableId: TableId.notifications,
          queries: [Query.equal('recipientId', recipientId), Query.limit(1)],
        })
      ).total;
    // Bob and Cleo liked and commented on Gone's posts, and answered in Bob's thread after Gone.
    const addressed = await notificationsOf('gone');
    expect(addressed).toBeGreaterThan(0);
    const bobs = await notificationsOf('bob');

    await users.delete({ userId: 'gone' });
    const execution = await nthCleanup(1);
    expect(execution.status, execution.errors).toBe('completed');
    expect(execution.trigger).toBe('event');
    // An event's execution keeps no response body (as on Appwrite): the log line says what went.
    expect(execution.logs).toContain(
      `Removed for gone: 2 posts, 2 comments, 2 likes, profile true, avatar true, 0 export jobs, ${addressed} notifications.`,
    );
    expect(await notificationsOf('gone')).toBe(0);
    expect(await notificationsOf('bob')).toBe(bobs);

    const after = await countersAndRecount(tables);
    expect(after.stored).toEqual(after.recount);
    expect(after.rows.posts?.map((p) => p.$id).sort()).toEqual([b1, c1].sort());
    expect(after.rows.comments?.some((c) => c.authorId === 'gone')).toBe(false);
    expect(after.rows.likes?.some((l) => l.userId === 'gone')).toBe(false);
    expect(await gone(TableId.profiles, 'gone')).toBe(true);
    expect(after.stored.stats).toEqual({ users: 5, posts: 2, comments: 2, likes: 1 });
    expect(after.stored.posts[b1]).toEqual([0, 1]);
    expect(after.stored.posts[c1]).toEqual([1, 1]);
    await expect(
      new Storage(keyClient).getFile({ bucketId: BucketId.avatars, fileId: avatar.$id }),
    ).rejects.toMatchObject({ code: 404 });
  });

  test('the function cannot be executed directly: execute [] refuses a guest, a user and an admin; a key run for a living user is refused inside', async () => {
    const guest = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
    for (const caller of [guest, as.other as Client, as.admin as Client]) {
      await expect(
        new Functions(caller).createExecution({
          functionId: FunctionId.onUserDeleted,
          body: '{"$id":"bob"}',
        }),
      ).rejects.toMatchObject({ code: 401 });
    }
    const byKey = await new Functions(keyClient).createExecution({
      functionId: FunctionId.onUserDeleted,
      body: '{"$id":"bob"}',
      async: false,
    });
    // A key run is how a cut-short cleanup is finished; for a user who exists it refuses.
    expect(byKey.responseStatusCode).toBe(409);
    expect(JSON.parse(byKey.responseBody)).toMatchObject({ type: 'user_already_exists' });
    expect(await gone(TableId.profiles, 'bob')).toBe(false);
  });

  test(`a user with ${BIG_ROWS} rows: done in pages, well inside 120 s, counters exact`, async () => {
    const create = async (tableId: string, rows: Row[]) => {
      // Appwrite takes at most 100 rows per createRows (APP_LIMIT_DATABASE_BATCH).
      for (let i = 0; i < rows.length; i += 100) {
        await tables.createRows({ databaseId: DATABASE_ID, tableId, rows: rows.slice(i, i + 100) });
      }
    };
    const theirs = Array.from({ length: BIG.posts }, (_, i) => `big-post-${i}`);
    const others = Array.from({ length: BIG.others }, (_, i) => `other-post-${i}`);
    const post = (id: string, authorId: string, likesCount: number, commentsCount: number) => ({
      $id: id,
      authorId,
      title: 'T',
      body: 'B',
      tags: [],
      likesCount,
      commentsCount,
    });
    await create(TableId.posts, [
      ...theirs.map((id) => post(id, 'big', 1, BIG.perPost)),
      ...others.map((id) => post(id, 'other', 1, BIG.perPost)),
    ]);
    await create(TableId.comments, [
      ...theirs.flatMap((postId, i) =>
        Array.from({ length: BIG.perPost }, (_, k) => ({
          $id: `bc-${i}-${k}`,
          postId,
          authorId: 'other',
          body: 'c',
        })),
      ),
      ...others.flatMap((postId, i) =>
        Array.from({ length: BIG.perPost }, (_, k) => ({
          $id: `oc-${i}-${k}`,
          postId,
          authorId: 'big',
          body: 'c',
        })),
      ),
    ]);
    await create(TableId.likes, [
      ...theirs.map((postId) => ({ $id: likeRowId(postId, 'other'), postId, userId: 'other' })),
      ...others.map((postId) => ({ $id: likeRowId(postId, 'big'), postId, userId: 'big' })),
    ]);
    const counts = (postsCount: number, commentsCount: number, likesReceived: number) => ({
      postsCount,
      commentsCount,
      likesReceived,
    });
    await tables.updateRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: 'big',
      data: counts(BIG.posts, BIG.others * BIG.perPost, BIG.posts),
    });
    await tables.updateRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: 'other',
      data: counts(BIG.others, BIG.posts * BIG.perPost, BIG.others),
    });
    const stats = (await tables.getRow({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
    })) as unknown as Record<string, number>;
    await tables.updateRow({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
      data: {
        posts: (stats.posts ?? 0) + BIG.posts + BIG.others,
        comments: (stats.comments ?? 0) + (BIG.posts + BIG.others) * BIG.perPost,
        likes: (stats.likes ?? 0) + BIG.posts + BIG.others,
      },
    });
    const before = await countersAndRecount(tables);
    expect(before.stored).toEqual(before.recount);

    await users.delete({ userId: 'big' });
    const execution = await nthCleanup(3, 130_000);
    expect(execution.status, execution.errors).toBe('completed');
    expect(execution.logs).toContain(
      `Removed for big: ${BIG.posts} posts, ${BIG.others * BIG.perPost} comments, ${BIG.others} likes, profile true`,
    );
    console.log(`on-user-deleted: ${BIG_ROWS} rows in ${execution.duration.toFixed(2)} s`);
    expect(execution.duration).toBeLessThan(120);
    const after = await countersAndRecount(tables);
    expect(after.stored).toEqual(after.recount);
    expect(after.stored.profiles.other).toEqual([BIG.others, 0, 0]);
  }, 180_000);
});
