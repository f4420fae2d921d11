import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { uniqueId } from '../platform/ids.ts';
import { selectPage } from '../platform/list-page.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { type UserUpdate, userEvent } from './events.ts';
import type { UserRecord } from './records.ts';
import type { UserListPlan } from './user-queries.ts';

/** The fields a caller may set when creating a user; the password arrives already hashed. */
export interface NewUser {
  id: string;
  email: string | null;
  phone: string | null;
  name: string;
  passwordHash: string | null;
}

/** Fields that may change after creation. */
export type UserPatch = Partial<
  Pick<
    UserRecord,
    | 'name'
    | 'email'
    | 'phone'
    | 'passwordHash'
    | 'status'
    | 'labels'
    | 'emailVerification'
    | 'phoneVerification'
    | 'prefs'
    | 'accessedAt'
  >
>;

interface UserRow {
  seq: number;
  id: string;
  created_at: string;
  updated_at: string;
  name: string;
  email: string | null;
  phone: string | null;
  password_hash: string | null;
  password_update: string;
  registration: string;
  status: number;
  labels: string;
  email_verification: number;
  phone_verification: number;
  mfa: number;
  prefs: string;
  accessed_at: string;
  target_id: string;
}

/**
 * How a user update or delete is announced: the event Appwrite's route labels it with (the part
 * after `users.[userId].`), or `null` when the route labels none (`DELETE /account`) or the write is
 * part of a change announced otherwise (a recovery or verification link used: the token's event).
 */
export interface UserWriteOptions<Event extends string> extends WriteOptions {
  event: Event | null;
}

/** Maps a SQL row to a record. */
export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    name: row.name,
    email: row.email ?? '',
    phone: row.phone ?? '',
    passwordHash: row.password_hash,
    passwordUpdate: row.password_update,
    registration: row.registration,
    status: row.status === 1,
    labels: JSON.parse(row.labels),
    emailVerification: row.email_verification === 1,
    phoneVerification: row.phone_verification === 1,
    mfa: row.mfa === 1,
    prefs: JSON.parse(row.prefs),
    accessedAt: row.accessed_at,
    targetId: row.target_id,
  };
}

/**
 * The project's users. Emails are stored lower-cased and unique (Appwrite lower-cases them too), so
 * sign-in by email is one indexed lookup. `seq` gives a stable insertion order for cursors.
 *
 * Each write publishes its event (`users.[userId].create`, `.update.*`, `.delete`) on the project's
 * bus once its statement has committed; a write that fails announces nothing. Do not call an
 * announcing write inside a transaction of your own: its event would precede your commit.
 */
export class UserStore {
  private readonly byId;
  private readonly byEmail;

