import type { Sql } from '../platform/db.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';

/** Why a message was sent. */
export type MessageKind = 'verification' | 'recovery' | 'invitation' | SignInMessageKind;

/** A sign-in message: a 6-digit code (`email-otp`) or a magic link (`magic-url`). */
export type SignInMessageKind = 'email-otp' | 'magic-url';

/** One message that a real Appwrite would have emailed. */
export interface OutboxMessage {
  $id: string;
  $createdAt: string;
  kind: MessageKind;
  to: string;
  userId: string;
  subject: string;
  text: string;
  /**
   * The link the user would click, with `userId`, `secret` and `expire` appended as Appwrite does
   * (a magic link also `project`); `''` for a code, which is typed in.
   */
  url: string;
  /** The secret the link carries, or the code itself. */
  secret: string;
}

/**
 * The local mailbox. Nothing is sent over SMTP: verification, recovery and sign-in messages land here
 * so tests and a developer can follow the links (Firebase's Auth emulator does the same). Because the
 * messages hold live secrets, only the loopback-or-key route in http/identity/outbox.ts reads them.
 */
export class Outbox {
  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS auth_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      kind TEXT NOT NULL,
      to_email TEXT NOT NULL,
      user_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      text TEXT NOT NULL,
      url TEXT NOT NULL,
      secret TEXT NOT NULL
    )`);
  }

  /** Records a message and returns it. */
  send(message: Omit<OutboxMessage, '$id' | '$createdAt'>): OutboxMessage {
    const stored: OutboxMessage = { $id: uniqueId(), $createdAt: isoDate(), ...message };
    this.db
      .prepare(
        'INSERT INTO auth_outbox (id, created_at, kind, to_email, user_id, subject, text, url, secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        stored.$id,
        stored.$createdAt,
        stored.kind,
        stored.to,
        stored.userId,
        stored.subject,
        stored.text,
        stored.url,
        stored.secret,
      );
    return stored;
  }

  /** Messages, newest first, optionally only those to one address. */
  list(to: string | null, limit: number): OutboxMessage[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM auth_outbox WHERE (? IS NULL OR to_email = ?) ORDER BY seq DESC LIMIT ?`,
      )
      .all(to, to?.toLowerCase() ?? null, limit) as Array<Record<string, string>>;
    return rows.map((row) => ({
      $id: row.id as string,
      $createdAt: row.created_at as string,
      kind: row.kind as MessageKind,
      to: row.to_email as string,
      userId: row.user_id as string,
      subject: row.subject as string,
      text: row.text as string,
      url: row.url as string,
      secret: row.secret as string,
    }));
  }

  /** Empties the outbox (tests call this between scenarios). */
  clear(): void {
    this.db.exec('DELETE FROM auth_outbox');
  }
}

/** Appends `userId`, `secret` and `expire` to a link, keeping its own query, as Appwrite's mails do. */
export function linkWith(url: string, params: Record<string, string>): string {
  const link = new URL(url);
  for (const [name, value] of Object.entries(params)) link.searchParams.set(name, value);
  return link.toString();
}
