import { Account, Client, Query, TablesDB, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDerivedUserId } from '#lib/user-ids.ts';
import { DEMO_POSTS, DEMO_USERS, seedBoard, seedUsers } from '../../scripts/seed.ts';
import { FunctionId } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables } from '../support/accounts-function.ts';
import { applyAgoraTables, keyClientOf } from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

const SECRET = 'a'.repeat(64);

describe('npm run seed against the local Appwrite', () => {
  let server: LocalServer;
  let users: Users;
  let tables: TablesDB;
  let keyClient: ReturnType<typeof keyClientOf>;
  beforeAll(async () => {
    server = await startLocalServer();
    // The board is made through the functions, as under npm start: the tables, on-user-created
    // (profiles for the derived ids) and posts (rate limits on, as npm start keeps them).
    applyAgoraTables(server);
    keyClient = keyClientOf(server);
    await deployWithVariables(keyClient, FunctionId.onUserCreated, { AGORA_ID_SECRET: SECRET });
    await deployWithVariables(keyClient, FunctionId.posts, {});
    await deployWithVariables(keyClient, FunctionId.moderation, {});
    users = new Users(keyClient);
    tables = new TablesDB(keyClient);
  }, 60_000);
  afterAll(() => server.close());

  it('makes the demo users, vetted by on-user-created (one an admin), and a second run changes nothing', async () => {
    const first = await seedUsers(keyClient, SECRET);
    expect(first).toContain('created admin@example.com');
    // The gate, not the script, wrote the labels: the registration asked for the admin role.
    expect(first.filter((line) => line.startsWith('labelled'))).toEqual([]);
    expect(await seedUsers(keyClient, SECRET)).toEqual([]);

    const { users: listed } = await users.list();
    expect(listed.map((u) => u.email).sort()).toEqual(DEMO_USERS.map((u) => u.email).sort());
    const admins = listed.filter((u) => u.labels.includes('admin')).map((u) => u.email);
    expect(admins).toEqual(['admin@example.com']);
    expect(listed.filter((u) => !u.labels.includes('member'))).toEqual([]);
    const open = await tables.listRows({ databaseId: DATABASE_ID, tableId: TableId.registrations });
    expect(open.total, 'every registration was consumed by the gate').toBe(0);
    expect(
      listed.filter((u) => !u.emailVerification).map((u) => u.email),
      'demo users are verified',
    ).toEqual([]);
  });

  it('prints logins that work', async () => {
    for (const demo of DEMO_USERS) {
      const account = new Account(
        new Client().setEndpoint(server.endpoint).setProject(server.projectId),
      );
      const session = await account.createEmailPasswordSession({
        email: demo.email,
        password: demo.password,
      });
      const user = (await users.list({ queries: [Query.equal('email', demo.email)] })).users[0];
      expect(session.userId).toBe(user?.$id);
      expect(isDerivedUserId(SECRET, session.userId)).toBe(true);
    }
  });

  it('makes the demo board through the posts function; every counter matches; a second run adds nothing', async () => {
    const sessionsOf = async () => {
      const { users: listed } = await users.list();
      return Promise.all(
        listed.map(async (u) => (await users.listSessions({ userId: u.$id })).total),
      );
    };
    const sessionsBefore = await sessionsOf();
    const first = await seedBoard(keyClientOf(server));
    const comments = DEMO_POSTS.reduce((sum, post) => sum + post.comments.length, 0);
    const likes = DEMO_POSTS.reduce((sum, post) => sum + post.likedBy.length, 0);
    const reports = DEMO_POSTS.reduce((sum, post) => sum + (post.reportedBy?.length ?? 0), 0);
    expect(first).toEqual([
      `${DEMO_POSTS.length} posts, ${comments} comments and ${likes} likes through the posts function`,
      `${reports} open report(s) through the moderation function`,
    ]);
    // The admin's queue has them, open.
    const queue = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.reports,
      queries: [Query.equal('status', 'open')],
    });
    expect(queue.total).toBe(reports);
    expect(await seedBoard(keyClientOf(server))).toEqual([]);

    const all = async (tableId: string) =>
      (await tables.listRows({ databaseId: DATABASE_ID, tableId, queries: [Query.limit(100)] }))
        .rows;
    const posts = await all(TableId.posts);
    expect(posts).toHaveLength(DEMO_POSTS.length);
    expect(await all(TableId.comments)).toHaveLength(comments);
    expect(await all(TableId.likes)).toHaveLength(likes);
    for (const demo of DEMO_POSTS) {
      const row = posts.find((post) => post.title === demo.title);
      expect(row, demo.title).toMatchObject({
        tags: demo.tags,
        likesCount: demo.likedBy.length,
        commentsCount: demo.comments.length,
      });
    }
    const stats = await tables.getRow({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
    });
    expect(stats).toMatchObject({
      users: DEMO_USERS.length,
      posts: DEMO_POSTS.length,
      comments,
      likes,
    });
    for (const demo of DEMO_USERS) {
      const user = (await users.list({ queries: [Query.equal('email', demo.email)] })).users[0];
      const profile = await tables.getRow({
        databaseId: DATABASE_ID,
        tableId: TableId.profiles,
        rowId: user?.$id ?? '',
      });
      const theirs = DEMO_POSTS.filter((post) => post.by === demo.email);
      expect(profile, demo.email).toMatchObject({
        postsCount: theirs.length,
        commentsCount: DEMO_POSTS.flatMap((post) => post.comments).filter(
          (c) => c.by === demo.email,
        ).length,
        likesReceived: theirs.reduce((sum, post) => sum + post.likedBy.length, 0),
      });
    }
    // The seed's own sessions are gone again.
    expect(await sessionsOf()).toEqual(sessionsBefore);
  }, 120_000);
});
