import { Query, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll } from 'vitest';
import { createPostsRepo } from '../../functions/posts/src/posts-repo.ts';
import { orNull } from '../../lib/appwrite-errors.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { applyAgoraTables, keyClientOf } from '../support/posts-function.ts';
import { postsRepoSuite } from '../unit/functions/posts-repo-suite.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/** The node-appwrite repository of `posts` against the local Appwrite, held to the fake's suite. */

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  const { Users } = await import('node-appwrite');
  const users = new Users(keyClient);
  for (const [userId, labels] of [
    ['suite-admin', ['member', 'admin']],
    ['suite-user', ['member']],
  ] as const) {
    await users.create({ userId, email: `${userId}@example.com` });
    await users.updateLabels({ userId, labels: [...labels] });
    await users.updateEmailVerification({ userId, emailVerification: true });
  }
  await new TablesDB(keyClient).createRow({
    databaseId: DATABASE_ID,
    tableId: TableId.profiles,
    rowId: 'suite-profiled',
    data: { name: 'P', postsCount: 0, commentsCount: 0, likesReceived: 0 },
  });
}, 30_000);
afterAll(async () => server.close());

postsRepoSuite('node-appwrite on the local Appwrite', async () => {
  // A fresh profile row per test keeps the counter assertions independent of test order.
  const keyClient = keyClientOf(server);
  const tables = new TablesDB(keyClient);
  await tables
    .deleteRow({ databaseId: DATABASE_ID, tableId: TableId.profiles, rowId: 'suite-profiled' })
    .catch(() => undefined);
  await tables.createRow({
    databaseId: DATABASE_ID,
    tableId: TableId.profiles,
    rowId: 'suite-profiled',
    data: { name: 'P', postsCount: 0, commentsCount: 0, likesReceived: 0 },
  });
  return {
    repo: createPostsRepo(keyClient),
    adminId: 'suite-admin',
    userId: 'suite-user',
    profiledUserId: 'suite-profiled',
    read: async (counter) => {
      const row = await orNull(
        tables.getRow({
          databaseId: DATABASE_ID,
          tableId: counter.table === 'stats' ? TableId.stats : TableId[counter.table],
          rowId: counter.table === 'stats' ? STATS_ROW_ID : counter.rowId,
        }),
      );
      return row ? Number((row as Record<string, unknown>)[counter.column] ?? 0) : null;
    },
    openTransactions: async () =>
      (await tables.listTransactions({ queries: [Query.equal('status', ['pending'])] })).total,
  };
});
