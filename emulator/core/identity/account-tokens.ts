import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { tokenUsedEvent } from './events.ts';
import type { SignInTokenKind, TokenKind, TokenRecord } from './records.ts';

/**
 * Lifetimes: a week to verify an email, an hour to recover, 15 minutes for a token or an emailed
 * code (TOKEN_EXPIRATION_GENERIC, _OTP), an hour for a magic link (TOKEN_EXPIRATION_CONFIRM).
 */
const LIFETIME_SECONDS: Record<TokenKind, number> = {
  verification: 604_800,
  recovery: 3_600,
  session: 900,
  'email-otp': 900,
  'magic-url': 3_600,
};

/** The sign-in kinds, in the order `consumeSignIn` looks for a secret among them. */
const SIGN_IN_KINDS: readonly SignInTokenKind[] = ['session', 'email-otp', 'magic-url'];

/**
 * A new secret: an emailed code is 6 decimal digits (utopia-php/auth's `Code` proof), a magic link's
 * 64 hex characters (TOKEN_LENGTH_MAGIC_URL), an admin-made token `length` hex characters.
 */
function newSecret(kind: TokenKind, length: number | undefined): string {
  if (kind === 'email-otp') return Array.from({ length: 6 }, () => randomInt(10)).join('');
  if (length) return randomBytes(length).toString('hex').slice(0, length);
  return randomBytes(32).toString('hex');
}

/** How many fresh secrets `create` draws when one collides with a live token of the same user. */
const SECRET_ATTEMPTS = 8;

/** Options for a token made by an admin: its secret's length and lifetime. */
export interface TokenOptions {
  length?: number;
  seconds?: number;
}

/**
 * The stored digest binds the secret to its user and kind: short admin-made secrets (6 characters by
 * default) may repeat across users without colliding in the unique column.
 */
function digest(userId: string, kind: TokenKind, secret: string): string {
  return createHash('sha256').update(`${userId}\n${kind}\n${secret}`).digest('hex');
}

/** A sign-in token as used up. */
export type SignInToken = TokenRecord & { kind: SignInTokenKind };

/** How a token is used up: what it allows, applied in the same transaction, and who used it. */
export interface ConsumeOptions extends WriteOptions {
  /**
   * The change the token allows (a new password, a verified email), made in the transaction that
   * uses the token up, so the event follows the whole change; if it throws, the token stays.
   */
  apply?: (token: TokenRecord) => void;
}

/**
 * One-time secrets for email verification, password recovery and sign-in. The secret reaches the user
 * only in the link or code we put in the outbox (or, for admin-made tokens, the key's response);
 * consuming it deletes it, so a link works once.
 */
export class TokenStore {
  constructor(
    private readonly db: Sql,
    private readonly events: EventBus,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS auth_tokens (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      secret_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      expire TEXT NOT NULL
    )`);
  }

  /**
   * Issues a token; returns it with its secret. Short secrets (a 6-digit code) can repeat one the same
   * user still holds: a fresh one is drawn then, as the stored digests are unique.
   */
  create(userId: string, kind: TokenKind, options: TokenOptions = {}) {
    const seconds = options.seconds ?? LIFETIME_SECONDS[kind];
    const now = Date.now();
    const token: TokenRecord = {
      id: uniqueId(),
      userId,
      kind,
      createdAt: isoDate(now),
      expire: isoDate(now + seconds * 1000),
    };
    const insert = this.db.prepare(
      'INSERT INTO auth_tokens (id, user_id, kind, secret_hash, created_at, expire) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (secret_hash) DO NOTHING',
    );
    for (let attempt = 0; attempt < SECRET_ATTEMPTS; attempt++) {
      const secret = newSecret(kind, options.length);
      const hash = digest(userId, kind, secret);
      if (insert.run(token.id, userId, kind, hash, token.createdAt, token.expire).changes === 1) {
        return { token, secret };
      }
    }
    throw new AppwriteError(
      'general_argument_invalid',
      'No unused secret of this length is left for this user; ask for a longer one.',
    );
  }

  /**
   * Whether a live token of this kind for this user has this secret, leaving it in place (a recovery
   * checks its new password before it uses the link up).
   */
  isLive(userId: string, kind: TokenKind, secret: string): boolean {
    const row = this.db
      .prepare('SELECT expire FROM auth_tokens WHERE secret_hash = ? AND user_id = ? AND kind = ?')
      .get(digest(userId, kind, secret), userId, kind) as { expire: string } | undefined;
    return row !== undefined && Date.parse(row.expire) > Date.now();
  }

  /**
   * Uses up a live token of this kind for this user and applies what it allows (`options.apply`), in
   * one transaction; `null` when the secret is wrong or expired. Once committed, a recovery or
   * verification link used is announced (`users.[userId].recovery|verification.[tokenId].update`); a
   * session token is not (the session it opens is).
   */
  consume(
    userId: string,
    kind: TokenKind,
    secret: string,
    options: ConsumeOptions = {},
  ): TokenRecord | null {
    const token = this.db.transaction((): TokenRecord | null => {
      const used = this.#take(userId, kind, secret);
      if (used) options.apply?.(used);
      return used;
    })();
    if (token && (token.kind === 'recovery' || token.kind === 'verification')) {
      this.events.publish(tokenUsedEvent(token.kind, token, options));
    }
    return token;
  }

  /**
   * Uses up a live sign-in token of any kind (an admin-made token, an emailed code, a magic link)
   * whose secret this is, and applies what it allows, in one transaction; `null` when none matches or
   * it expired. `POST /account/sessions/token` takes any of them (SRV account.php `$createSession`:
   * `tokenVerify(null, …)`). Announces nothing: the session it opens is announced.
   */
  consumeSignIn(userId: string, secret: string, options: ConsumeOptions = {}): SignInToken | null {
    return this.db.transaction((): SignInToken | null => {
      for (const kind of SIGN_IN_KINDS) {
        const used = this.#take(userId, kind, secret);
        if (!used) continue;
        options.apply?.(used);
        return { ...used, kind };
      }
      return null;
    })();
  }

  /** Deletes the token with this secret, if any; returns it unless it had expired. */
  #take(userId: string, kind: TokenKind, secret: string): TokenRecord | null {
    const row = this.db
      .prepare(
        'SELECT id, user_id, kind, created_at, expire FROM auth_tokens WHERE secret_hash = ? AND user_id = ? AND kind = ?',
      )
      .get(digest(userId, kind, secret), userId, kind) as
      | { id: string; user_id: string; kind: TokenKind; created_at: string; expire: string }
      | undefined;
    if (!row) return null;
    this.db.prepare('DELETE FROM auth_tokens WHERE id = ?').run(row.id);
    if (Date.parse(row.expire) <= Date.now()) return null;
    return {
      id: row.id,
      userId: row.user_id,
      kind: row.kind,
      createdAt: row.created_at,
      expire: row.expire,
    };
  }
}
