import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { verifyPassword } from './passwords.ts';

/**
 * The password-history policy (SRV src/Appwrite/Auth/Validator/PasswordHistory.php and where
 * account.php and users.php use it): while the policy keeps `limit` passwords, a new user's first
 * hash is kept, and a new password that matches one of the kept hashes is refused with 400
 * `password_recently_used`; otherwise its hash joins them and only the newest `limit` stay. With the
 * policy off nothing is kept or checked (hashes kept earlier stay, as in Appwrite).
 *
 * Each comparison is a scrypt verification (~45 ms), so a change costs at most `limit` of them.
 */
export class PasswordHistory {
  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS policy_password_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
      hash TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS policy_password_history_user ON policy_password_history (user_id);`);
  }

  /** Keeps a new user's first password hash when the policy is on. */
  start(userId: string, hash: string | null, limit: number): void {
    if (hash) this.record(userId, hash, limit);
  }

  /** 400 `password_recently_used` when `password` is one of the user's kept passwords. */
  async refuseRecent(userId: string, password: string, limit: number): Promise<void> {
    if (limit <= 0) return;
    const kept = this.db
      .prepare('SELECT hash FROM policy_password_history WHERE user_id = ? ORDER BY id')
      .all(userId) as { hash: string }[];
    for (const { hash } of kept) {
      if (await verifyPassword(password, hash)) {
        throw new AppwriteError(
          'password_recently_used',
          'This password was used recently. Choose a different password.',
        );
      }
    }
  }

  /** Keeps a new password's hash and drops all but the newest `limit` (nothing when off). */
  record(userId: string, hash: string, limit: number): void {
    if (limit <= 0) return;
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO policy_password_history (user_id, hash) VALUES (?, ?)')
        .run(userId, hash);
      this.db
        .prepare(
          `DELETE FROM policy_password_history WHERE user_id = ? AND id NOT IN
            (SELECT id FROM policy_password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?)`,
        )
        .run(userId, userId, limit);
    })();
  }
}
