import { Account, AppwriteException, type Client, Query, TablesDB, Users } from 'node-appwrite';
import { registrationStore } from '#lib/registrations.ts';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import type { RegistrationFields } from '#shared/schemas/registration.ts';

/** What `accounts` hands back about a user it made. */
export interface CreatedUser {
  $id: string;
  email: string;
  name: string;
}

/**
 * What the `accounts` function asks of Appwrite. The node-appwrite implementation is below; the unit
 * tests use an in-memory one.
 */
export interface AccountsRepo {
  /** Records the id about to be issued, so `on-user-created` accepts it once (`registrations`). */
  issueRegistration(userId: string, fields: RegistrationFields): Promise<void>;
  /** Whether a profile holds this handle already (index `handle`). */
  handleTaken(handle: string): Promise<boolean>;
  /** Withdraws an issued id no user took (`users.create` refused); already gone is fine. */
  withdrawRegistration(userId: string): Promise<void>;
  /** Creates the user with a password (Users API, scope `users.write`); `null` when the email is taken (409). */
  createUser(input: {
    userId: string;
    email: string;
    password: string;
    name: string;
  }): Promise<CreatedUser | null>;
  /** Deletes the user (Users API, scope `users.write`); `false` when there was none (404). */
  deleteUser(userId: string): Promise<boolean>;
  /**
   * Completes a password recovery as a guest would (`account.updateRecovery`, no key, no session).
   * Appwrite's refusals are thrown as the `AppwriteException` it answered with.
   */
  completeRecovery(input: { userId: string; secret: string; password: string }): Promise<void>;
}

/**
 * The repository over `node-appwrite`: `client` carries the execution's key, `guest` only the
 * endpoint and project — recovery is an account (guest) action that a key cannot perform.
 */
export function createAccountsRepo(client: Client, guest: Client): AccountsRepo {
  const users = new Users(client);
  const account = new Account(guest);
  const tables = new TablesDB(client);
  const registrations = registrationStore(tables);
  return {
    async handleTaken(handle) {
      const found = await withRetry(() =>
        tables.listRows({
          databaseId: DATABASE_ID,
          tableId: TableId.profiles,
          queries: [Query.equal('handle', handle), Query.select(['$id']), Query.limit(1)],
          total: false,
        }),
      );
      return found.rows.length > 0;
    },
    issueRegistration: (userId, fields) => registrations.issue(userId, fields),
    withdrawRegistration: (userId) => registrations.remove(userId),
    async createUser({ userId, email, password, name }) {
      try {
        const user = await users.create({ userId, email, password, name });
        return { $id: user.$id, email: user.email, name: user.name };
      } catch (thrown) {
        if (thrown instanceof AppwriteException && thrown.code === 409) return null;
        throw thrown;
      }
    },
    async deleteUser(userId) {
      try {
        // A delete by id: a repeat after a lost answer finds 404, which also means "gone".
        await withRetry(() => users.delete({ userId }));
        return true;
      } catch (thrown) {
        if (thrown instanceof AppwriteException && thrown.code === 404) return false;
        throw thrown;
      }
    },
    async completeRecovery({ userId, secret, password }) {
      // Not retried: the secret is single-use, so a lost answer would turn success into 401.
      await account.updateRecovery({ userId, secret, password });
    },
  };
}
