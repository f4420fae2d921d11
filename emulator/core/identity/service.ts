import type { Sql } from '../platform/db.ts';
import { TokenStore } from './account-tokens.ts';
import { JwtSigner } from './jwt.ts';
import { KeyStore } from './keys.ts';
import { Outbox } from './outbox.ts';
import { SessionStore } from './sessions.ts';
import { UserStore } from './users.ts';

/** The identity half of the core, built once per database: users, sessions, tokens, keys, JWTs, mail. */
export interface Identity {
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  keys: KeyStore;
  jwt: JwtSigner;
  outbox: Outbox;
}

/** Creates the identity stores (and their tables) on a database. Users first: others reference it. */
export function openIdentity(db: Sql): Identity {
  const users = new UserStore(db);
  return {
    users,
    sessions: new SessionStore(db),
    tokens: new TokenStore(db),
    keys: new KeyStore(db),
    jwt: new JwtSigner(db),
    outbox: new Outbox(db),
  };
}
