import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import type { EventBus } from '../platform/events.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { sessionEvent, userEvent } from './events.ts';
import type { SessionRecord } from './records.ts';
import type { UserStore } from './users.ts';

/** Appwrite's default session length: one year (`TOKEN_EXPIRATION_LOGIN_LONG`). */
export const SESSION_SECONDS = 31_536_000;

interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  expire: string;
  provider: string;
  provider_uid: string;
  ip: string;
  user_agent: string;
  factors: string;
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expire: row.expire,
    provider: row.provider,
    providerUid: row.provider_uid,
    ip: row.ip,
    userAgent: row.user_agent,
    factors: JSON.parse(row.factors),
  };
}

/**
 * The value a client holds for a session, exactly as Appwrite encodes it (utopia-php/auth Store):
 * base64 of `{"id": userId, "secret": sessionSecret}`. It goes in the `a_session_<project>` cookie, in
 * `X-Fallback-Cookies` and in `X-Appwrite-Session`.
 */
export function encodeSessionValue(userId: string, secret: string): string {
  return Buffer.from(JSON.stringify({ id: userId, secret })).toString('base64');
}

/** Reads a session value back into `{id, secret}`, or `null` when it is not one. */
export function decodeSessionValue(value: string): { id: string; secret: string } | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (typeof parsed?.id === 'string' && typeof parsed?.secret === 'string') {
      return { id: parsed.id, secret: parsed.secret };
    }
  } catch {
    // Not base64 JSON: treated as no session, as Appwrite does.
  }
  return null;
}

/**
 * How signing a user out everywhere is announced: each live session's own
 * `users.[userId].sessions.[sessionId].delete` (`DELETE /account/sessions`), the user's
 * `users.[userId].sessions.delete` with the User (`DELETE /users/{userId}/sessions`), or nothing
 * (`null`: a side effect of another change — a new password, a recovery).
 */
export interface SignOutOptions extends WriteOptions {
  event: 'sessions.[sessionId].delete' | 'sessions.delete' | null;
  /** A session to keep (the one that changed the password). */
  except?: string | null;
}

/**
 * Sessions. A secret is 32 random bytes; the store keeps its SHA-256, so a copy of the database does not
 * let anyone sign in, while every request still resolves its session with one indexed lookup.
 *
 * Opening and deleting a session publish `users.[userId].sessions.[sessionId].create|delete` on the
 * project's bus once written (trimming past the session limit announces nothing, as in Appwrite).
 */
export class SessionStore {
  private readonly bySecret;
  private readonly byId;

  constructor(
    private readonly db: Sql,
    private readonly events: EventBus,
    private readonly users: UserStore,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS auth_sessions (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
      secret_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      expire TEXT NOT NULL,
      provider TEXT NOT NULL,
      provider_uid TEXT NOT NULL,
      ip TEXT NOT NULL,
      user_agent TEXT NOT NULL,
      factors TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions (user_id);`);
    // Every signed-in request runs one of these: prepare them once.
    this.bySecret = db.prepare('SELECT * FROM auth_sessions WHERE secret_hash = ? AND user_id = ?');
    this.byId = db.prepare('SELECT * FROM auth_sessions WHERE id = ? AND user_id = ?');
  }

  /**
   * Opens a session for a user, lasting `seconds` (the project's session duration), announced as
   * `…sessions.[sessionId].create`; returns it with its secret, which is never stored.
   */
  create(
    userId: string,
    provider: { name: string; uid: string },
    ip: string,
    userAgent: string,
    factors: string[],
    seconds: number = SESSION_SECONDS,
    options: WriteOptions = {},
  ) {
    const secret = randomBytes(32).toString('hex');
    const now = Date.now();
    const session: SessionRecord = {
      id: uniqueId(),
      userId,
      createdAt: isoDate(now),
      updatedAt: isoDate(now),
      expire: isoDate(now + seconds * 1000),
      provider: provider.name,
      providerUid: provider.uid,
      ip,
      userAgent,
      factors,
    };
    this.db
      .prepare(
        `INSERT INTO auth_sessions (id, user_id, secret_hash, created_at, updated_at, expire, provider,
          provider_uid, ip, user_agent, factors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        session.id,
        userId,
        digest(secret),
        session.createdAt,
        session.updatedAt,
        session.expire,
        provider.name,
        provider.uid,
        ip,
        userAgent,
        JSON.stringify(factors),
      );
    this.events.publish(sessionEvent('create', session, options));
    return { session, secret };
  }

  /** The live session a user's secret opens, or `null` (wrong secret, other user, or expired). */
  verify(userId: string, secret: string): SessionRecord | null {
    const row = this.bySecret.get(digest(secret), userId) as SessionRow | undefined;
    if (!row || Date.parse(row.expire) <= Date.now()) return null;
    return toSession(row);
  }

  /** A user's session by id, or `null`. */
  get(userId: string, sessionId: string): SessionRecord | null {
    const row = this.byId.get(sessionId, userId) as SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  /** A user's live sessions, oldest first. */
  list(userId: string): SessionRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM auth_sessions WHERE user_id = ? ORDER BY created_at, rowid')
      .all(userId) as SessionRow[];
    return rows.map(toSession).filter((s) => Date.parse(s.expire) > Date.now());
  }

  /**
   * Deletes one session of a user, announced as `…sessions.[sessionId].delete` with the session as
   * it was; returns whether it existed.
   */
  delete(userId: string, sessionId: string, options: WriteOptions = {}): boolean {
    const session = this.get(userId, sessionId);
    const deleted = this.remove(userId, sessionId);
    if (deleted && session) this.events.publish(sessionEvent('delete', session, options));
    return deleted;
  }

  private remove(userId: string, sessionId: string): boolean {
    return (
      this.db
        .prepare('DELETE FROM auth_sessions WHERE id = ? AND user_id = ?')
        .run(sessionId, userId).changes > 0
    );
  }

  /**
   * Deletes a user's oldest sessions beyond the newest `keep` (the project's session limit; Appwrite
   * trims them after a session is created). Returns the sessions it deleted.
   */
  trim(userId: string, keep: number): SessionRecord[] {
    const all = this.list(userId);
    const removed = all.slice(0, Math.max(0, all.length - keep));
    for (const session of removed) this.remove(userId, session.id);
    return removed;
  }

  /**
   * Deletes every session of a user but `options.except` (sign out everywhere, a new password, a
   * recovery), announced as `options.event` says.
   */
  deleteAll(userId: string, options: SignOutOptions): void {
    const except = options.except ?? null;
    const ended =
      options.event === 'sessions.[sessionId].delete'
        ? this.list(userId).filter((s) => s.id !== except)
        : [];
    this.db
      .prepare('DELETE FROM auth_sessions WHERE user_id = ? AND id IS NOT ?')
      .run(userId, except);
    for (const session of ended) this.events.publish(sessionEvent('delete', session, options));
    if (options.event === 'sessions.delete') {
      const user = this.users.get(userId);
      if (user) this.events.publish(userEvent('sessions.delete', user, options));
    }
  }
}
