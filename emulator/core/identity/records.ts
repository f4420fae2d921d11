/**
 * The identity records as the core holds them, apart from their stores (users.ts, sessions.ts,
 * account-tokens.ts) so that the models and events built from them (models.ts, events.ts) can name
 * them without importing the stores back.
 */

/** A user as the core holds it. The password hash stays in the core: no model ever carries it. */
export interface UserRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  name: string;
  email: string;
  phone: string;
  passwordHash: string | null;
  passwordUpdate: string;
  registration: string;
  status: boolean;
  labels: string[];
  emailVerification: boolean;
  phoneVerification: boolean;
  mfa: boolean;
  prefs: Record<string, unknown>;
  accessedAt: string;
  targetId: string;
}

/** A session as stored. Its secret is never stored: only a SHA-256 of it. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  expire: string;
  provider: string;
  providerUid: string;
  ip: string;
  userAgent: string;
  factors: string[];
}

/**
 * What a one-time token proves: an email address, the right to set a new password, or the right to
 * open a session with `POST /account/sessions/token` — `session` (made by `POST /users/{id}/tokens`),
 * `email-otp` (a 6-digit code mailed by `POST /account/tokens/email`) or `magic-url` (the link mailed
 * by `POST /account/tokens/magic-url`).
 */
export type TokenKind = 'verification' | 'recovery' | SignInTokenKind;

/** The tokens that open a session (Appwrite's generic, email and magic-URL token types). */
export type SignInTokenKind = 'session' | 'email-otp' | 'magic-url';

/** A one-time token as stored (its secret only as a SHA-256). */
export interface TokenRecord {
  id: string;
  userId: string;
  kind: TokenKind;
  createdAt: string;
  expire: string;
}
