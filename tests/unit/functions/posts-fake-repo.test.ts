import { FakePostsRepo } from './posts-fake-repo.ts';
import { postsRepoSuite } from './posts-repo-suite.ts';

postsRepoSuite('in-memory fake', async () => {
  const repo = new FakePostsRepo(new Set(['admin-1']));
  repo.addProfile('profiled-1');
  return { repo, adminId: 'admin-1', userId: 'user-1', profiledUserId: 'profiled-1' };
});
