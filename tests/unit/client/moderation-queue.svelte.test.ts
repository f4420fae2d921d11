import { flushSync } from 'svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({
  list: vi.fn(),
  resolve: vi.fn(),
  subscribe: vi.fn(),
}));

vi.mock('../../../client/src/lib/api/moderation.ts', async (original) => ({
  ...(await original<typeof import('../../../client/src/lib/api/moderation.ts')>()),
  listOpenReports: calls.list,
  resolveReport: calls.resolve,
}));
vi.mock('../../../client/src/lib/realtime.svelte.ts', async (original) => ({
  ...(await original<typeof import('../../../client/src/lib/realtime.svelte.ts')>()),
  subscribe: calls.subscribe,
}));

const { ModerationQueue } = await import('../../../client/src/lib/moderation-queue.svelte.ts');
const { toasts } = await import('../../../client/src/lib/toasts.svelte.ts');
const { ApiError } = await import('../../../client/src/lib/api-error.ts');

function report(id: string, hour: number, extra: Record<string, unknown> = {}) {
  const at = `2026-12-06T${String(hour).padStart(2, '0')}:00:00.000+00:00`;
  return {
    $id: id,
    $sequence: '1',
    $tableId: 'reports',
    $databaseId: 'agora',
    $createdAt: at,
    $updatedAt: at,
    $permissions: [],
    targetType: 'post',
    targetId: `p-${id}`,
    postId: `p-${id}`,
    authorId: 'ann',
    reporterId: 'bob',
    reason: 'Spam',
    status: 'open',
    ...extra,
  };
}

/** Reads the queue inside an effect, as the page does, so its Realtime subscription opens. */
function watched(queue: InstanceType<typeof ModerationQueue>) {
  let seen: string[] = [];
  const stop = $effect.root(() => {
    $effect(() => {
      seen = queue.reports.map((r) => r.$id);
    });
  });
  flushSync();
  const ids = () => {
    flushSync();
    return seen;
  };
  return { ids, stop };
}

beforeEach(() => {
  vi.clearAllMocks();
  toasts.items = [];
  calls.subscribe.mockReturnValue(() => undefined);
});

describe('ModerationQueue', () => {
  it('loads the open reports, then follows Realtime: new ones in by age, settled ones out', async () => {
    calls.list.mockResolvedValue([report('a', 10), report('c', 12)]);
    const queue = new ModerationQueue();
    const view = watched(queue);
    await queue.load();
    expect(view.ids()).toEqual(['a', 'c']);
    expect(calls.subscribe).toHaveBeenCalledWith(
      ['tablesdb.agora.tables.reports.rows'],
      expect.any(Function),
      expect.anything(),
    );
    const onEvent = calls.subscribe.mock.calls[0]?.[1] as (event: unknown) => void;
    onEvent({ events: ['tablesdb.agora.tables.reports.rows.b.create'], payload: report('b', 11) });
    expect(view.ids()).toEqual(['a', 'b', 'c']);
    onEvent({
      events: ['tablesdb.agora.tables.reports.rows.a.update'],
      payload: report('a', 10, { status: 'hidden' }),
    });
    expect(view.ids()).toEqual(['b', 'c']);
    view.stop();
  });

  it('hide sends the admin’s reason (trimmed) and drops the report; an empty reason sends none', async () => {
    calls.list.mockResolvedValue([report('a', 10), report('b', 11)]);
    calls.resolve.mockImplementation(async (id: string) => report(id, 10, { status: 'hidden' }));
    const queue = new ModerationQueue();
    await queue.load();
    await queue.hide(queue.reports[0] as never, '  Advertising  ');
    expect(calls.resolve).toHaveBeenLastCalledWith('a', { action: 'hide', reason: 'Advertising' });
    await queue.hide(queue.reports[0] as never, '   ');
    expect(calls.resolve).toHaveBeenLastCalledWith('b', { action: 'hide' });
    expect(queue.reports).toEqual([]);
  });

  it('a refused action keeps the report and says why', async () => {
    calls.list.mockResolvedValue([report('a', 10)]);
    calls.resolve.mockRejectedValue(
      new ApiError('user_unauthorized', 'Only admins moderate.', 401),
    );
    const queue = new ModerationQueue();
    await queue.load();
    await queue.dismiss(queue.reports[0] as never);
    expect(queue.reports.map((r) => r.$id)).toEqual(['a']);
    expect(queue.busy.size).toBe(0);
    expect(toasts.items.map((t) => t.kind)).toEqual(['error']);
  });
});
