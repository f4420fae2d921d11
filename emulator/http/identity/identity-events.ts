import type { FastifyRequest } from 'fastify';
import type { TokenRecord } from '../../core/identity/account-tokens.ts';
import { sessionModel, tokenModel, userModel } from '../../core/identity/models.ts';
import type { SessionRecord } from '../../core/identity/sessions.ts';
import type { UserRecord } from '../../core/identity/users.ts';
import type { EventBus } from '../../core/platform/events.ts';
import { isoDate } from '../../core/platform/time.ts';

/**
 * Publishes the events Appwrite's users and account routes label themselves with
 * (app/controllers/api/users.php, account.php): `users.[userId].create`, `users.[userId].update.name`,
 * `users.[userId].sessions.[sessionId].delete`... Each is published right after the identity store
 * has written (its writes are single statements, committed when they return). Only the user may read
 * them (`user:ID`), which is also how Realtime routes them to the `account` channel.
 */
export class IdentityEvents {
  readonly #bus: EventBus;

  constructor(bus: EventBus) {
    this.#bus = bus;
  }

  /**
   * A user event, `users.[userId].<what>`: `create`, `delete`, `update.name`, `update.status`,
   * `update.labels`, `update.verification`, `sessions.delete` (all of a user's sessions)...
   */
  user(request: FastifyRequest, what: string, user: UserRecord): void {
    this.#publish(request, `users.[userId].${what}`, { userId: user.id }, userModel(user), user.id);
  }

  /** A session event, `users.[userId].sessions.[sessionId].<action>`, with the Session as payload. */
  session(request: FastifyRequest, action: 'create' | 'delete', session: SessionRecord): void {
    this.#publish(
      request,
      `users.[userId].sessions.[sessionId].${action}`,
      { userId: session.userId, sessionId: session.id },
      sessionModel(session, false),
      session.userId,
    );
  }

  /**
   * A recovery or verification link used: `users.[userId].recovery|verification.[tokenId].update`,
   * with the Token (secret blanked) as payload. Confirming a verification changes the user's roles.
   */
  tokenUsed(request: FastifyRequest, kind: 'recovery' | 'verification', token: TokenRecord): void {
    this.#publish(
      request,
      `users.[userId].${kind}.[tokenId].update`,
      { userId: token.userId, tokenId: token.id },
      tokenModel(token),
      token.userId,
    );
  }

  #publish(
    request: FastifyRequest,
    pattern: string,
    params: Record<string, string>,
    payload: Record<string, unknown>,
    ownerId: string,
  ): void {
    const principal = request.principal;
    this.#bus.publish({
      pattern,
      params,
      payload,
      readRoles: [`user:${ownerId}`],
      ...(principal?.kind === 'user' ? { userId: principal.userId } : {}),
      timestamp: isoDate(),
    });
  }
}
