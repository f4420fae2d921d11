// @vitest-environment jsdom
import { AppwriteException, Client, type Models, Query, TablesDB } from 'appwrite';
import { Client as ServerClient, TablesDB as ServerTablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProjectConfig } from '../../emulator/core/tablesdb/config.ts';
import { findProjectFile } from '../../emulator/project-file.ts';
import { DATABASE_ID, TableId } from '../../shared/ids.ts';
import {
  authorPostsQueries,
  FEED_PAGE,
  feedQueries,
  searchFieldQueries,
  searchQueries,
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
function plan(queries: string[]): string {
  return server.app.emulator.tablesdb.rows
    .explainList(who.key, DATABASE_ID, TableId.posts, queries)
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
        tags: [],
        likesCount: 0,
        commentsCount: 0,
      },
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
    const matches = (id: string) => Number(id.slice(1)) % 5 === 0 || Number(id.slice(1)) % 7 === 0;
    const expected = newestFirst.filter(matches);
    const first = await tables.listRows({
      ...base,
      queries: searchQueries('harbour lighthouse', 10),
    });
    expect(first.rows.map((row) => row.$id)).toEqual(expected.slice(0, 10));
    const rest = await tables.listRows({
      ...base,
      queries: searchQueries('harbour lighthouse', 10, first.rows.at(-1)?.$id),
    });
    expect(rest.rows.map((row) => row.$id)).toEqual(expected.slice(10, 20));
  });

  it('needs the fulltext index: searching a column without one is refused', async () => {
    const refused = await tables
      .listRows({ ...base, queries: [Query.search('authorId', 'ada')] })
      .catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(AppwriteException);
    expect((refused as AppwriteException).code).toBe(400);
  });
});
