import type { AdminUserView } from '#shared/schemas/admin.ts';

/** The parts of a user row the admin flips in place. */
export type UserFlags = Partial<Pick<AdminUserView, 'admin' | 'status'>>;

/**
 * An optimistic change to one row of the users table: `next` is the table with the change shown at
 * once, and `rollback` undoes only that change on whatever the table has become by the time the
 * server says no (another row may have changed meanwhile; it keeps its own state).
 */
export function optimisticPatch(
  users: readonly AdminUserView[],
  userId: string,
  flags: UserFlags,
): { next: AdminUserView[]; rollback: (current: readonly AdminUserView[]) => AdminUserView[] } {
  const before = users.find((user) => user.$id === userId);
  const previous: UserFlags = {};
  if (before) {
    if (flags.admin !== undefined) previous.admin = before.admin;
    if (flags.status !== undefined) previous.status = before.status;
  }
  return {
    next: patchUser(users, userId, flags),
    rollback: (current) => patchUser(current, userId, previous),
  };
}

function patchUser(
  users: readonly AdminUserView[],
  userId: string,
  flags: UserFlags,
): AdminUserView[] {
  return users.map((user) => (user.$id === userId ? withFlags(user, flags) : user));
}

/** A user with `flags` applied, keeping `labels` in step with `admin` as the server would. */
function withFlags(user: AdminUserView, flags: UserFlags): AdminUserView {
  const next = { ...user, ...flags };
  if (flags.admin !== undefined) {
    const others = user.labels.filter((label) => label !== 'admin');
    next.labels = flags.admin ? [...others, 'admin'] : others;
  }
  return next;
}
