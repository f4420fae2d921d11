import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { decodeSessionValue, encodeSessionValue, SESSION_SECONDS } from './sessions.ts';

/**
 * The local console account: who may sign in to the `console` project, as `appwrite login` does, and
 * then manage this project as its admin (requests with the `a_session_console` cookie and
 * `X-Appwrite-Mode: admin`). appwrite-cli 12 needs such a session to create a function in one push
 * (facts §5.4). It is separate from the project's users: a console admin is not a project user.
 *
 * There is one account per data folder. main.ts makes it at start with a random password and writes
 * the email and password to `credentials.json` (`consoleEmail`, `consolePassword`).
 */

/** The email of the local console account (its password is random, in credentials.json). */
export const CONSOLE_EMAIL = 'admin@appwrite.local';

/** The console account as the Account model needs it. */
export interface ConsoleAccount {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** A console session just made (the secret is shown once, in the cookie). */
export interface ConsoleSession {
  id: string;
  accountId: string;
  createdAt: string;
  expire: string;
  /** The cookie value: base64 `{id, secret}`, as project sessions. */
  value: string;
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The console account and its sessions (core/project.ts builds it once: `project.consoleAccounts`). */
export class ConsoleAccounts {
  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS console_accounts (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      password TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`);
    db.exec(`CREATE TABLE IF NOT EXISTS console_sessions (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES console_accounts(id) ON DELETE CASCADE,
      secret_hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expire TEXT NOT NULL
    )`);
  }

  /** Creates the account, or sets its password when it exists. */
  async ensure(email: string, password: string, name = 'Local admin'): Promise<ConsoleAccount> {
    email = email.toLowerCase();
    const hash = await hashPassword(password);
    const now = isoDate();
    const existing = this.byEmail(email);
    if (existing) {
      this.db
        .prepare('UPDATE console_accounts SET password = ?, updated_at = ? WHERE id = ?')
        .run(hash, now, existing.id);
      return { ...existing, updatedAt: now };
    }
    const id = uniqueId();
    this.db
      .prepare(
        'INSERT INTO console_accounts (id, email, name, password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, email, name, hash, now, now);
    return { id, email, name, createdAt: now, updatedAt: now };
  }

  /** Signs in; `null` for an unknown email or a wrong password. */
  async login(email: string, password: string): Promise<ConsoleSession | null> {
    const row = this.db
      .prepare('SELECT id, password FROM console_accounts WHERE email = ?')
      .get(email.toLowerCase()) as { id: string; password: string } | undefined;
    if (!row || !(await verifyPassword(password, row.password))) return null;
    const id = uniqueId();
    const secret = randomBytes(32).toString('hex');
    const createdAt = isoDate();
    const expire = isoDate(Date.now() + SESSION_SECONDS * 1000);
    this.db
      .prepare(
        'INSERT INTO console_sessions (id, account_id, secret_hash, created_at, expire) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, row.id, digest(secret), createdAt, expire);
    return { id, accountId: row.id, createdAt, expire, value: encodeSessionValue(row.id, secret) };
  }

  /** The account a console cookie value belongs to, or `null`. */
  verify(value: string): ConsoleAccount | null {
    const stored = decodeSessionValue(value);
    if (!stored) return null;
    const rows = this.db
      .prepare('SELECT secret_hash, expire FROM console_sessions WHERE account_id = ?')
      .all(stored.id) as { secret_hash: string; expire: string }[];
    const wanted = Buffer.from(digest(stored.secret));
    const now = isoDate();
    const ok = rows.some(
      (r) => r.expire > now && timingSafeEqual(Buffer.from(r.secret_hash), wanted),
    );
    return ok ? this.byId(stored.id) : null;
  }

  /** Ends the session a console cookie value names (sign-out); unknown values change nothing. */
  logout(value: string): void {
    const stored = decodeSessionValue(value);
    if (!stored) return;
    this.db
      .prepare('DELETE FROM console_sessions WHERE account_id = ? AND secret_hash = ?')
      .run(stored.id, digest(stored.secret));
  }

  private byEmail(email: string): ConsoleAccount | null {
    const row = this.db
      .prepare('SELECT id FROM console_accounts WHERE email = ?')
      .get(email.toLowerCase()) as { id: string } | undefined;
    return row ? this.byId(row.id) : null;
  }

  private byId(id: string): ConsoleAccount | null {
    const row = this.db
      .prepare('SELECT id, email, name, created_at, updated_at FROM console_accounts WHERE id = ?')
      .get(id) as
      | { id: string; email: string; name: string; created_at: string; updated_at: string }
      | undefined;
    return row
      ? {
          id: row.id,
          email: row.email,
          name: row.name,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        }
      : null;
  }
}
