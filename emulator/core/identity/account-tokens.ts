import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';

/**
 * What a one-time token proves: an email address, the right to set a new password, or (`session`,
 * made by `POST /users/{id}/tokens`) the right to open a session with `POST /account/sessions/token`.
 */
export type TokenKind = 'verification' | 'recovery' | 'session';

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

/** A one-time token as stored (its secret only as a SHA-256). */
export interface TokenRecord {
  id: string;
  userId: string;
  kind: TokenKind;
  createdAt: string;
  expire: string;
}

/**
 * The stored digest binds the secret to its user and kind: short admin-made secrets (6 characters by
 * default) may repeat across users without colliding in the unique column.
 */
function digest(userId: string, kind: TokenKind, secret: string): string {
  return createHash('sha256').update(`${userId}\n${kind}\n${secret}`).digest('hex');
}

/**
 * One-time secrets for email verification and password recovery. The secret reaches the user only in
 * the link we put in the outbox; consuming it deletes it, so a link works once.
 */
export class TokenStore {
  constructor(private readonly db: Sql) {
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

  /** Uses up a live token of this kind for this user; `null` when the secret is wrong or expired. */
  consume(userId: string, kind: TokenKind, secret: string): TokenRecord | null {
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
