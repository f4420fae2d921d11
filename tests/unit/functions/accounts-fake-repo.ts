/**
 * An in-memory `AccountsRepo`: emails unique as Appwrite's are, and recovery as Appwrite answers it —
 * an unknown user is 404 `user_not_found`, a wrong or used secret 401 `user_invalid_token`, a password
 * under Appwrite's own 8 characters 400 `general_argument_invalid`. Every write is recorded.
 */
import { AppwriteException } from 'node-appwrite';
import type { AccountsRepo, CreatedUser } from '../../../functions/accounts/src/accounts-repo.ts';

export class FakeAccountsRepo implements AccountsRepo {
  readonly users = new Map<string, CreatedUser & { password: string }>();
  /** Live recovery secrets: `userId` → secret. */
  readonly recoveries = new Map<string, string>();
  readonly writes: string[] = [];

  async createUser(input: { userId: string; email: string; password: string; name: string }) {
    this.writes.push(`createUser ${input.userId}`);
    for (const user of this.users.values()) if (user.email === input.email) return null;
    if (this.users.has(input.userId)) return null;
    this.users.set(input.userId, { $id: input.userId, ...input });
    return { $id: input.userId, email: input.email, name: input.name };
  }

  async deleteUser(userId: string) {
    this.writes.push(`deleteUser ${userId}`);
    return this.users.delete(userId);
  }

  async completeRecovery(input: { userId: string; secret: string; password: string }) {
    const user = this.users.get(input.userId);
    if (!user)
      throw new AppwriteException(
        'User with the requested ID could not be found.',
        404,
        'user_not_found',
      );
    if (this.recoveries.get(input.userId) !== input.secret) {
      throw new AppwriteException(
        'Invalid token passed in the request.',
        401,
        'user_invalid_token',
      );
    }
    if (input.password.length < 8) {
      throw new AppwriteException(
        'Invalid `password` param: Password must be at least 8 characters',
        400,
        'general_argument_invalid',
      );
    }
    this.writes.push(`completeRecovery ${input.userId}`);
    this.recoveries.delete(input.userId);
    user.password = input.password;
  }
}
