import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import type { EventBus } from '../platform/events.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { tokenUsedEvent } from './events.ts';
import type { TokenKind, TokenRecord } from './records.ts';

/** Lifetimes Appwrite uses: a week to verify an email, an hour to recover, 15 minutes for a token. */
const LIFETIME_SECONDS: Record<TokenKind, number> = {
  verification: 604_800,
  recovery: 3_600,
  session: 900,
};

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

/** How a token is used up: what it allows, applied in the same transaction, and who used it. */
export interface ConsumeOptions extends WriteOptions {
  /**
   * The change the token allows (a new password, a verified email), made in the transaction that
   * uses the token up, so the event follows the whole change; if it throws, the token stays.
   */
  apply?: (token: TokenRecord) => void;
}

/**
 * One-time secrets for email verification and password recovery. The secret reaches the user only in
 * the link we put in the outbox; consuming it deletes it, so a link works once.
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

  /** Issues a token; returns it with its secret. */
  create(userId: string, kind: TokenKind, options: TokenOptions = {}) {
    const secret = options.length
      ? randomBytes(options.length).toString('hex').slice(0, options.length)
      : randomBytes(32).toString('hex');
    const seconds = options.seconds ?? LIFETIME_SECONDS[kind];
    const now = Date.now();
    const token: TokenRecord = {
      id: uniqueId(),
      userId,
      kind,
      createdAt: isoDate(now),
      expire: isoDate(now + seconds * 1000),
    };
    this.db
      .prepare(
        'INSERT INTO auth_tokens (id, user_id, kind, secret_hash, created_at, expire) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(token.id, userId, kind, digest(userId, kind, secret), token.createdAt, token.expire);
    return { token, secret };
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
      const used: TokenRecord = {
        id: row.id,
        userId: row.user_id,
        kind: row.kind,
        createdAt: row.created_at,
        expire: row.expire,
      };
      options.apply?.(used);
      return used;
    })();
    if (token && token.kind !== 'session') {
      this.events.publish(tokenUsedEvent(token.kind, token, options));
    }
    return token;
  }
}
