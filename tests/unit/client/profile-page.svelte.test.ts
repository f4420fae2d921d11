import { Query } from 'appwrite';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** The browser's TablesDB, faked: `rows` of an author's posts, newest first, and one profile. */
const fake = vi.hoisted(() => ({
  posts: [] as { $id: string }[],
  profileMissing: false,
  listCalls: [] as string[][],
}));

vi.mock('../../../client/src/lib/appwrite.ts', () => ({
  tables: {
    getRow: async ({ rowId }: { rowId: string }) => {
      if (fake.profileMissing) {
        const { AppwriteException } = await import('appwrite');
        throw new AppwriteException('Row not found', 404, 'row_not_found');
      }
      return row(rowId, { name: 'Ada', bio: null, avatarId: null, postsCount: 12 });
    },
    listRows: async ({ queries }: { queries: string[] }) => {
      fake.listCalls.push(queries);
      const cursor = queries.map((q) => JSON.parse(q)).find((q) => q.method === 'cursorAfter')
        ?.values[0];
      const limit = queries.map((q) => JSON.parse(q)).find((q) => q.method === 'limit').values[0];
      const start = cursor ? fake.posts.findIndex((post) => post.$id === cursor) + 1 : 0;
      return { total: fake.posts.length, rows: fake.posts.slice(start, start + limit) };
    },
  },
  client: {},
}));

const { authorPostsQueries, PROFILE_PAGE_SIZE, ProfilePage } = await import(
  '../../../client/src/lib/profile-page.svelte.ts'
);

function row(id: string, fields: Record<string, unknown>) {
  return {
    $id: id,
    $sequence: '1',
    $tableId: 't',
    $databaseId: 'agora',
    $createdAt: '2026-11-01T10:00:00.000+00:00',
    $updatedAt: '2026-11-01T10:00:00.000+00:00',
    $permissions: [],
    commentsCount: 0,
    likesReceived: 0,
    ...fields,
  };
}

const post = (n: number) =>
  row(`p${n}`, { authorId: 'ada', title: `Post ${n}`, body: 'Hi', tags: [], likesCount: 0 });

beforeEach(() => {
  fake.posts = Array.from({ length: 12 }, (_, index) => post(12 - index));
  fake.profileMissing = false;
  fake.listCalls = [];
});

describe('authorPostsQueries', () => {
  it('filters by the author, newest first, and pages after the cursor', () => {
    expect(authorPostsQueries('ada', null, 10)).toEqual([
      Query.equal('authorId', 'ada'),
      Query.orderDesc('$createdAt'),
      Query.limit(10),
    ]);
    expect(authorPostsQueries('ada', 'p3', 10)).toContain(Query.cursorAfter('p3'));
  });
});

describe('ProfilePage', () => {
  it('loads the profile and the first page, then the rest after the last post', async () => {
    const page = new ProfilePage('ada');
    await page.load();
    expect(page.status).toBe('ready');
    expect(page.profile?.postsCount).toBe(12);
    expect(page.posts).toHaveLength(PROFILE_PAGE_SIZE);
    expect(page.hasMore).toBe(true);
    await page.loadMore();
    expect(page.posts.map((p) => p.$id).slice(-2)).toEqual(['p2', 'p1']);
    expect(page.hasMore).toBe(false);
    expect(fake.listCalls[1]).toContain(Query.cursorAfter('p3'));
  });

  it('says "missing" for someone who does not exist, not an error', async () => {
    fake.profileMissing = true;
    const page = new ProfilePage('nobody');
    await page.load();
    expect(page.status).toBe('missing');
    expect(page.error).toBeNull();
  });
});
