import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({
  unreadCount: vi.fn(),
  subscribe: vi.fn(),
  stop: vi.fn(),
}));

vi.mock('../../../client/src/lib/api/notifications.ts', () => ({
  unreadCount: calls.unreadCount,
}));
vi.mock('../../../client/src/lib/realtime.svelte.ts', () => ({ subscribe: calls.subscribe }));

const { notifications, badgeText, bellLabel, notificationText, notificationPath } = await import(
  '../../../client/src/lib/notifications.svelte.ts'
);

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** The last subscription's event handler and reconnect hook. */
function subscription() {
  const [channels, onEvent, options] = calls.subscribe.mock.calls.at(-1) ?? [];
  return { channels, onEvent, onReconnect: options?.onReconnect } as {
    channels: string[];
    onEvent: (event: unknown) => void;
    onReconnect: () => void;
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  notifications.watch(null);
  vi.clearAllMocks();
  calls.subscribe.mockReturnValue(calls.stop);
});

describe('the bell’s live unread count', () => {
  it('counts the member’s unread on watch and again on every Realtime event', async () => {
    calls.unreadCount.mockResolvedValueOnce(2).mockResolvedValueOnce(3);
    notifications.watch('me');
    await flush();
    expect(calls.unreadCount).toHaveBeenCalledWith('me');
    expect(subscription().channels).toEqual(['tablesdb.agora.tables.notifications.rows']);
    expect(notifications.unread).toBe(2);

    const version = notifications.version;
    subscription().onEvent({ events: ['tablesdb.agora.tables.notifications.rows.n1.create'] });
    await flush();
    expect(notifications.unread).toBe(3);
    expect(notifications.version).toBe(version + 1);
  });

  it('a late answer to an older count never overwrites a newer one', async () => {
    const first = deferred<number>();
    const second = deferred<number>();
    calls.unreadCount.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    notifications.watch('me');
    subscription().onEvent({ events: [] });
    second.resolve(5);
    await flush();
    first.resolve(1);
    await flush();
    expect(notifications.unread).toBe(5);
  });

  it('signing out stops watching and clears the count; a reconnect counts again', async () => {
    calls.unreadCount.mockResolvedValue(4);
    notifications.watch('me');
    await flush();
    subscription().onReconnect();
    await flush();
    expect(calls.unreadCount).toHaveBeenCalledTimes(2);
    notifications.watch(null);
    expect(calls.stop).toHaveBeenCalledOnce();
    expect(notifications.unread).toBe(0);
  });

  it('watching the same member twice subscribes once', async () => {
    calls.unreadCount.mockResolvedValue(0);
    notifications.watch('me');
    notifications.watch('me');
    expect(calls.subscribe).toHaveBeenCalledOnce();
  });
});

describe('what the bell and the list say', () => {
  it('badge and name', () => {
    expect([0, 1, 99, 100].map(badgeText)).toEqual(['', '1', '99', '99+']);
    expect(bellLabel(0)).toBe('Notifications');
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
  });

  const base = {
    $id: 'n1',
    $sequence: 1,
    $tableId: 'notifications',
    $databaseId: 'agora',
    $permissions: ['read("user:me")'],
    $createdAt: '2026-12-06T10:00:00.000+00:00',
    $updatedAt: '2026-12-06T10:00:00.000+00:00',
    recipientId: 'me',
    actorId: 'ada',
    postId: 'p1',
    commentId: null,
    excerpt: 'Hello',
    read: false,
  };

  it('one sentence per kind, linking to the post', () => {
    expect(notificationText({ ...base, kind: 'like' }, 'Ada')).toBe('Ada liked your post “Hello”');
    expect(notificationText({ ...base, kind: 'comment', commentId: 'c1' }, 'Ada')).toBe(
      'Ada commented on your post: “Hello”',
    );
    expect(notificationText({ ...base, kind: 'reply' }, 'Ada')).toContain('replied');
    expect(notificationText({ ...base, kind: 'mention' }, 'Ada')).toContain('mentioned you');
    expect(
      notificationText({ ...base, kind: 'moderation', actorId: null, excerpt: 'Spam' }, ''),
    ).toBe('A moderator hid your post. Reason: Spam');
    expect(notificationPath({ ...base, kind: 'like' })).toBe('/post/p1');
    expect(notificationPath({ ...base, kind: 'moderation', postId: null })).toBeNull();
  });
});
