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
import { reportRowId } from '../../functions/_lib/moderation-writes.ts';
import { notificationPermissions } from '../../functions/_lib/notifications.ts';
import { ensureStatsRow } from '../../functions/_lib/stats-counter.ts';
import { hiddenRead, VISIBLE_READ } from '../../functions/_lib/visibility.ts';
import { likeRowId } from '../../functions/posts/src/posts-repo.ts';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import type { ReportFields, ReportStatus } from '../../shared/schemas/report.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import { applyAgoraTables, keyClientOf, userWithSession } from '../support/posts-function.ts';
import { type Role, runScenario, type ScenarioTarget } from '../support/scenarios.ts';
import {
  anyModerationCall,
  checkModerationAnswer,
  MODERATION_BODY_KEYS,
  MODERATION_SCENARIOS,
  type ModerationSnapshot,
  type ModerationWorld,
  mentionsOfOther,
  moderationOf,
  moderationRequest,
  moderationState,
  type RowView,
} from '../unit/functions/moderation-scenarios.ts';
import { MEMBERS } from '../unit/functions/posts-scenarios.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `moderation` scenario table (tests/unit/functions/moderation-scenarios.ts) end to end: the built
 * function deployed as appwrite.json declares it, each scenario a real `createExecution` with the
 * role's session, and the state read back — whether a row is public by reading it with a guest
 * client and whether its author still reads it with the author's session, so the row permissions
 * are Appwrite's, not the function's word. Rate limits are off (`AGORA_RATE_LIMITS=off`).
 */

const IDS: Record<Role, string> = {
  guest: '',
  user: 'md-user',
  owner: 'md-owner',
  other: 'md-other',
  admin: 'md-admin',
  unvetted: 'md-unvetted',
  unverified: 'md-unverified',
};

let server: LocalServer;
let tables: TablesDB;
const clients = new Map<Role, Client>();

function clientOf(as: Role): Client {
  const client = clients.get(as);
  if (!client) throw new Error(`no client for ${as}`);
  return client;
}

async function execute(
  functionId: string,
  as: Role,
  request: { method: string; path: string; body: string },
) {
  try {
    const execution = await new Functions(clientOf(as)).createExecution({
      functionId,
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
    if (!(thrown instanceof AppwriteException)) throw thrown;
    return { status: thrown.code, text: thrown.response, headers: {} };
  }
}

async function readAs(client: TablesDB, tableId: string, rowId: string) {
  try {
    return (await client.getRow({ databaseId: DATABASE_ID, tableId, rowId })) as unknown as Record<
      string,
      unknown
    >;
  } catch (thrown) {
    if (thrown instanceof AppwriteException && thrown.code === 404) return null;
    throw thrown;
  }
}

async function bump(tableId: string, rowId: string, column: string, value = 1) {
  await tables.incrementRowColumn({ databaseId: DATABASE_ID, tableId, rowId, column, value });
}

/** The world of moderation-scenarios.ts, written with the key, with its row permissions. */
async function seededWorld(): Promise<ModerationWorld> {
  const owner = IDS.owner;
  const create = (tableId: string, data: object, permissions: readonly string[]) =>
    tables.createRow({
      databaseId: DATABASE_ID,
      tableId,
      rowId: ID.unique(),
      data,
      permissions: [...permissions],
    });
  const post = await create(
    TableId.posts,
    {
      authorId: owner,
      title: 'Hello',
      body: 'First post',
      tags: ['intro'],
      likesCount: 1,
      commentsCount: 1,
    },
    VISIBLE_READ,
  );
  const comment = await create(
    TableId.comments,
    { postId: post.$id, authorId: owner, body: 'Mine' },
    VISIBLE_READ,
  );
  const hiddenComment = await create(
    TableId.comments,
    { postId: post.$id, authorId: owner, body: 'Rude', hidden: true, hiddenReason: 'Rude' },
    hiddenRead(owner),
  );
  await tables.createRow({
    databaseId: DATABASE_ID,
    tableId: TableId.likes,
    rowId: likeRowId(post.$id, IDS.other),
    data: { postId: post.$id, userId: IDS.other },
  });
  const hiddenPost = await create(
    TableId.posts,
    {
      authorId: owner,
      title: 'Buy now',
      body: 'Spam',
      tags: [],
      likesCount: 0,
      commentsCount: 0,
      hidden: true,
      hiddenReason: 'Spam',
    },
    hiddenRead(owner),
  );
  const report = async (
    targetId: string,
    reporter: Role,
    status: ReportStatus,
    isComment = false,
  ) => {
    const data: ReportFields = {
      targetType: isComment ? 'comment' : 'post',
      targetId,
      postId: isComment ? post.$id : targetId,
      authorId: owner,
      reporterId: IDS[reporter],
      reason: isComment ? 'Rude' : 'Spam',
      status,
    };
    const rowId = reportRowId(targetId, IDS[reporter]);
    await tables.createRow({ databaseId: DATABASE_ID, tableId: TableId.reports, rowId, data });
    return rowId;
  };
  const reportId = await report(post.$id, 'user', 'open');
  const commentReportId = await report(comment.$id, 'user', 'open', true);
  await report(hiddenPost.$id, 'other', 'hidden');
  for (const column of ['posts', 'comments', 'likes'])
    await bump(TableId.stats, STATS_ROW_ID, column);
  for (const column of ['postsCount', 'commentsCount', 'likesReceived']) {
    await bump(TableId.profiles, owner, column);
  }
  const params = {
    postId: post.$id,
    commentId: comment.$id,
    hiddenPostId: hiddenPost.$id,
    hiddenCommentId: hiddenComment.$id,
    reportId,
    commentReportId,
  };
  for (const { rowId, data } of mentionsOfOther(IDS, params)) {
    const permissions = notificationPermissions(data.recipientId);
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.notifications,
      rowId,
      data,
      permissions,
    });
  }
  return { ids: IDS, params };
}

