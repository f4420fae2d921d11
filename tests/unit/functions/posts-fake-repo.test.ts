import { FakePostsRepo } from './posts-fake-repo.ts';
import { postsRepoSuite } from './posts-repo-suite.ts';

postsRepoSuite('in-memory fake', async () => {
  const repo = new FakePostsRepo(new Set(['admin-1']));
  repo.addProfile('profiled-1');
  return {
    repo,
    adminId: 'admin-1',
    userId: 'user-1',
    profiledUserId: 'profiled-1',
    read: async (counter) => {
      if (counter.table === 'stats') return repo.stats?.[counter.column] ?? null;
      const row =
        counter.table === 'posts'
          ? repo.posts.get(counter.rowId)
          : repo.profiles.get(counter.rowId);
      return row ? ((row as unknown as Record<string, number>)[counter.column] ?? 0) : null;
    },
    openTransactions: async () => repo.openTransactions,
  };
});
