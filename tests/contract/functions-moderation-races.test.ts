import { type Client, type ExecutionMethod, Functions, ID, Query, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { reportRowId } from '../../functions/_lib/moderation-writes.ts';
import { ensureStatsRow } from '../../functions/_lib/stats-counter.ts';
import { VISIBLE_READ } from '../../functions/_lib/visibility.ts';
import { FunctionId, Route, type RouteKey, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import { applyAgoraTables, keyClientOf, userWithSession } from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Counters stay exact when likes race a hide: 20 members like a post through `posts` while an admin
 * hides it through `moderation`, the hide sent a little later each round so it lands before, among
 * and after the likes. Whatever the interleaving, the post's `likesCount` is its like rows, and
 * `stats.likes`, `stats.posts` and the author's counts moved by exactly what happened (a hide moves
 * only the post counts, by a fixed 1 — moderation-writes.ts).
 */

const LIKERS = 20;
const at = (tableId: string) => ({ databaseId: DATABASE_ID, tableId });

let server: LocalServer;
let tables: TablesDB;
const likers: Client[] = [];
let admin: Client;

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const key = keyClientOf(server);
  tables = new TablesDB(key);
  await ensureStatsRow(tables);
  await deployWithVariables(key, FunctionId.moderation, { AGORA_RATE_LIMITS: 'off' });
  await deployWithVariables(key, FunctionId.posts, { AGORA_RATE_LIMITS: 'off' });
  await userWithSession(server, key, 'race-owner');
  admin = await userWithSession(server, key, 'race-admin', { labels: ['admin'] });
  for (let i = 0; i < LIKERS; i++) likers.push(await userWithSession(server, key, `race-l${i}`));
}, 120_000);
afterAll(() => server?.close());

function run(client: Client, functionId: string, route: RouteKey, params = {}, body = '') {
  const { method, path } = routeRequest(route, params);
  return new Functions(client).createExecution({
    functionId,
    body,
    async: false,
    xpath: path,
    method: method as ExecutionMethod,
    headers: { 'content-type': 'application/json' },
  });
}

async function counters() {
  const stats = await tables.getRow({ ...at(TableId.stats), rowId: STATS_ROW_ID });
  const owner = await tables.getRow({ ...at(TableId.profiles), rowId: 'race-owner' });
  const n = (row: object, key: string) => Number((row as Record<string, unknown>)[key] ?? 0);
  return {
    posts: n(stats, 'posts'),
    likes: n(stats, 'likes'),
    postsCount: n(owner, 'postsCount'),
    likesReceived: n(owner, 'likesReceived'),
  };
}

test.each([0, 1, 2, 3, 4, 5])(
  'likes racing a hide (hide sent after %i × 15 ms): every counter exact',
  async (round) => {
    const post = await tables.createRow({
      ...at(TableId.posts),
      rowId: ID.unique(),
      data: {
        authorId: 'race-owner',
        title: 'T',
        body: 'B',
        tags: [],
        likesCount: 0,
        commentsCount: 0,
      },
      permissions: [...VISIBLE_READ],
    });
    await tables.incrementRowColumn({
      ...at(TableId.stats),
      rowId: STATS_ROW_ID,
      column: 'posts',
      value: 1,
    });
    await tables.incrementRowColumn({
      ...at(TableId.profiles),
      rowId: 'race-owner',
      column: 'postsCount',
      value: 1,
    });
    const reportId = reportRowId(post.$id, 'race-l0');
    await tables.createRow({
      ...at(TableId.reports),
      rowId: reportId,
      data: {
        targetType: 'post',
        targetId: post.$id,
        postId: post.$id,
        authorId: 'race-owner',
        reporterId: 'race-l0',
        reason: 'Spam',
        status: 'open',
      },
    });
    const before = await counters();

    const likes = likers.map((client) =>
      run(client, FunctionId.posts, Route.posts.like, { postId: post.$id }),
    );
    await new Promise((done) => setTimeout(done, round * 15));
    const hide = run(
      admin,
      FunctionId.moderation,
      Route.moderation.resolve,
      { reportId },
      '{"action":"hide"}',
    );
    const [hidden] = await Promise.all([hide, ...likes]);
    expect(hidden.responseStatusCode, hidden.responseBody).toBe(200);

    const row = await tables.getRow({ ...at(TableId.posts), rowId: post.$id });
    const likeRows = (
      await tables.listRows({
        ...at(TableId.likes),
        queries: [Query.equal('postId', post.$id), Query.limit(1)],
      })
    ).total;
    const after = await counters();
    expect(row.hidden).toBe(true);
    expect(row.likesCount).toBe(likeRows);
    expect(after).toEqual({
      posts: before.posts - 1,
      likes: before.likes + likeRows,
      postsCount: before.postsCount - 1,
      likesReceived: before.likesReceived + likeRows,
    });
  },
  60_000,
);
