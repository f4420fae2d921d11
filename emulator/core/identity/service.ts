import type { Sql } from '../platform/db.ts';
import type { EventBus } from '../platform/events.ts';
import { TokenStore } from './account-tokens.ts';
import { JwtSigner } from './jwt.ts';
import { KeyStore } from './keys.ts';
import { Outbox } from './outbox.ts';
import { PasswordHistory } from './password-history.ts';
import { SessionStore } from './sessions.ts';
import { UserStore } from './users.ts';

/**
 * The identity half of the core, built once per project (core/project.ts): users, sessions, tokens,
 * keys, JWTs, mail and the password history.
 */
export interface Identity {
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  keys: KeyStore;
  jwt: JwtSigner;
  outbox: Outbox;
  /** The hashes the password-history policy keeps (core/identity/password-history.ts). */
  passwordHistory: PasswordHistory;
}

/**
 * Creates the identity stores (and their tables) on a database; their writes are announced on
 * `events`. Users first: others reference it.
 */
export function openIdentity(db: Sql, events: EventBus): Identity {
  const users = new UserStore(db, events);
  const jwt = new JwtSigner(db);
  return {
    users,
    sessions: new SessionStore(db, events, users),
    tokens: new TokenStore(db, events),
    keys: new KeyStore(db, jwt),
    jwt,
    outbox: new Outbox(db),
    passwordHistory: new PasswordHistory(db),
  };
}