/** This world's notifications as `as` reads them with their session (their own, by row permission). */
async function notificationsOf(as: Role, w: ModerationWorld, queries: string[]) {
  const list = await new TablesDB(clientOf(as)).listRows({
    databaseId: DATABASE_ID,
    tableId: TableId.notifications,
    queries: [
      Query.equal('postId', [w.params.postId, w.params.hiddenPostId]),
      ...queries,
      Query.limit(100),
    ],
  });
  return list.rows as unknown as { $updatedAt: string; excerpt: string | null }[];
}

async function view(tableId: string, rowId: string): Promise<RowView | null> {
  const row = await readAs(tables, tableId, rowId);
  if (!row) return null;
  return {
    public: (await readAs(new TablesDB(clientOf('guest')), tableId, rowId)) !== null,
    authorReads: (await readAs(new TablesDB(clientOf('owner')), tableId, rowId)) !== null,
    hidden: row.hidden === true,
    hiddenReason: (row.hiddenReason as string | null) ?? null,
  };
}

async function snapshot(w: ModerationWorld): Promise<ModerationSnapshot> {
  const { params } = w;
  const post = await readAs(tables, TableId.posts, params.postId);
  const postView = await view(TableId.posts, params.postId);
  const stats = await readAs(tables, TableId.stats, STATS_ROW_ID);
  const owner = await readAs(tables, TableId.profiles, IDS.owner);
  const scope = Query.equal('postId', [params.postId, params.hiddenPostId]);
  const count = async (queries: string[]) =>
    (
      await tables.listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.reports,
        queries: [scope, ...queries, Query.limit(1)],
      })
    ).total;
  const report = await readAs(tables, TableId.reports, params.reportId);
  return {
    post:
      post && postView
        ? {
            ...postView,
            likesCount: Number(post.likesCount),
            commentsCount: Number(post.commentsCount),
          }
        : null,
    hiddenPost: await view(TableId.posts, params.hiddenPostId),
    comment: await view(TableId.comments, params.commentId),
    hiddenComment: await view(TableId.comments, params.hiddenCommentId),
    stats: {
      posts: Number(stats?.posts ?? 0),
      comments: Number(stats?.comments ?? 0),
      likes: Number(stats?.likes ?? 0),
    },
    owner: {
      postsCount: Number(owner?.postsCount ?? 0),
      commentsCount: Number(owner?.commentsCount ?? 0),
      likesReceived: Number(owner?.likesReceived ?? 0),
    },
    reports: await count([]),
    openReports: await count([Query.equal('status', 'open')]),
    reportStatus: (report?.status as ReportStatus | undefined) ?? null,
    ownerModeration: moderationOf(
      await notificationsOf('owner', w, [Query.equal('kind', 'moderation')]),
    ),
    otherQuoting: (await notificationsOf('other', w, [Query.isNotNull('excerpt')])).length,
  };
}

const endToEnd: ScenarioTarget<ModerationWorld> = {
  world: seededWorld,
  execute: (_w, as, request) => execute(FunctionId.moderation, as, request),
  state: async (w) => moderationState(await snapshot(w)),
};

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  await ensureStatsRow(tables);
  await deployWithVariables(keyClient, FunctionId.moderation, { AGORA_RATE_LIMITS: 'off' });
  await deployWithVariables(keyClient, FunctionId.posts, { AGORA_RATE_LIMITS: 'off' });
  clients.set('guest', new Client().setEndpoint(server.endpoint).setProject(server.projectId));
  for (const role of MEMBERS) {
    const labels = role === 'admin' ? ['admin'] : [];
    clients.set(role, await userWithSession(server, keyClient, IDS[role], { labels }));
  }
  clients.set(
    'unvetted',
    await userWithSession(server, keyClient, IDS.unvetted, { member: false }),
  );
  clients.set(
    'unverified',
    await userWithSession(server, keyClient, IDS.unverified, { verified: false }),
  );
}, 90_000);
afterAll(async () => server?.close());

