import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Post } from '#shared/schemas/post.ts';

const fake = vi.hoisted(() => ({
  queries: [] as string[][],
  rows: [] as unknown[],
  renamed: [] as string[],
  created: [] as unknown[],
  onEvent: null as ((event: { events: string[]; payload: unknown }) => void) | null,
}));

vi.mock('../../../client/src/lib/appwrite.ts', () => ({
  account: {
    updateName: async ({ name }: { name: string }) => {
      fake.renamed.push(name);
      return { $id: 'u1', name, email: 'ada@example.com', labels: [], emailVerification: true };
    },
  },
  tables: {
    listRows: async ({ queries }: { queries: string[] }) => {
      fake.queries.push(queries);
      return { rows: fake.rows, total: fake.rows.length };
    },
  },
  storage: {},
  functions: {},
  realtime: {},
  client: {},
}));
vi.mock('../../../client/src/lib/call-function.ts', () => ({
  callFunction: async (_fn: string, _route: unknown, _params: unknown, body: Post) => {
    fake.created.push(body);
    return { ...post('new1'), ...body };
  },
}));
vi.mock('../../../client/src/lib/realtime.svelte.ts', async (original) => ({
  ...(await original<object>()),
  subscribe: (_channels: string[], onEvent: typeof fake.onEvent) => {
    fake.onEvent = onEvent;
    return () => undefined;
  },
}));

const { draftKey, draftStore } = await import('../../../client/src/lib/drafts.ts');
const { PostEditor } = await import('../../../client/src/lib/post-editor.svelte.ts');
const { isSendShortcut, sendOnCtrlEnter } = await import('../../../client/src/lib/keys.ts');
const { Likes, likeAfterSignIn } = await import('../../../client/src/lib/likes.svelte.ts');
const { session } = await import('../../../client/src/lib/session.svelte.ts');
const { router } = await import('../../../client/src/lib/router.svelte.ts');
const { authors } = await import('../../../client/src/lib/authors.svelte.ts');
const { Feed } = await import('../../../client/src/lib/feed.svelte.ts');
const { DENSITY_KEY, density } = await import('../../../client/src/lib/density.svelte.ts');

function post(id: string, extra: Partial<Post> = {}): Post {
  return {
    $id: id,
    $sequence: '1',
    $tableId: 'posts',
    $databaseId: 'agora',
    $createdAt: '2026-12-06T10:00:00.000+00:00',
    $updatedAt: '2026-12-06T10:00:00.000+00:00',
    $permissions: [],
    authorId: 'u1',
    title: `Post ${id}`,
    body: 'Body',
    tags: [],
    likesCount: 0,
    commentsCount: 0,
    hidden: false,
    hiddenReason: null,
    ...extra,
  };
}

beforeEach(() => {
  localStorage.clear();
  fake.queries = [];
  fake.rows = [];
  fake.created = [];
  fake.renamed = [];
});
afterEach(() => {
  session.user = null;
  session.profile = null;
});

describe('drafts', () => {
  it('a draft is restored per member, kept as it changes, and gone after publishing', async () => {
    const ada = new PostEditor(null, draftStore('ada'));
    ada.title = 'Half a thought';
    ada.body = 'To be *continued*';
    ada.tags = ['ideas'];
    ada.keep();
    expect(JSON.parse(localStorage.getItem(draftKey('ada')) ?? '{}').title).toBe('Half a thought');

    const again = new PostEditor(null, draftStore('ada'));
    expect([again.title, again.body, again.tags, again.restored]).toEqual([
      'Half a thought',
      'To be *continued*',
      ['ideas'],
      true,
    ]);
    // Another member on this browser does not see it.
    expect(new PostEditor(null, draftStore('bob')).title).toBe('');

    again.body = 'Finished.';
    expect(await again.save()).not.toBeNull();
    expect(fake.created).toHaveLength(1);
    expect(localStorage.getItem(draftKey('ada'))).toBeNull();
  });

  it('"Discard draft" empties the form and the storage; editing a post keeps no draft', () => {
    const editor = new PostEditor(null, draftStore('ada'));
    editor.title = 'Nope';
    editor.keep();
    editor.discard();
    expect(editor.title).toBe('');
    expect(localStorage.getItem(draftKey('ada'))).toBeNull();
    const editing = new PostEditor('p1', draftStore('ada'));
    editing.title = 'An edit';
    editing.keep();
    expect(localStorage.getItem(draftKey('ada'))).toBeNull();
  });
});

