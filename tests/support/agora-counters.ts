/**
 * Agora's counters as stored, beside what a recount of the rows says they should be — for contract
 * tests that must show every counter moved exactly (`expect(stored).toEqual(recount)`).
 */
import { Query, type TablesDB } from 'node-appwrite';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';

export type Row = Record<string, unknown> & { $id: string };

/** Every row of a table, by cursor. */
export async function allRows(tables: TablesDB, tableId: string): Promise<Row[]> {
  const out: Row[] = [];
  for (;;) {
    const last = out.at(-1);
    const page = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId,
      queries: [Query.limit(500), ...(last ? [Query.cursorAfter(last.$id)] : [])],
      total: false,
    });
    out.push(...(page.rows as unknown as Row[]));
    if (page.rows.length < 500) return out;
  }
}

/**
 * The stored counters (the `stats` row, each post's `[likesCount, commentsCount]`, each profile's
 * `[postsCount, commentsCount, likesReceived]`), the same recounted from the rows, and the rows.
 */
export async function countersAndRecount(tables: TablesDB) {
  const [profiles = [], posts = [], comments = [], likes = []] = await Promise.all(
    [TableId.profiles, TableId.posts, TableId.comments, TableId.likes].map((id) =>
      allRows(tables, id),
    ),
  );
  const stats = (await tables.getRow({
    databaseId: DATABASE_ID,
    tableId: TableId.stats,
    rowId: STATS_ROW_ID,
  })) as unknown as Row;
  const authorOf = new Map(posts.map((p) => [p.$id, String(p.authorId)]));
  const count = (rows: Row[], test: (row: Row) => boolean) => rows.filter(test).length;
  const stored = {
    stats: { users: stats.users, posts: stats.posts, comments: stats.comments, likes: stats.likes },
    posts: Object.fromEntries(posts.map((p) => [p.$id, [p.likesCount, p.commentsCount]])),
    profiles: Object.fromEntries(
      profiles.map((p) => [p.$id, [p.postsCount, p.commentsCount, p.likesReceived]]),
    ),
  };
  const recount = {
    stats: {
      users: profiles.length,
      posts: posts.length,
      comments: comments.length,
      likes: likes.length,
    },
    posts: Object.fromEntries(
      posts.map((p) => [
        p.$id,
        [count(likes, (l) => l.postId === p.$id), count(comments, (c) => c.postId === p.$id)],
      ]),
    ),
    profiles: Object.fromEntries(
      profiles.map((p) => [
        p.$id,
        [
          count(posts, (x) => x.authorId === p.$id),
          count(comments, (c) => c.authorId === p.$id),
          count(likes, (l) => authorOf.get(String(l.postId)) === p.$id),
        ],
      ]),
    ),
  };
  return { stored, recount, rows: { profiles, posts, comments, likes } };
}
