import fc from 'fast-check';
import {
  AppwriteException,
  Client,
  type ExecutionMethod,
  Functions,
  ID,
  Query,
  TablesDB,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { likeNotificationId, notificationPermissions } from '../../functions/_lib/notifications.ts';
import { ensureStatsRow } from '../../functions/_lib/stats-counter.ts';
import { likeRowId } from '../../functions/posts/src/posts-repo.ts';
import { FunctionId, type RouteKey } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import { applyAgoraTables, keyClientOf, userWithSession } from '../support/posts-function.ts';
import {
  type Role,
  requestOf,
  runScenario,
  type ScenarioAnswer,
  type ScenarioTarget,
} from '../support/scenarios.ts';
import {
  anyCall,
  BODY_KEYS,
  callParams,
  checkAnyAnswer,
  handleOf,
  MEMBERS,
  notificationCounts,
  POSTS_SCENARIOS,
  type PostsSnapshot,
  type PostsWorld,
  postsState,
  roleOf,
  seededNotifications,
} from '../unit/functions/posts-scenarios.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `posts` scenario table (tests/unit/functions/posts-scenarios.ts) end to end: the built function
 * deployed to the local Appwrite as appwrite.json declares it, each scenario a real `createExecution`
 * with the role's session (a guest has none), and the state read back from the tables. The same
 * table runs in-process in tests/unit/functions/posts-handlers.test.ts. Rate limits are off here
 * (`AGORA_RATE_LIMITS=off`): tests/contract/rate-limits.test.ts covers them.
 */

const IDS: Record<Role, string> = {
  guest: '',
  user: 'sc-user',
  owner: 'sc-owner',
  other: 'sc-other',
  admin: 'sc-admin',
  unvetted: 'sc-unvetted',
  unverified: 'sc-unverified',
};

let server: LocalServer;
let tables: TablesDB;
const clients = new Map<Role, Client>();

async function execute(as: Role, request: { method: string; path: string; body: string }) {
  const client = clients.get(as);
  if (!client) throw new Error(`no client for ${as}`);
  try {
    const execution = await new Functions(client).createExecution({
      functionId: FunctionId.posts,
      body: request.body,
      async: false,
      xpath: request.path,
      method: request.method as ExecutionMethod,
      headers: { 'content-type': 'application/json' },
    });
    const headers = Object.fromEntries(
      execution.responseHeaders.map((header) => [header.name.toLowerCase(), header.value]),
    );
    return { status: execution.responseStatusCode, text: execution.responseBody, headers };
  } catch (thrown) {
    // Appwrite itself refused the execution (a guest: execute is ["users"]): its error is the answer.
    if (!(thrown instanceof AppwriteException)) throw thrown;
    return { status: thrown.code, text: thrown.response, headers: {} } satisfies ScenarioAnswer;
  }
}

async function rowOrNull(tableId: string, rowId: string) {
  try {
    return (await tables.getRow({ databaseId: DATABASE_ID, tableId, rowId })) as unknown as Record<
      string,
      unknown
    >;
  } catch (thrown) {
    if (thrown instanceof AppwriteException && thrown.code === 404) return null;
    throw thrown;
  }
}

async function count(tableId: string, queries: string[] = []): Promise<number> {
  const list = await tables.listRows({
    databaseId: DATABASE_ID,
    tableId,
    queries: [...queries, Query.limit(1)],
  });
  return list.total;
}

/** Moves a counter as the function would, to keep the seeded world's counters consistent. */
async function bump(tableId: string, rowId: string, column: string) {
  await tables.incrementRowColumn({ databaseId: DATABASE_ID, tableId, rowId, column, value: 1 });
}

/** The scenario world on the local Appwrite: a fresh post, comment and like, written with the key. */
async function seededWorld(): Promise<PostsWorld> {
  const base = { databaseId: DATABASE_ID, permissions: [] };
  const postId = ID.unique();
  await tables.createRow({
    ...base,
    tableId: TableId.posts,
    rowId: postId,
    data: {
      authorId: IDS.owner,
      title: 'Hello',
      body: 'First post',
      tags: ['intro'],
      likesCount: 1,
      commentsCount: 1,
    },
  });
  const comment = await tables.createRow({
    ...base,
    tableId: TableId.comments,
    rowId: ID.unique(),
    data: { postId, authorId: IDS.owner, body: 'Mine' },
  });
  await tables.createRow({
    ...base,
    tableId: TableId.likes,
    rowId: likeRowId(postId, IDS.other),
    data: { postId, userId: IDS.other },
  });
  for (const column of ['posts', 'comments', 'likes']) {
    await bump(TableId.stats, STATS_ROW_ID, column);
  }
  for (const column of ['postsCount', 'commentsCount', 'likesReceived']) {
    await bump(TableId.profiles, IDS.owner, column);
  }
  const replyId = ID.unique();
  for (const { rowId, data } of seededNotifications(IDS, {
    postId,
    commentId: comment.$id,
    replyId,
  })) {
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.notifications,
      rowId,
      data,
      permissions: notificationPermissions(data.recipientId),
    });
  }
  return { ids: IDS, params: { postId, commentId: comment.$id, notificationId: replyId } };
}

