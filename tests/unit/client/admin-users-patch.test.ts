import { describe, expect, it } from 'vitest';
import type { AdminUserView } from '#shared/schemas/admin.ts';
import { optimisticPatch } from '../../../client/src/lib/admin-users-patch.ts';

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

describe('optimisticPatch', () => {
  it('shows the change at once, with the admin label in step', () => {
    const { next } = optimisticPatch([user('a'), user('b')], 'a', { admin: true });
    expect(next[0]).toMatchObject({ admin: true, labels: ['admin'] });
    expect(next[1]).toEqual(user('b'));
  });

  it('rolls back only its own change, keeping what happened to other rows meanwhile', () => {
    const table = [user('a', { admin: true, labels: ['admin', 'vip'] }), user('b')];
    const revoke = optimisticPatch(table, 'a', { admin: false });
    expect(revoke.next[0]?.labels).toEqual(['vip']);
    const block = optimisticPatch(revoke.next, 'b', { status: false });
    const restored = revoke.rollback(block.next);
    expect(restored[0]).toMatchObject({ admin: true, labels: ['vip', 'admin'] });
    expect(restored[1]?.status).toBe(false);
  });

  it('rolls back a block to the status the row had', () => {
    const { next, rollback } = optimisticPatch([user('a')], 'a', { status: false });
    expect(next[0]?.status).toBe(false);
    expect(rollback(next)[0]?.status).toBe(true);
  });

  it('leaves the input untouched', () => {
    const table = [user('a')];
    optimisticPatch(table, 'a', { admin: true });
    expect(table[0]).toEqual(user('a'));
  });
});
