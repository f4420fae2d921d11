import { AppwriteException, type Client, Users } from 'node-appwrite';

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
  /** Creates the user with a password (Users API, scope `users.write`); `null` when the email is taken (409). */
  createUser(input: {
    userId: string;
    email: string;
    password: string;
    name: string;
  }): Promise<CreatedUser | null>;
}

/** The repository over `node-appwrite`, with the execution's client. */
export function createAccountsRepo(client: Client): AccountsRepo {
  const users = new Users(client);
  return {
    async createUser({ userId, email, password, name }) {
      try {
        const user = await users.create({ userId, email, password, name });
        return { $id: user.$id, email: user.email, name: user.name };
      } catch (thrown) {
        if (thrown instanceof AppwriteException && thrown.code === 409) return null;
        throw thrown;
      }
    },
  };
}
