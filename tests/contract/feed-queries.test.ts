// @vitest-environment jsdom

import { AppwriteException, Client, type Models, Query, TablesDB } from 'appwrite';
import { Client as ServerClient, TablesDB as ServerTablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProjectConfig } from '../../emulator/core/tablesdb/config.ts';
import { findProjectFile } from '../../emulator/project-file.ts';
import { VISIBLE_READ } from '../../functions/_lib/visibility.ts';
import { DATABASE_ID, TableId } from '../../shared/ids.ts';
import {
  authorPostsQueries,
  FEED_PAGE,
  feedQueries,
  notificationQueries,
  searchFieldQueries,
  searchQueries,
  unreadNotificationQueries,
} from '../../shared/queries.ts';
import { who } from '../support/emulator-data.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The browser's read paths, with the web SDK 28.0.0 in a jsdom window as a guest (posts are
 * `read("any")`), using the very query builders the client uses (shared/queries.ts): the feed
 * newest first by cursor, one author's posts, fulltext search on title and body — and that the local
 * Appwrite serves the feed and author pages from appwrite.json's indexes without a sort.
 */

const POSTS = 45;
const AUTHORS = ['ada', 'bob', 'cy'] as const;

let server: LocalServer;
let tables: TablesDB;
/** Every post id, newest first. */
let newestFirst: string[] = [];

const base = { databaseId: DATABASE_ID, tableId: TableId.posts };
const authorOf = (i: number) => AUTHORS[i % AUTHORS.length] ?? 'ada';
/** Likes spread so that many posts tie (the sequence breaks ties). */
const likesOf = (i: number) => (i * 7) % 11;

/** Reads every page of `queriesFor(cursor)` and returns the ids in order. */
async function allPages(queriesFor: (cursor?: string) => string[]): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await tables.listRows<Models.DefaultRow>({ ...base, queries: queriesFor(cursor) });
    const ids = page.rows.map((row) => row.$id);
    if (ids.length > 0) pages.push(ids);
    if (ids.length < FEED_PAGE) return pages;
    cursor = ids.at(-1);
  }
}

/** The key client a deploy would use (support/posts-function.ts would pull esbuild into jsdom). */
function keyClientOf(local: LocalServer) {
  return new ServerClient()
    .setEndpoint(local.endpoint)
    .setProject(local.projectId)
    .setKey(local.apiKey);
}

/** SQLite's plan for a list, as the local Appwrite runs it. */
function plan(queries: string[], tableId: TableId = TableId.posts): string {
  return server.app.emulator.tablesdb.rows
    .explainList(who.key, DATABASE_ID, tableId, queries)
    .join('\n');
}

beforeAll(async () => {
  server = await startLocalServer();
  const file = findProjectFile(process.cwd());
  if (!file) throw new Error('appwrite.json not found');
  applyProjectConfig(server.app.emulator.tablesdb.schema, file);
  const admin = new ServerTablesDB(keyClientOf(server));
  const created: string[] = [];
  for (let i = 0; i < POSTS; i++) {
    const row = await admin.createRow({
      ...base,
      rowId: `p${String(i).padStart(3, '0')}`,
      data: {
        authorId: authorOf(i),
        title: i % 5 === 0 ? `Harbour walk ${i}` : `Note ${i}`,
        body: i % 7 === 0 ? `We saw a lighthouse on day ${i}.` : `Plain text ${i}.`,
        tags: i % 3 === 0 ? ['harbour', 'walks'] : ['notes'],
        likesCount: likesOf(i),
        commentsCount: 0,
      },
      // As the posts function makes them: rowSecurity is on, each row is public by its own read.
      permissions: [...VISIBLE_READ],
    });
    created.push(row.$id);
    // Distinct $createdAt values, so "newest first" has one right answer.
    await new Promise((done) => setTimeout(done, 3));
  }
  newestFirst = created.reverse();
  tables = new TablesDB(new Client().setEndpoint(server.endpoint).setProject(server.projectId));
});
afterAll(() => server?.close());

describe('the feed: newest first, by cursor', () => {
  it('pages of 20 walk every post once, newest first', async () => {
    const pages = await allPages((cursor) => feedQueries(cursor));
    expect(pages.map((page) => page.length)).toEqual([20, 20, 5]);
    expect(pages.flat()).toEqual(newestFirst);
  });

  it('a post created after page 1 does not shift page 2 (the cursor, not an offset)', async () => {
    const first = await tables.listRows({ ...base, queries: feedQueries() });
    const cursor = first.rows.at(-1)?.$id;
    const admin = new ServerTablesDB(keyClientOf(server));
    await admin.createRow({
      ...base,
      rowId: 'late',
      data: { authorId: 'ada', title: 'Late', body: 'Arrived later', tags: [] },
      permissions: [...VISIBLE_READ],
    });
    try {
      const second = await tables.listRows({ ...base, queries: feedQueries(cursor) });
      expect(second.rows.map((row) => row.$id)).toEqual(newestFirst.slice(20, 40));
    } finally {
      await admin.deleteRow({ ...base, rowId: 'late' });
    }
  });

  it('is served by the feed index, without a sort', () => {
    for (const queries of [feedQueries(), feedQueries('p010')]) {
      const detail = plan(queries);
      expect(detail).toMatch(/USING (COVERING )?INDEX tdb_idx_/);
      expect(detail).not.toContain('TEMP B-TREE');
    }
  });
});

