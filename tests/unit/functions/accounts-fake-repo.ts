/**
 * An in-memory `AccountsRepo`: emails unique as Appwrite's are, and recovery as Appwrite answers it —
 * an unknown user is 404 `user_not_found`, a wrong or used secret 401 `user_invalid_token`, a password
 * under Appwrite's own 8 characters 400 `general_argument_invalid`. Every write is recorded.
 */
import { AppwriteException } from 'node-appwrite';
import { type RateLimiter, rateLimited } from '../../../functions/_lib/rate-limit.ts';
import type { AccountsRepo, CreatedUser } from '../../../functions/accounts/src/accounts-repo.ts';
import { RateLimits } from '../../../shared/limits.ts';
import type { RegistrationFields } from '../../../shared/schemas/registration.ts';

/** A sign-up limiter in memory: `limit` per key, as the `ratelimits` table counts one window. */
export class KeyedLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();
  constructor(readonly limit = RateLimits.register.limit) {}
  async consume(key: string, action: 'register' | 'post' | 'comment' | 'like' | 'export') {
    const count = (this.counts.get(`${action} ${key}`) ?? 0) + 1;
    if (count > this.limit) {
      throw rateLimited(action, { limit: this.limit, windowSeconds: 3600 }, 3600);
    }
    this.counts.set(`${action} ${key}`, count);
  }
}

export class FakeAccountsRepo implements AccountsRepo {
  readonly users = new Map<string, CreatedUser & { password: string }>();
  /** Live recovery secrets: `userId` → secret. */
  readonly recoveries = new Map<string, string>();
  /** Open registrations: issued ids no user has taken. */
  readonly registrations = new Map<string, RegistrationFields>();
  readonly writes: string[] = [];
  /** When set, `createUser` answers with this Appwrite refusal (a password policy, say). */
  refuseCreate: AppwriteException | null = null;

  /** Handles profiles hold already. */
  readonly handles = new Set<string>();

  async handleTaken(handle: string) {
    return this.handles.has(handle);
  }

  async issueRegistration(userId: string, fields: RegistrationFields) {
    this.writes.push(`issueRegistration ${userId}`);
    this.registrations.set(userId, fields);
  }

  async withdrawRegistration(userId: string) {
    this.writes.push(`withdrawRegistration ${userId}`);
    this.registrations.delete(userId);
  }

  async createUser(input: { userId: string; email: string; password: string; name: string }) {
    this.writes.push(`createUser ${input.userId}`);
    if (this.refuseCreate) throw this.refuseCreate;
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