  constructor(
    private readonly db: Sql,
    private readonly events: EventBus,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS auth_users (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      name TEXT NOT NULL,
      email TEXT UNIQUE,
      phone TEXT UNIQUE,
      password_hash TEXT,
      password_update TEXT NOT NULL,
      registration TEXT NOT NULL,
      status INTEGER NOT NULL,
      labels TEXT NOT NULL,
      email_verification INTEGER NOT NULL,
      phone_verification INTEGER NOT NULL,
      mfa INTEGER NOT NULL,
      prefs TEXT NOT NULL,
      accessed_at TEXT NOT NULL,
      target_id TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS auth_users_name ON auth_users (name);
    CREATE INDEX IF NOT EXISTS auth_users_created ON auth_users (created_at);`);
    // Every signed-in request loads its user: prepare the lookups once.
    this.byId = db.prepare('SELECT * FROM auth_users WHERE id = ?');
    this.byEmail = db.prepare('SELECT * FROM auth_users WHERE email = ?');
  }

  /**
   * Creates a user (`users.[userId].create`); a taken id, email or phone is `user_already_exists` as
   * in Appwrite.
   */
  create(input: NewUser, options: WriteOptions = {}): UserRecord {
    const now = isoDate();
    const taken = this.db
      .prepare('SELECT 1 FROM auth_users WHERE id = ? OR email = ? OR phone = ?')
      .get(input.id, input.email?.toLowerCase() ?? null, input.phone);
    if (taken) {
      throw new AppwriteError(
        'user_already_exists',
        'A user with this id, email or phone already exists in this project.',
      );
    }
    this.db
      .prepare(
        `INSERT INTO auth_users (id, created_at, updated_at, name, email, phone, password_hash,
          password_update, registration, status, labels, email_verification, phone_verification, mfa,
          prefs, accessed_at, target_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '[]', 0, 0, 0, '{}', ?, ?)`,
      )
      .run(
        input.id,
        now,
        now,
        input.name,
        input.email?.toLowerCase() ?? null,
        input.phone,
        input.passwordHash,
        input.passwordHash ? now : '',
        now,
        now,
        uniqueId(),
      );
    const user = this.get(input.id) as UserRecord;
    this.events.publish(userEvent('create', user, options));
    return user;
  }

  /** A user by id, or `null`. */
  get(id: string): UserRecord | null {
    const row = this.byId.get(id) as UserRow | undefined;
    return row ? toUserRecord(row) : null;
  }

  /** A user by email (case-insensitive), or `null`. */
  getByEmail(email: string): UserRecord | null {
    const row = this.byEmail.get(email.toLowerCase()) as UserRow | undefined;
    return row ? toUserRecord(row) : null;
  }

  /** The insertion sequence of a user (for cursor paging), or `null`. */
  sequenceOf(id: string): number | null {
    const row = this.db.prepare('SELECT seq FROM auth_users WHERE id = ?').get(id) as
      | { seq: number }
      | undefined;
    return row ? row.seq : null;
  }

  /**
   * Applies a patch and returns the updated user, announced as `options.event`; `user_not_found` if
   * it is gone.
   */
  update(id: string, patch: UserPatch, options: UserWriteOptions<UserUpdate>): UserRecord {
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.email !== undefined) {
      const email = patch.email.toLowerCase();
      const other = this.db
        .prepare('SELECT 1 FROM auth_users WHERE email = ? AND id != ?')
        .get(email, id);
      if (other) {
        throw new AppwriteError(
          'user_email_already_exists',
          'Another user already uses this email address.',
        );
      }
      set('email', email === '' ? null : email);
    }
    if (patch.phone !== undefined) {
      const other = this.db
        .prepare('SELECT 1 FROM auth_users WHERE phone = ? AND id != ?')
        .get(patch.phone, id);
      if (other) {
        throw new AppwriteError(
          'user_phone_already_exists',
          'Another user already uses this number.',
        );
      }
      set('phone', patch.phone === '' ? null : patch.phone);
    }
    if (patch.passwordHash !== undefined) {
      set('password_hash', patch.passwordHash);
      set('password_update', isoDate());
    }
    if (patch.status !== undefined) set('status', patch.status ? 1 : 0);
    if (patch.labels !== undefined) set('labels', JSON.stringify(patch.labels));
    if (patch.emailVerification !== undefined)
      set('email_verification', patch.emailVerification ? 1 : 0);
    if (patch.phoneVerification !== undefined)
      set('phone_verification', patch.phoneVerification ? 1 : 0);
    if (patch.prefs !== undefined) set('prefs', JSON.stringify(patch.prefs));
    if (patch.accessedAt !== undefined) set('accessed_at', patch.accessedAt);
    // accessedAt alone is bookkeeping, not an edit: Appwrite does not bump $updatedAt for it.
    if (sets.some((s) => !s.startsWith('accessed_at'))) set('updated_at', isoDate());
    if (sets.length > 0) {
      const result = this.db
        .prepare(`UPDATE auth_users SET ${sets.join(', ')} WHERE id = ?`)
        .run(...values, id);
      if (result.changes === 0) throw new AppwriteError('user_not_found', 'User not found.');
    }
    const user = this.get(id);
    if (!user) throw new AppwriteError('user_not_found', 'User not found.');
    if (options.event) this.events.publish(userEvent(options.event, user, options));
    return user;
  }

  /**
   * Deletes a user and, through foreign keys, their sessions and tokens; the event (`delete`)
   * carries the user as they were. Returns whether one existed.
   */
  delete(id: string, options: UserWriteOptions<'delete'>): boolean {
    const user = this.get(id);
    const deleted = this.db.prepare('DELETE FROM auth_users WHERE id = ?').run(id).changes > 0;
    if (deleted && user && options.event) {
      this.events.publish(userEvent(options.event, user, options));
    }
    return deleted;
  }

  /**
   * Lists users for a compiled plan: filters, then order (with insertion order as the tie-break), then
   * keyset paging from a cursor user, then limit/offset. `total` counts the filtered users up to `cap`
   * (Appwrite counts lists only up to 5,000) and is skipped when `withTotal` is false.
   */
  list(plan: UserListPlan, withTotal: boolean, cap: number) {
    const page = selectPage<UserRow>(
      this.db,
      {
        table: 'auth_users',
        idSql: 'id',
        seqSql: 'seq',
        select: '*',
        where: [],
        params: [],
        cursorAnywhere: true,
      },
      plan,
      withTotal,
      cap,
    );
    if ('cursorMissing' in page) {
      throw new AppwriteError(
        'general_cursor_not_found',
        `No user '${plan.cursor?.id}' to page from.`,
      );
    }
    return { total: page.total, users: page.rows.map(toUserRecord) };
  }
}
