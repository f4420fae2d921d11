import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdminUserPage, AdminUserView } from '#shared/schemas/admin.ts';
import { AdminUsers, type AdminUsersApi } from '../../../client/src/lib/admin-users.svelte.ts';
import { ApiError } from '../../../client/src/lib/api-error.ts';

const user = (id: string, extra: Partial<AdminUserView> = {}): AdminUserView => ({
  $id: id,
  $createdAt: '2026-11-01T10:00:00.000+00:00',
  name: id,
  email: `${id}@example.com`,
  emailVerification: true,
  status: true,
  admin: false,
  labels: [],
  ...extra,
});

/** A fake admin function: pages of two over `ids`, filtered by search, with every call recorded. */
function fakeApi(ids: string[]) {
  const calls: { search: string; cursor: string | null }[] = [];
  const api: AdminUsersApi = {
    list: vi.fn(async ({ search, cursor }) => {
      calls.push({ search, cursor });
      const matching = ids.filter((id) => id.includes(search));
      const start = cursor === null ? 0 : matching.indexOf(cursor) + 1;
      const users = matching.slice(start, start + 2).map((id) => user(id));
      const last = users[users.length - 1];
      const page: AdminUserPage = {
        users,
        nextCursor: last && start + 2 < matching.length ? last.$id : null,
      };
      return page;
    }),
    setAdmin: vi.fn(async () => ({})),
    setBlocked: vi.fn(async () => ({})),
    remove: vi.fn(async (userId: string) => {
      ids.splice(ids.indexOf(userId), 1);
    }),
  };
  return { api, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AdminUsers: paging by cursor', () => {
  it('goes forward by next cursors and back through the same cursors', async () => {
    const { api, calls } = fakeApi(['ann', 'bob', 'cid', 'dan', 'eve']);
    const table = new AdminUsers(api, 0);
    await table.load();
    expect(table.users.map((u) => u.$id)).toEqual(['ann', 'bob']);
    expect(table.hasPrevious).toBe(false);
    await table.next();
    await table.next();
    expect(table.users.map((u) => u.$id)).toEqual(['eve']);
    expect(table.page).toBe(3);
    expect(table.hasNext).toBe(false);
    await table.previous();
    expect(table.users.map((u) => u.$id)).toEqual(['cid', 'dan']);
    expect(calls.map((c) => c.cursor)).toEqual([null, 'bob', 'dan', 'bob']);
  });
});

describe('AdminUsers: search', () => {
  it('waits for a pause in typing, then searches once from the first page', async () => {
    vi.useFakeTimers();
    const { api, calls } = fakeApi(['ann', 'anna', 'bob']);
    const table = new AdminUsers(api, 300);
    await table.load();
    await table.next();
    for (const text of ['a', 'an', 'ann']) {
      table.search = text;
      table.searchChanged();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(3);
    expect(calls[2]).toEqual({ search: 'ann', cursor: null });
    expect(table.page).toBe(1);
  });

  it('drops an answer that a newer request overtook', async () => {
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const api: AdminUsersApi = {
      ...fakeApi([]).api,
      list: async ({ search }) => {
        if (search === '') await slow;
        return { users: [user(search || 'everyone')], nextCursor: null };
      },
    };
    const table = new AdminUsers(api, 0);
    const first = table.load();
    table.search = 'zed';
    await table.applySearch();
    releaseSlow();
    await first;
    expect(table.users.map((u) => u.$id)).toEqual(['zed']);
    expect(table.loading).toBe(false);
  });
});

describe('AdminUsers: row actions', () => {
  it('shows a grant at once and keeps it when the server agrees', async () => {
    const { api } = fakeApi(['ann']);
    const table = new AdminUsers(api, 0);
    await table.load();
    const pending = table.toggleAdmin(table.users[0] as AdminUserView);
    expect(table.users[0]?.admin).toBe(true);
    expect(table.pending.has('ann')).toBe(true);
    await pending;
    expect(table.users[0]?.admin).toBe(true);
    expect(table.pending.has('ann')).toBe(false);
    expect(api.setAdmin).toHaveBeenCalledWith('ann', true);
  });

  it('rolls a block back and rethrows when the server refuses', async () => {
    const { api } = fakeApi(['ann']);
    api.setBlocked = vi.fn(async () => {
      throw new ApiError('user_unauthorized', 'no', 401);
    });
    const table = new AdminUsers(api, 0);
    await table.load();
    const attempt = table.toggleBlocked(table.users[0] as AdminUserView);
    expect(table.users[0]?.status).toBe(false);
    await expect(attempt).rejects.toMatchObject({ type: 'user_unauthorized' });
    expect(table.users[0]?.status).toBe(true);
    expect(api.setBlocked).toHaveBeenCalledWith('ann', true);
  });

  it('removes a deleted user from the page', async () => {
    const { api } = fakeApi(['ann', 'bob']);
    const table = new AdminUsers(api, 0);
    await table.load();
    await table.remove(table.users[0] as AdminUserView);
    expect(api.remove).toHaveBeenCalledWith('ann');
    expect(table.users.map((u) => u.$id)).toEqual(['bob']);
    await vi.waitFor(() => expect(table.loading).toBe(false));
    expect(table.users.map((u) => u.$id)).toEqual(['bob']);
  });
});
