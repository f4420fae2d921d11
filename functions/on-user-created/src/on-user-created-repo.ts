import { AppwriteException, type Client, TablesDB, Users } from 'node-appwrite';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import type { ProfileFields } from '#shared/schemas/profile.ts';
import { incrementStat } from '../../_lib/stats-counter.ts';

/**
 * What `on-user-created` asks of Appwrite. The node-appwrite implementation is below; the unit tests
 * use an in-memory one.
 */
export interface OnUserCreatedRepo {
  /** Blocks the user (`users.updateStatus`, scope `users.write`). */
  blockUser(userId: string): Promise<void>;
  /** Creates the profile row (row id = user id); `false` when it already exists (409). */
  createProfile(userId: string, fields: ProfileFields): Promise<boolean>;
  /** Adds 1 to `stats.users` (the `global` row is created at zero when missing). */
  countUser(): Promise<void>;
}

/** The repository over `node-appwrite`, with the execution's client. */
export function createOnUserCreatedRepo(client: Client): OnUserCreatedRepo {
  const users = new Users(client);
  const tables = new TablesDB(client);
  return {
    async blockUser(userId) {
      await users.updateStatus({ userId, status: false });
    },
    async createProfile(userId, fields) {
      try {
        await tables.createRow({
          databaseId: DATABASE_ID,
          tableId: TableId.profiles,
          rowId: userId,
          data: fields,
        });
        return true;
      } catch (thrown) {
        if (thrown instanceof AppwriteException && thrown.code === 409) return false;
        throw thrown;
      }
    },
    async countUser() {
      await incrementStat(tables, 'users', 1);
    },
  };
}