async function snapshot(w: PostsWorld): Promise<PostsSnapshot> {
  const { postId } = w.params;
  const post = await rowOrNull(TableId.posts, postId);
  const stats = await rowOrNull(TableId.stats, STATS_ROW_ID);
  const profiles: PostsSnapshot['profiles'] = {};
  for (const role of MEMBERS) {
    const profile = await rowOrNull(TableId.profiles, IDS[role]);
    profiles[role] = profile && {
      postsCount: Number(profile.postsCount),
      commentsCount: Number(profile.commentsCount),
      likesReceived: Number(profile.likesReceived),
    };
  }
  return {
    post: post && {
      title: String(post.title),
      body: String(post.body),
      tags: post.tags as string[],
      likesCount: Number(post.likesCount),
      commentsCount: Number(post.commentsCount),
    },
    postComments: await count(TableId.comments, [Query.equal('postId', postId)]),
    postLikes: await count(TableId.likes, [Query.equal('postId', postId)]),
    totals: {
      posts: await count(TableId.posts),
      comments: await count(TableId.comments),
      likes: await count(TableId.likes),
    },
    stats: stats && {
      posts: Number(stats.posts),
      comments: Number(stats.comments),
      likes: Number(stats.likes),
    },
    profiles,
    notifications: notificationCounts(IDS, await notificationsOf(postId)),
    likeActor: roleOf(
      IDS,
      (await rowOrNull(TableId.notifications, likeNotificationId(postId)))?.actorId as string,
    ),
  };
}

/** The notifications about this world's post (each world has its own post), every recipient's. */
async function notificationsOf(postId: string) {
  const list = await tables.listRows({
    databaseId: DATABASE_ID,
    tableId: TableId.notifications,
    queries: [Query.equal('postId', postId), Query.limit(100)],
  });
  return list.rows.map((row) => ({
    recipientId: String(row.recipientId),
    read: Boolean(row.read),
  }));
}

const endToEnd: ScenarioTarget<PostsWorld> = {
  world: seededWorld,
  execute: (_w, as, request) => execute(as, request),
  state: async (w) => postsState(await snapshot(w)),
};

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  await ensureStatsRow(tables);
  await deployWithVariables(keyClient, FunctionId.posts, { AGORA_RATE_LIMITS: 'off' });
  clients.set('guest', new Client().setEndpoint(server.endpoint).setProject(server.projectId));
  for (const role of MEMBERS) {
    const labels = role === 'admin' ? ['admin'] : [];
    clients.set(role, await userWithSession(server, keyClient, IDS[role], { labels }));
  }
  for (const role of MEMBERS) {
    await tables.updateRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: IDS[role],
      data: { handle: handleOf(role) },
    });
  }
  clients.set(
    'unvetted',
    await userWithSession(server, keyClient, IDS.unvetted, { member: false }),
  );
  clients.set(
    'unverified',
    await userWithSession(server, keyClient, IDS.unverified, { verified: false }),
  );
}, 60_000);
afterAll(async () => server?.close());

describe('posts scenarios end to end', () => {
  test.each(POSTS_SCENARIOS)('$name', (scenario) => runScenario(endToEnd, scenario), 20_000);
});

describe('any input to any posts route, end to end (fast-check, fewer runs)', () => {
  test.each(Object.keys(BODY_KEYS) as RouteKey[])(
    '%s: no 5xx; a refusal changes nothing; fields names the bad field',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(anyCall(route), async (call) => {
          const w = await seededWorld();
          const before = await endToEnd.state(w);
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
          const answer = await execute(call.as, request);
          checkAnyAnswer(call, answer, before, await endToEnd.state(w));
        }),
        { numRuns: 12 },
      );
    },
    60_000,
  );
});

test('the guest answer is Appwrite’s own refusal in the same error shape', async () => {
  const answer = await execute('guest', { method: 'POST', path: '/posts', body: '{}' });
  expect(answer.status).toBe(401);
  expect(JSON.parse(answer.text)).toMatchObject({ code: 401, type: 'user_unauthorized' });
});

test('a notification is readable by its recipient only, and by no one else’s session', async () => {
  const w = await seededWorld();
  const read = (as: Role) =>
    new TablesDB(clients.get(as) as Client)
      .getRow({
        databaseId: DATABASE_ID,
        tableId: TableId.notifications,
        rowId: w.params.notificationId,
      })
      .then(
        (row) => row.$id,
        (thrown: AppwriteException) => thrown.code,
      );
  expect(await read('other')).toBe(w.params.notificationId);
  expect(await read('owner')).toBe(404);
  expect(await read('admin')).toBe(404);
  expect(await read('guest')).toBe(404);
});
