import fc from 'fast-check';
import { Client, type Client as ClientType, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { activityRowId, lastUtcDays } from '../../shared/schemas/activity.ts';
import type { DashboardStats } from '../../shared/schemas/stats.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import {
  applyAgoraTables,
  executeFunction,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `stats` function end to end: built from functions/stats, deployed with its appwrite.json
 * settings, executed as a guest, a user and an admin; rows written with the key, the dashboard read
 * back through createExecution. Then the `posts` function creates, likes and comments, and the
 * dashboard's totals and today's activity follow.
 */

let server: LocalServer;
let tables: TablesDB;
let keyClient: ClientType;
const callers: Record<'guest' | 'user' | 'admin', ClientType> = {} as never;

const stats = (as: ClientType, body?: unknown) =>
  executeFunction(as, 'stats', routeRequest(Route.stats.get), body);

async function dashboard(as: ClientType): Promise<DashboardStats> {
  const answer = await stats(as);
  expect(answer.status, answer.text).toBe(200);
  return answer.body as unknown as DashboardStats;
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  await deployWithVariables(keyClient, 'stats', {});
  await deployWithVariables(keyClient, 'posts', { AGORA_RATE_LIMITS: 'off' });
  callers.guest = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  callers.user = await userWithSession(server, keyClient, 'reader');
  callers.admin = await userWithSession(server, keyClient, 'boss', { labels: ['admin'] });
}, 60_000);
afterAll(async () => server.close());

describe('stats end to end', () => {
  test('a fresh project → zeros, no top posts, 14 zero days ending today (UTC)', async () => {
    const d = await dashboard(callers.guest);
    expect(d.totals).toEqual({ users: 0, posts: 0, comments: 0, likes: 0 });
    expect(d.averageLikesPerPost).toBe(0);
    expect(d.topPosts).toEqual([]);
    expect(d.activity.map((a) => a.day)).toEqual(lastUtcDays(new Date(), 14));
  });

  test('guest, user and admin read the same dashboard from the rows', async () => {
    await tables.upsertRow({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
      data: { users: 3, posts: 7, comments: 2, likes: 10 },
    });
    for (let i = 0; i < 7; i++) {
      await tables.createRow({
        databaseId: DATABASE_ID,
        tableId: TableId.posts,
        rowId: `seeded-${i}`,
        data: {
          authorId: 'reader',
          title: `Post ${i}`,
          body: 'Body',
          tags: [],
          likesCount: [0, 5, 1, 9, 2, 7, 3][i],
        },
      });
    }
    const days = lastUtcDays(new Date(), 15);
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.activity,
      rowId: activityRowId(days[1] ?? ''),
      data: { users: 2, posts: 1, comments: 0, likes: 0 },
    });
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.activity,
      rowId: activityRowId(days[0] ?? ''),
      data: { users: 50, posts: 50, comments: 50, likes: 50 },
    });

    const seen = await Promise.all([
      dashboard(callers.guest),
      dashboard(callers.user),
      dashboard(callers.admin),
    ]);
    for (const d of seen) expect(d).toEqual(seen[0]);
    const d = seen[0] as DashboardStats;
    expect(d.totals).toEqual({ users: 3, posts: 7, comments: 2, likes: 10 });
    expect(d.averageLikesPerPost).toBe(1.43);
    expect(d.topPosts.map((p) => [p.$id, p.likesCount])).toEqual([
      ['seeded-3', 9],
      ['seeded-5', 7],
      ['seeded-1', 5],
      ['seeded-6', 3],
      ['seeded-4', 2],
    ]);
    expect(d.topPosts[0]).toMatchObject({ title: 'Post 3', authorId: 'reader', commentsCount: 0 });
    expect(d.activity).toHaveLength(14);
    expect(d.activity[0]).toEqual({ day: days[1], users: 2, posts: 1, comments: 0, likes: 0 });
    expect(d.activity.some((a) => a.users === 50)).toBe(false);
  });

  test('posts create, like and comment through the function → totals and today move', async () => {
    const before = await dashboard(callers.guest);
    const todayBefore = before.activity[13];
    const created = await executeFunction(callers.user, 'posts', routeRequest(Route.posts.create), {
      title: 'Fresh',
      body: 'Made through the posts function',
    });
    expect(created.status, created.text).toBe(201);
    const postId = String(created.body?.$id);
    await executeFunction(callers.admin, 'posts', routeRequest(Route.posts.like, { postId }));
    await executeFunction(callers.admin, 'posts', routeRequest(Route.posts.comment, { postId }), {
      body: 'Nice',
    });

    const after = await dashboard(callers.guest);
    expect(after.totals).toEqual({
      ...before.totals,
      posts: before.totals.posts + 1,
      likes: before.totals.likes + 1,
      comments: before.totals.comments + 1,
    });
    expect(after.activity[13]).toEqual({
      ...todayBefore,
      posts: (todayBefore?.posts ?? 0) + 1,
      likes: (todayBefore?.likes ?? 0) + 1,
      comments: (todayBefore?.comments ?? 0) + 1,
    });

    // A delete moves the total down and leaves the day's activity as it was.
    const removed = await executeFunction(
      callers.user,
      'posts',
      routeRequest(Route.posts.remove, { postId }),
    );
    expect(removed.status, removed.text).toBe(204);
    const afterDelete = await dashboard(callers.guest);
    expect(afterDelete.totals.posts).toBe(before.totals.posts);
    expect(afterDelete.activity[13]).toEqual(after.activity[13]);
  });

  test('a body with a key → 400 general_argument_invalid naming it; no stack', async () => {
    const answer = await stats(callers.user, { since: 'yesterday' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      type: 'general_argument_invalid',
      fields: { since: { code: 'unrecognized_keys' } },
    });
    expect(answer.text).not.toContain('    at ');
  });

  test('fast-check over the body: 200 or 400, never 5xx; a 400 names every key sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.json({ maxDepth: 2 }),
          fc
            .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
              minKeys: 1,
              maxKeys: 3,
            })
            .map((value) => JSON.stringify(value)),
        ),
        async (body) => {
          const answer = await stats(callers.guest, body);
          expect([200, 400], answer.text).toContain(answer.status);
          if (answer.body?.type === 'general_argument_invalid') {
            const sent = Object.keys(JSON.parse(body) as object).sort();
            expect(Object.keys(answer.body.fields as object).sort()).toEqual(sent);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  test('POST / → 404 general_route_not_found', async () => {
    const answer = await executeFunction(callers.guest, 'stats', { method: 'POST', path: '/' });
    expect([answer.status, answer.body?.type]).toEqual([404, 'general_route_not_found']);
  });
});