describe('moderation scenarios end to end', () => {
  test.each(MODERATION_SCENARIOS)('$name', (scenario) => runScenario(endToEnd, scenario), 20_000);
});

describe('any input to any moderation route, end to end (fast-check, fewer runs)', () => {
  test.each(Object.keys(MODERATION_BODY_KEYS))(
    '%s: no 5xx; a refusal changes nothing; fields names the bad field',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(anyModerationCall(route as never), async (call) => {
          const w = await seededWorld();
          const before = await endToEnd.state(w);
          const answer = await endToEnd.execute(w, call.as, moderationRequest(call, w));
          checkModerationAnswer(call, answer, before, await endToEnd.state(w));
        }),
        { numRuns: 12 },
      );
    },
    90_000,
  );
});

describe('what a hidden post leaves readable, end to end', () => {
  test('hidden: gone from a guest’s and a member’s feed, search and total; the author and admins still read it', async () => {
    const w = await seededWorld();
    const { postId } = w.params;
    const hide = await execute(FunctionId.moderation, 'admin', {
      ...routeRequest(Route.moderation.resolve, { reportId: w.params.reportId }),
      body: JSON.stringify({ action: 'hide', reason: 'Off topic' }),
    });
    expect(hide.status, hide.text).toBe(200);
    const list = (as: Role, queries: string[]) =>
      new TablesDB(clientOf(as)).listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.posts,
        queries: [...queries, Query.limit(100)],
      });
    for (const as of ['guest', 'other'] as const) {
      const feed = await list(as, [Query.orderDesc('$createdAt')]);
      expect(feed.rows.map((row) => row.$id)).not.toContain(postId);
      const search = await list(as, [Query.search('title', 'Hello')]);
      expect(search.rows.map((row) => row.$id)).not.toContain(postId);
      const byId = await list(as, [Query.equal('$id', postId)]);
      expect(byId.total).toBe(0);
    }
    for (const as of ['owner', 'admin'] as const) {
      const row = await readAs(new TablesDB(clientOf(as)), TableId.posts, postId);
      expect(row).toMatchObject({ hidden: true, hiddenReason: 'Off topic' });
    }
    // The posts function treats it as missing: no like, unlike or comment moves its frozen counts.
    const like = await execute(FunctionId.posts, 'other', {
      ...routeRequest(Route.posts.like, { postId }),
      body: '',
    });
    expect(like.status, like.text).toBe(404);
  });

  test('nothing notifies about a hidden post: its like and comment are 404 before any notification', async () => {
    const w = await seededWorld();
    const { postId, hiddenPostId } = w.params;
    await tables.updateRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: IDS.other,
      data: { handle: 'md_other' },
    });
    const comment = (on: string) =>
      execute(FunctionId.posts, 'user', {
        ...routeRequest(Route.posts.comment, { postId: on }),
        body: JSON.stringify({ body: 'What do you think, @md_other?' }),
      });
    const like = await execute(FunctionId.posts, 'user', {
      ...routeRequest(Route.posts.like, { postId: hiddenPostId }),
      body: '',
    });
    expect(like.status, like.text).toBe(404);
    expect((await comment(hiddenPostId)).status).toBe(404);
    // The same comment on the visible post notifies both: the mention works here.
    expect((await comment(postId)).status).toBe(201);
    const byUser = (as: Role, about: string) =>
      new TablesDB(clientOf(as)).listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.notifications,
        queries: [Query.equal('postId', about), Query.equal('actorId', IDS.user)],
      });
    expect((await byUser('other', postId)).total).toBe(1);
    expect((await byUser('owner', postId)).total).toBe(1);
    expect((await byUser('other', hiddenPostId)).total).toBe(0);
    expect((await byUser('owner', hiddenPostId)).total).toBe(0);
  });

  test('the queue (reports) is readable by admins only', async () => {
    const w = await seededWorld();
    const read = (as: Role) =>
      new TablesDB(clientOf(as)).listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.reports,
        queries: [Query.equal('status', 'open'), Query.equal('postId', w.params.postId)],
      });
    expect((await read('admin')).total).toBe(2);
    for (const as of ['guest', 'user', 'owner'] as const) {
      await expect(read(as)).rejects.toMatchObject({ code: 401 });
    }
  });
});
