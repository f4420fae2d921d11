import { AppwriteException, type Client, TablesDB, Users } from 'node-appwrite';
import { orNull } from '#lib/appwrite-errors.ts';
import { registrationStore } from '#lib/registrations.ts';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import type { ProfileFields } from '#shared/schemas/profile.ts';
import type { RegistrationFields } from '#shared/schemas/registration.ts';
import { incrementStat } from '../../_lib/stats-counter.ts';

/**
 * What `on-user-created` asks of Appwrite. The node-appwrite implementation is below; the unit tests
 * use an in-memory one.
 */
export interface OnUserCreatedRepo {
  /** Blocks the user (`users.updateStatus`, scope `users.write`). */
  blockUser(userId: string): Promise<void>;
  /** The open registration of this id (`registrations` row); `null` when there is none. */
  findRegistration(userId: string): Promise<RegistrationFields | null>;
  /** Deletes the registration once the user is vetted; already gone is fine. */
  consumeRegistration(userId: string): Promise<void>;
  /**
   * Creates the profile row (row id = user id): `created`; `exists` when the row is there already (a
   * replay); `handle_taken` when another profile holds the handle (the unique index `handle`).
   */
  createProfile(userId: string, fields: ProfileFields): Promise<ProfileCreated>;
  /** Adds 1 to `stats.users` (the `global` row is created at zero when missing). */
  countUser(): Promise<void>;
  /** The user's labels; `null` when the user is gone. */
  labelsOf(userId: string): Promise<string[] | null>;
  /** Adds labels, keeping the user's others; the labels now, or `null` when the user is gone. */
  addLabels(userId: string, labels: readonly string[]): Promise<string[] | null>;
}

export type ProfileCreated = 'created' | 'exists' | 'handle_taken';

/** The repository over `node-appwrite`, with the execution's client. */
export function createOnUserCreatedRepo(client: Client): OnUserCreatedRepo {
  const users = new Users(client);
  const tables = new TablesDB(client);
  const registrations = registrationStore(tables);
  const labelsOf = async (userId: string) =>
    (await orNull(withRetry(() => users.get({ userId }))))?.labels ?? null;
  return {
    async blockUser(userId) {
      await users.updateStatus({ userId, status: false });
    },
    findRegistration: (userId) => registrations.find(userId),
    consumeRegistration: (userId) => registrations.remove(userId),
    async createProfile(userId, fields) {
      try {
        await tables.createRow({
          databaseId: DATABASE_ID,
          tableId: TableId.profiles,
          rowId: userId,
          data: fields,
        });
        return 'created';
      } catch (thrown) {
        if (!(thrown instanceof AppwriteException && thrown.code === 409)) throw thrown;
        // A 409 is the id (a replay) or the unique handle: the row tells which.
        const row = await orNull(
          withRetry(() =>
            tables.getRow({ databaseId: DATABASE_ID, tableId: TableId.profiles, rowId: userId }),
          ),
        );
        return row === null ? 'handle_taken' : 'exists';
      }
    },
    async countUser() {
      await incrementStat(tables, 'users', 1);
    },
    labelsOf,
    async addLabels(userId, added) {
      const current = await labelsOf(userId);
      if (current === null) return null;
      const labels = [...new Set([...current, ...added])];
      if (labels.length === current.length) return current;
      // Setting the same list twice is harmless, so a retried update is too.
      const user = await orNull(withRetry(() => users.updateLabels({ userId, labels })));
      return user?.labels ?? null;
    },
  };
}
