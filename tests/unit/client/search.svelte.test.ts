import { afterEach, describe, expect, it, vi } from 'vitest';
import { PostSearch } from '../../../client/src/lib/search.svelte.ts';
import type { Post } from '../../../shared/schemas/post.ts';

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
      return [post('1', text)];
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
      (text) => new Promise<Post[]>((resolve) => pending.set(text, resolve)),
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
      return [post('1', text)];
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
      return [];
    });
    await search.run('x');
    expect(search.error?.type).toBe('network_error');
    fail = false;
    await search.run('y');
    expect(search.error).toBeNull();
  });
});
