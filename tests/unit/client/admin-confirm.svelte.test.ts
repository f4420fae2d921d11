import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminUserView } from '#shared/schemas/admin.ts';
import UsersTable from '../../../client/src/components/admin/UsersTable.svelte';
import { AdminUsers, type AdminUsersApi } from '../../../client/src/lib/admin-users.svelte.ts';

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

beforeAll(() => {
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
    this.dispatchEvent(new Event('close'));
  };
});

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function showTable(users: AdminUserView[]) {
  const api: AdminUsersApi = {
    list: vi.fn(async () => ({ users, nextCursor: null })),
    setAdmin: vi.fn(async () => ({})),
    setBlocked: vi.fn(async () => ({})),
    remove: vi.fn(async () => undefined),
  };
  const table = new AdminUsers(api, 0);
  await table.load();
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(UsersTable, { target, props: { table, meId: 'me' } });
  flushSync();
  cleanup = () => {
    void unmount(app);
    target.remove();
  };
  // Compared without spaces: the compiled template drops the one before the hidden " for <name>".
  const bare = (text: string | null) => text?.replace(/\s+/g, '');
  const button = (name: string) =>
    [...target.querySelectorAll('button')].find((b) => bare(b.textContent) === bare(name));
  const dialog = () => target.ownerDocument.querySelector('dialog');
  return { api, target, button, dialog };
}

describe('UsersTable: the grave actions ask first', () => {
  it('"Make admin" opens a dialog naming the person and acts only on its confirm', async () => {
    const { api, button, dialog } = await showTable([user('ann')]);
    button('Make admin for ann')?.click();
    flushSync();
    expect(api.setAdmin).not.toHaveBeenCalled();
    expect(dialog()?.open).toBe(true);
    expect(dialog()?.textContent).toContain('Make ann an admin?');
    dialog()?.querySelector('form')?.requestSubmit();
    await tick();
    await vi.waitFor(() => expect(api.setAdmin).toHaveBeenCalledWith('ann', true));
  });

  it('"Block" asks too; Cancel blocks no one', async () => {
    const { api, button, dialog } = await showTable([user('bob')]);
    button('Block bob')?.click();
    flushSync();
    expect(dialog()?.textContent).toContain('Block bob?');
    [...(dialog()?.querySelectorAll('button') ?? [])]
      .find((b) => b.textContent?.trim() === 'Cancel')
      ?.click();
    flushSync();
    await tick();
    expect(api.setBlocked).not.toHaveBeenCalled();
  });

  it('undoing — "Revoke admin", "Unblock" — acts at once', async () => {
    const { api, button } = await showTable([user('cid', { admin: true, status: false })]);
    button('Revoke admin for cid')?.click();
    button('Unblock cid')?.click();
    await vi.waitFor(() => expect(api.setBlocked).toHaveBeenCalledWith('cid', false));
    expect(api.setAdmin).toHaveBeenCalledWith('cid', false);
  });
});
