import fc from 'fast-check';
import {
  AppwriteException,
  Client,
  type Client as ClientType,
  Functions,
  ID,
  Query,
  Storage,
  TablesDB,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BucketId, DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import type { MaintenanceReport } from '../../shared/schemas/stats.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import { applyAgoraBuckets, TINY_PNG } from '../support/agora-buckets.ts';
import {
  applyAgoraTables,
  executeFunction,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `maintenance` function end to end: a small board seeded with the key (every counter right),
 * then broken on purpose; maintenance runs through createExecution as an operator would (a server
 * key), and every counter reads exact again. Old orphaned avatar files go, linked and young ones
 * stay; finished jobs with their exports, old webhook deliveries and expired rate-limit rows go.
 * Files cannot be back-dated through the API, so the test ages them in the local Appwrite's SQLite.
 */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const USERS = ['ann', 'bob', 'cyd'];
/** post → [author, likers, commenters] */
const POSTS: Record<string, [string, string[], string[]]> = {
  p1: ['ann', ['bob', 'cyd'], ['bob']],
  p2: ['ann', ['bob'], []],
  p3: ['bob', [], ['ann', 'cyd', 'ann']],
  p4: ['cyd', ['ann', 'bob', 'cyd'], ['cyd']],
};

let server: LocalServer;
let keyClient: ClientType;
let tables: TablesDB;
let storage: Storage;

const at = (tableId: string) => ({ databaseId: DATABASE_ID, tableId });
const iso = (ms: number) => new Date(Date.now() - ms).toISOString().replace('Z', '+00:00');

async function row(tableId: string, rowId: string) {
  return (await tables.getRow({ ...at(tableId), rowId })) as unknown as Record<string, unknown>;
}

async function ids(tableId: string): Promise<string[]> {
  const list = await tables.listRows({ ...at(tableId), queries: [Query.limit(100)] });
  return list.rows.map((r) => r.$id).sort();
}

async function fileIds(bucketId: string): Promise<string[]> {
  return (await storage.listFiles({ bucketId })).files.map((f) => f.$id).sort();
}

/** What every counter should read, from the seeded rows. */
function exactCounters() {
  const profiles = Object.fromEntries(
    USERS.map((u) => [u, { postsCount: 0, commentsCount: 0, likesReceived: 0 }]),
  );
  const posts: Record<string, { likesCount: number; commentsCount: number }> = {};
  let likes = 0;
  let comments = 0;
  for (const [postId, [author, likers, commenters]] of Object.entries(POSTS)) {
    posts[postId] = { likesCount: likers.length, commentsCount: commenters.length };
    const profile = profiles[author];
    if (profile) {
      profile.postsCount += 1;
      profile.likesReceived += likers.length;
    }
    for (const c of commenters) {
      const commenter = profiles[c];
      if (commenter) commenter.commentsCount += 1;
    }
    likes += likers.length;
    comments += commenters.length;
  }
  const stats = { users: USERS.length, posts: Object.keys(POSTS).length, comments, likes };
  return { profiles, posts, stats };
}

async function readCounters() {
  const profiles: Record<string, unknown> = {};
  for (const u of USERS) {
    const { postsCount, commentsCount, likesReceived } = await row(TableId.profiles, u);
    profiles[u] = { postsCount, commentsCount, likesReceived };
  }
  const posts: Record<string, unknown> = {};
  for (const p of Object.keys(POSTS)) {
    const { likesCount, commentsCount } = await row(TableId.posts, p);
    posts[p] = { likesCount, commentsCount };
  }
  const { users, posts: postsTotal, comments, likes } = await row(TableId.stats, STATS_ROW_ID);
  return { profiles, posts, stats: { users, posts: postsTotal, comments, likes } };
}

async function maintain(body?: unknown): Promise<MaintenanceReport> {
  const answer = await executeFunction(
    keyClient,
    'maintenance',
    { method: 'POST', path: '/' },
    body,
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body as unknown as MaintenanceReport;
}

/** Uploads a file with the key and, when `ageMs` is set, ages it in the local Appwrite's SQLite. */
async function file(bucketId: string, fileId: string, name: string, ageMs = 0): Promise<void> {
  const bytes = name.endsWith('.csv') ? Buffer.from('a,b\n1,2\n') : TINY_PNG;
  await storage.createFile({ bucketId, fileId, file: InputFile.fromBuffer(bytes, name) });
  if (ageMs > 0) {
    server.app.emulator.db
      .prepare('UPDATE storage_files SET created_at = ? WHERE id = ?')
      .run(iso(ageMs), fileId);
  }
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  storage = new Storage(keyClient);
  await applyAgoraBuckets(keyClient);
  await deployWithVariables(keyClient, 'maintenance', {});

  const exact = exactCounters();
  for (const u of USERS) {
    await tables.createRow({
      ...at(TableId.profiles),
      rowId: u,
      data: { name: u, ...exact.profiles[u] },
    });
  }
  for (const [postId, [authorId, likers, commenters]] of Object.entries(POSTS)) {
    await tables.createRow({
      ...at(TableId.posts),
      rowId: postId,
      data: { authorId, title: postId, body: 'Body', tags: [], ...exact.posts[postId] },
    });
    for (const userId of likers) {
      await tables.createRow({
        ...at(TableId.likes),
        rowId: ID.unique(),
        data: { postId, userId },
      });
    }
    for (const authorOfComment of commenters) {
      await tables.createRow({
        ...at(TableId.comments),
        rowId: ID.unique(),
        data: { postId, authorId: authorOfComment, body: 'Hi' },
      });
    }
  }
  await tables.createRow({ ...at(TableId.stats), rowId: STATS_ROW_ID, data: exact.stats });
}, 60_000);
afterAll(async () => server.close());

describe('maintenance end to end', () => {
  test('a consistent board → nothing repaired', async () => {
    const report = await maintain();
    expect(report.repairedCounters).toBe(0);
    expect(report.failed).toEqual([]);
    expect(report.checked).toMatchObject({ posts: 4, profiles: 3 });
    // Its rows carry no permissions yet: the visibility repair gives every one read("any").
    expect(report.repairedPermissions).toBe(4 + exactCounters().stats.comments);
    // Its profiles were made without handles (as before handles): each has one now, unique.
    expect(report.handlesGiven).toBe(3);
    const profiles = await tables.listRows({ ...at(TableId.profiles), queries: [] });
    const handles = profiles.rows.map((row) => row.handle);
    expect(new Set(handles).size).toBe(3);
    expect(handles.every((handle) => typeof handle === 'string')).toBe(true);
    expect((await maintain()).handlesGiven).toBe(0);
  });

  test('rows made without permissions (before moderation) get read("any"): a guest reads them', async () => {
    // The board above was written with the key and no permissions, as rows made before `posts`
    // and `comments` turned rowSecurity on: the first run (the test above) backfilled them.
    const guest = new TablesDB(
      new Client().setEndpoint(server.endpoint).setProject(server.projectId),
    );
    const read = await guest.getRow({ ...at(TableId.posts), rowId: 'p1' });
    expect(read.$permissions).toEqual(['read("any")']);
    const comments = await guest.listRows({ ...at(TableId.comments), queries: [Query.limit(100)] });
    expect(comments.total).toBe(exactCounters().stats.comments);
    expect((await maintain()).repairedPermissions).toBe(0);
    await tables.updateRow({ ...at(TableId.posts), rowId: 'p1', permissions: [] });
    expect((await maintain()).repairedPermissions).toBe(1);
  });

  test('counters broken on purpose → all exact again; a second run finds nothing', async () => {
    const exact = exactCounters();
    await tables.updateRow({ ...at(TableId.posts), rowId: 'p1', data: { likesCount: 40 } });
    await tables.updateRow({ ...at(TableId.posts), rowId: 'p3', data: { commentsCount: 0 } });
    await tables.updateRow({
      ...at(TableId.profiles),
      rowId: 'ann',
      data: { postsCount: 0, likesReceived: 99, commentsCount: 7 },
    });
    await tables.updateRow({
      ...at(TableId.stats),
      rowId: STATS_ROW_ID,
      data: { users: 0, posts: 1, comments: 100, likes: 2 },
    });
    expect(await readCounters()).not.toEqual(exact);

    const dry = await maintain({ dryRun: true });
    expect(dry.repairedCounters).toBeGreaterThan(0);
    expect((await row(TableId.posts, 'p1')).likesCount).toBe(40);

    const report = await maintain();
    expect(await readCounters()).toEqual(exact);
    expect(report.repairs).toContainEqual({
      table: 'posts',
      rowId: 'p1',
      column: 'likesCount',
      from: 40,
      to: 2,
    });
    expect(report.repairedCounters).toBe(2 + 3 + 4);
    expect((await maintain()).repairedCounters).toBe(0);
  });

  test('a missing stats row is made from the recount', async () => {
    await tables.deleteRow({ ...at(TableId.stats), rowId: STATS_ROW_ID });
    await maintain();
    expect((await readCounters()).stats).toEqual(exactCounters().stats);
  });

  test('orphaned avatar older than an hour → removed; a linked one and a fresh upload stay', async () => {
    await file(BucketId.avatars, 'linked', 'a.png', 3 * HOUR);
    await file(BucketId.avatars, 'orphan', 'b.png', 2 * HOUR);
    await file(BucketId.avatars, 'fresh', 'c.png');
    await tables.updateRow({ ...at(TableId.profiles), rowId: 'bob', data: { avatarId: 'linked' } });
    const report = await maintain();
    expect(report.removed.avatarFiles).toBe(1);
    expect(await fileIds(BucketId.avatars)).toEqual(['fresh', 'linked']);
  });

  test('finished jobs older than 7 days go with their exports; old deliveries and expired rate limits go', async () => {
    await file(BucketId.exports, 'old-csv', 'old.csv');
    await file(BucketId.exports, 'new-csv', 'new.csv');
    const job = (rowId: string, status: string, fileId: string | null, ageMs: number) =>
      tables.createRow({
        ...at(TableId.jobs),
        rowId,
        data: { kind: 'export-users', status, requestedBy: 'ann', fileId, $updatedAt: iso(ageMs) },
      });
    await job('old-done', 'succeeded', 'old-csv', 8 * DAY);
    await job('old-failed', 'failed', null, 10 * DAY);
    await job('old-stuck', 'running', null, 8 * DAY);
    await job('new-done', 'succeeded', 'new-csv', DAY);
    const delivery = (rowId: string, ageMs: number) =>
      tables.createRow({
        ...at(TableId.webhookDeliveries),
        rowId,
        data: {
          webhookId: 'w',
          events: 'users.*.create',
          bodyHash: '0'.repeat(64),
          bodyBytes: 2,
          bodyExcerpt: '{}',
          receivedAt: iso(ageMs),
        },
      });
    await delivery('old-delivery', 8 * DAY);
    await delivery('new-delivery', HOUR);
    const limit = (rowId: string, ageMs: number) =>
      tables.createRow({
        ...at(TableId.ratelimits),
        rowId,
        data: { userId: 'ann', action: 'post', windowStart: iso(ageMs), count: 3 },
      });
    await limit('expired-limit', 3 * HOUR);
    await limit('current-limit', 10 * 1000);

    const report = await maintain();
    expect(report.removed).toMatchObject({
      jobs: 2,
      exportFiles: 1,
      webhookDeliveries: 1,
      rateLimits: 1,
    });
    expect(await ids(TableId.jobs)).toEqual(['new-done', 'old-stuck']);
    expect(await fileIds(BucketId.exports)).toEqual(['new-csv']);
    expect(await ids(TableId.webhookDeliveries)).toEqual(['new-delivery']);
    expect(await ids(TableId.ratelimits)).toEqual(['current-limit']);
  });

  test('guests, users and admins cannot execute it (execute: []); the server key can', async () => {
    const guest = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
    const user = await userWithSession(server, keyClient, 'dan');
    const admin = await userWithSession(server, keyClient, 'eve', { labels: ['admin'] });
    for (const as of [guest, user, admin]) {
      const refused = await new Functions(as)
        .createExecution({ functionId: 'maintenance', xpath: '/', body: '' })
        .then(
          () => null,
          (thrown: unknown) => thrown,
        );
      expect(refused).toBeInstanceOf(AppwriteException);
      expect((refused as AppwriteException).code).toBe(401);
    }
  });

  test('fast-check over the body: 200 or 400, never 5xx; a 400 or a dry run writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.json({ maxDepth: 2 }),
          fc.record({ dryRun: fc.jsonValue({ maxDepth: 1 }) }).map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          await tables.updateRow({ ...at(TableId.posts), rowId: 'p2', data: { likesCount: 9 } });
          const answer = await executeFunction(
            keyClient,
            'maintenance',
            { method: 'POST', path: '/' },
            body,
          );
          expect([200, 400], answer.text).toContain(answer.status);
          const repaired = answer.status === 200 && answer.body?.dryRun === false;
          expect((await row(TableId.posts, 'p2')).likesCount).toBe(repaired ? 1 : 9);
        },
      ),
      { numRuns: 12 },
    );
  });

  test('a bad body → 400 naming the field, nothing written', async () => {
    await tables.updateRow({ ...at(TableId.posts), rowId: 'p2', data: { likesCount: 9 } });
    const answer = await executeFunction(
      keyClient,
      'maintenance',
      { method: 'POST', path: '/' },
      { dryRun: 'yes' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'general_argument_invalid', fields: { dryRun: {} } });
    expect((await row(TableId.posts, 'p2')).likesCount).toBe(9);
    await maintain();
    expect((await row(TableId.posts, 'p2')).likesCount).toBe(1);
  });
});