describe('sorts and tags', () => {
  it('top: most liked first, every post once by cursor', async () => {
    const pages = await allPages((cursor) => feedQueries(cursor, FEED_PAGE, { sort: 'top' }));
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(POSTS);
    const likes = ids.map((id) => likesOf(Number(id.slice(1))));
    expect(likes).toEqual([...likes].sort((a, b) => b - a));
  });

  it('top is served by the top index, without a sort', () => {
    const detail = plan(feedQueries('p010', FEED_PAGE, { sort: 'top' }));
    expect(detail).toMatch(/USING (COVERING )?INDEX tdb_idx_/);
    expect(detail).not.toContain('TEMP B-TREE');
  });

  it('week: only the last seven days', async () => {
    const now = await tables.listRows({
      ...base,
      queries: feedQueries(undefined, 100, { sort: 'week' }),
    });
    expect(now.rows).toHaveLength(POSTS);
    const later = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    const none = await tables.listRows({
      ...base,
      queries: feedQueries(undefined, 100, { sort: 'week', now: later }),
    });
    expect(none.rows).toEqual([]);
  });

  it('a tag page: only that tag, in the sort asked', async () => {
    const tagged = newestFirst.filter((id) => Number(id.slice(1)) % 3 === 0);
    const pages = await allPages((cursor) => feedQueries(cursor, FEED_PAGE, { tag: 'harbour' }));
    expect(pages.flat()).toEqual(tagged);
    const top = await tables.listRows({
      ...base,
      queries: feedQueries(undefined, 100, { tag: 'walks', sort: 'top' }),
    });
    expect(top.rows.map((row) => row.$id).sort()).toEqual([...tagged].sort());
  });
});

describe('an author’s posts', () => {
  it('only theirs, newest first, by cursor', async () => {
    const pages = await allPages((cursor) => authorPostsQueries('bob', cursor));
    const expected = newestFirst.filter((id) => authorOf(Number(id.slice(1))) === 'bob');
    expect(expected).toHaveLength(15);
    expect(pages.map((page) => page.length)).toEqual([15]);
    expect(pages.flat()).toEqual(expected);
    const firstFour = await tables.listRows({
      ...base,
      queries: authorPostsQueries('bob', undefined, 4),
    });
    const nextFour = await tables.listRows({
      ...base,
      queries: authorPostsQueries('bob', firstFour.rows.at(-1)?.$id, 4),
    });
    expect([...firstFour.rows, ...nextFour.rows].map((row) => row.$id)).toEqual(
      expected.slice(0, 8),
    );
  });

  it('is served by the by_author index, without a sort', () => {
    const detail = plan(authorPostsQueries('bob', 'p010'));
    expect(detail).toMatch(/USING (COVERING )?INDEX tdb_idx_/);
    expect(detail).not.toContain('TEMP B-TREE');
  });
});

describe('notifications', () => {
  it('a member’s list and unread count are served by their indexes, without a sort', () => {
    for (const queries of [notificationQueries('u1'), unreadNotificationQueries('u1')]) {
      const detail = plan(queries, TableId.notifications);
      expect(detail, queries.join(' ')).toMatch(/USING (COVERING )?INDEX tdb_idx_/);
      expect(detail, queries.join(' ')).not.toContain('TEMP B-TREE');
    }
  });
});

describe('search', () => {
  it('title: whole words, newest first', async () => {
    const list = await tables.listRows({
      ...base,
      queries: searchFieldQueries('title', 'harbour'),
    });
    const expected = newestFirst.filter((id) => Number(id.slice(1)) % 5 === 0);
    expect(list.rows.map((row) => row.$id)).toEqual(expected);
  });

  it('body', async () => {
    const list = await tables.listRows({
      ...base,
      queries: searchFieldQueries('body', 'lighthouse'),
    });
    const expected = newestFirst.filter((id) => Number(id.slice(1)) % 7 === 0);
    expect(list.rows.map((row) => row.$id)).toEqual(expected);
  });

  it('title or body in one query, paged by cursor', async () => {
    const expected = newestFirst.filter((id) => Number(id.slice(1)) % 7 === 0);
    const first = await tables.listRows({ ...base, queries: searchQueries('lighthouse', 4) });
    expect(first.rows.map((row) => row.$id)).toEqual(expected.slice(0, 4));
    const rest = await tables.listRows({
      ...base,
      queries: searchQueries('lighthouse', 4, first.rows.at(-1)?.$id),
    });
    expect(rest.rows.map((row) => row.$id)).toEqual(expected.slice(4, 8));
  });

  it('every word must match, in the title or the body', async () => {
    // "Harbour walk" titles (i % 5) with a lighthouse body (i % 7): posts 0 and 35 only.
    const both = await tables.listRows({
      ...base,
      queries: searchQueries('harbour lighthouse', 25),
    });
    expect(both.rows.map((row) => row.$id)).toEqual(['p035', 'p000']);
    const none = await tables.listRows({
      ...base,
      queries: searchQueries('harbour nowhere', 25),
    });
    expect(none.rows).toEqual([]);
  });

  it('markup in a query finds nothing through its one-letter or numeric leftovers', async () => {
    // Any-word matching found posts through "1"; every word must match now ("img", "src", …).
    const list = await tables.listRows({
      ...base,
      queries: searchQueries('<img src=x onerror=alert(1)>', 25),
    });
    expect(list.rows).toEqual([]);
  });

  it('needs the fulltext index: searching a column without one is refused', async () => {
    const refused = await tables
      .listRows({ ...base, queries: [Query.search('authorId', 'ada')] })
      .catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(AppwriteException);
    expect((refused as AppwriteException).code).toBe(400);
  });
});