describe('Ctrl/Cmd+Enter sends', () => {
  it('submits the field’s form through requestSubmit, Ctrl or Cmd, not plain Enter', () => {
    const form = document.createElement('form');
    const field = document.createElement('textarea');
    form.append(field);
    document.body.append(form);
    const submitted = vi.fn((event: Event) => event.preventDefault());
    form.addEventListener('submit', submitted);
    const detach = sendOnCtrlEnter(field);
    const press = (init: KeyboardEventInit) =>
      field.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }),
      );
    press({});
    expect(submitted).not.toHaveBeenCalled();
    press({ ctrlKey: true });
    press({ metaKey: true });
    expect(submitted).toHaveBeenCalledTimes(2);
    detach();
    form.remove();
    expect(isSendShortcut(new KeyboardEvent('keydown', { key: 'a', ctrlKey: true }))).toBe(false);
  });
});

describe('a guest’s Like', () => {
  it('goes to sign in, and from there back to that post with the like to apply', async () => {
    const likes = new Likes(() => undefined);
    await likes.toggle(post('p42'));
    expect(router.fullPath).toBe(`/signin?next=${encodeURIComponent(likeAfterSignIn('p42'))}`);
    expect(likeAfterSignIn('p42')).toBe('/post/p42?like=1');
  });
});

describe('a renamed member', () => {
  it('the header’s name, the author lines and the account (the admin table) all follow', async () => {
    session.user = { $id: 'u1', name: 'Ada', email: 'ada@example.com', labels: [] } as never;
    const profile = { $id: 'u1', name: 'Ada', bio: null, avatarId: null };
    session.profile = profile as never;
    await session.applyProfile({ ...profile, name: 'Ada Lovelace' } as never);
    expect(session.displayName).toBe('Ada Lovelace');
    expect(authors.get('u1')?.name).toBe('Ada Lovelace');
    expect(fake.renamed).toEqual(['Ada Lovelace']);
    expect((session.user as { name: string } | null)?.name).toBe('Ada Lovelace');
  });
});

describe('feeds: sorts and tag pages', () => {
  const sent = () => fake.queries.at(-1)?.map((q) => JSON.parse(q)) ?? [];

  it('"top" orders by likes; a tag page filters by its tag', async () => {
    const feed = new Feed({ tag: 'svelte', sort: 'top' });
    await feed.load();
    expect(sent()).toEqual(
      expect.arrayContaining([
        { method: 'contains', attribute: 'tags', values: ['svelte'] },
        { method: 'orderDesc', attribute: 'likesCount' },
      ]),
    );
    await feed.setSort('new');
    expect(sent()).toContainEqual({ method: 'orderDesc', attribute: '$createdAt' });
  });

  it('a tag page’s live feed takes only that tag’s new posts', async () => {
    const feed = new Feed({ tag: 'svelte' });
    const stop = $effect.root(() => {
      $effect(() => {
        void feed.posts;
      });
    });
    await feed.load();
    fake.onEvent?.({
      events: ['databases.agora.tables.posts.rows.a.create'],
      payload: post('a', { tags: ['rust'] }),
    });
    fake.onEvent?.({
      events: ['databases.agora.tables.posts.rows.b.create'],
      payload: post('b', { tags: ['svelte'] }),
    });
    expect(feed.posts.map((item) => item.$id)).toEqual(['b']);
    stop();
  });
});

describe('density', () => {
  it('is remembered in this browser', () => {
    density.set('compact');
    expect(localStorage.getItem(DENSITY_KEY)).toBe('compact');
    expect(density.compact).toBe(true);
    density.set('comfortable');
    expect(density.compact).toBe(false);
  });
});
