import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PostPage } from '../../../client/src/lib/api/posts.ts';
import { PostSearch } from '../../../client/src/lib/search.svelte.ts';
import type { Post } from '../../../shared/schemas/post.ts';

const page = (posts: Post[], more = false): PostPage => ({ posts, more });

const post = (id: string, title: string): Post => ({
  $id: id,
  $sequence: '1',
  $tableId: 'posts',
  $databaseId: 'agora',
  $createdAt: '2026-11-29T10:00:00.000+00:00',
  $updatedAt: '2026-11-29T10:00:00.000+00:00',
  $permissions: [],
  authorId: 'u1',
  title,
  body: 'b',
  tags: [],
  likesCount: 0,
  commentsCount: 0,
  hidden: false,
  hiddenReason: null,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PostSearch', () => {
  it('searches 300 ms after the last keystroke, once', async () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    const search = new PostSearch(async (text) => {
      asked.push(text);
      return page([post('1', text)]);
    });
    for (const text of ['s', 'sv', 'sve', 'svelte']) {
      search.query = text;
      search.typed();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(asked).toEqual([]);
    expect(search.searching).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(asked).toEqual(['svelte']);
    expect(search.answered).toBe('svelte');
    expect(search.results.map((item) => item.title)).toEqual(['svelte']);
    expect(search.searching).toBe(false);
  });

  it('drops a slow older answer that arrives after the newer one', async () => {
    const pending = new Map<string, (posts: Post[]) => void>();
    const search = new PostSearch(
      (text) =>
        new Promise<PostPage>((resolve) => pending.set(text, (posts) => resolve(page(posts)))),
    );
    const first = search.run('ag');
    const second = search.run('agora');
    pending.get('agora')?.([post('2', 'agora')]);
    await second;
    pending.get('ag')?.([post('1', 'ag')]);
    await first;
    expect(search.answered).toBe('agora');
    expect(search.results.map((item) => item.$id)).toEqual(['2']);
  });

  it('clearing the box cancels what is pending and empties the results', async () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    const search = new PostSearch(async (text) => {
      asked.push(text);
      return page([post('1', text)]);
    });
    search.query = 'agora';
    search.typed();
    search.query = '  ';
    search.typed();
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toEqual([]);
    expect(search.results).toEqual([]);
    expect(search.searching).toBe(false);
  });

  it('keeps an error for the view, and a later success clears it', async () => {
    let fail = true;
    const search = new PostSearch(async () => {
      if (fail) throw new TypeError('Failed to fetch');
      return page([]);
    });
    await search.run('x');
    expect(search.error?.type).toBe('network_error');
    fail = false;
    await search.run('y');
    expect(search.error).toBeNull();
  });

  it('follows the address: a new q replaces the box and the results; the same q is not re-run', async () => {
    const asked: string[] = [];
    const search = new PostSearch(async (text) => {
      asked.push(text);
      return page([post(text, text)]);
    });
    search.follow('science');
    await vi.waitFor(() => expect(search.answered).toBe('science'));
    search.follow('culture');
    await vi.waitFor(() => expect(search.answered).toBe('culture'));
    expect(search.query).toBe('culture');
    expect(search.results.map((item) => item.$id)).toEqual(['culture']);
    search.follow('culture');
    search.follow('');
    expect(search.query).toBe('');
    expect(search.results).toEqual([]);
    expect(asked).toEqual(['science', 'culture']);
  });

  it('more() appends the next page after the last result, and stops when a page is short', async () => {
    const asked: Array<string | undefined> = [];
    const search = new PostSearch(async (_text, cursor) => {
      asked.push(cursor);
      return cursor ? page([post('c', 'c')], false) : page([post('a', 'a'), post('b', 'b')], true);
    });
    await search.run('words');
    expect(search.hasMore).toBe(true);
    await search.more();
    expect(search.results.map((item) => item.$id)).toEqual(['a', 'b', 'c']);
    expect(search.hasMore).toBe(false);
    await search.more();
    expect(asked).toEqual([undefined, 'b']);
  });

  it('says when a query is cut, and searches only its first characters', async () => {
    const asked: string[] = [];
    const search = new PostSearch(async (text) => {
      asked.push(text);
      return page([]);
    });
    search.query = 'a'.repeat(129);
    expect(search.cut).toBe(true);
    await search.run(search.query);
    expect(asked[0]).toHaveLength(128);
    search.query = 'a'.repeat(128);
    expect(search.cut).toBe(false);
  });
});
