import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../platform/db.ts';

/** What a user JWT carries (as Appwrite's: the user and, when made from one, the session). */
export interface JwtClaims {
  userId: string;
  sessionId: string;
  iat: number;
  exp: number;
}

/** The claims of a token whose signature holds, with its `iat`/`exp` (seconds) read as numbers. */
export type SignedClaims = Record<string, unknown> & { iat: number; exp: number };

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Every token has this header: encoded once. */
const HEAD = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));

/**
 * HS256 JWTs, signed with a secret made once per data folder and kept in SQLite, so tokens survive a
 * restart of the same folder and never validate against another folder. Two kinds, as Appwrite signs
 * both with its one `_APP_OPENSSL_KEY_V1`: user JWTs for `X-Appwrite-JWT` (`issue`/`verify`), and the
 * per-execution `ephemeral_` keys (core/identity/keys.ts), through `sign`/`open`.
 */
export class JwtSigner {
  private readonly secret: Buffer;

  constructor(db: Sql) {
    db.exec('CREATE TABLE IF NOT EXISTS auth_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.prepare("INSERT OR IGNORE INTO auth_meta (name, value) VALUES ('jwt_secret', ?)").run(
      randomBytes(32).toString('hex'),
    );
    const row = db.prepare("SELECT value FROM auth_meta WHERE name = 'jwt_secret'").get() as {
      value: string;
    };
    this.secret = Buffer.from(row.value, 'hex');
  }

  private mac(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }

  /** Signs `claims` plus `iat` (now) and `exp` (now + `seconds`), in whole seconds as JWTs count. */
  sign(claims: Record<string, unknown>, seconds: number, now: number = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const body = base64url(JSON.stringify({ ...claims, iat, exp: iat + seconds }));
    return `${HEAD}.${body}.${this.mac(`${HEAD}.${body}`)}`;
  }

  /**
   * The claims of a token this signer made, expired or not (the caller decides what expiry means);
   * `null` when its shape, header or signature is wrong. The signature is compared in constant time,
   * before anything of the token is parsed.
   */
  open(token: string): SignedClaims | null {
    const [head, body, signature, extra] = token.split('.');
    if (!head || !body || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(`${head}.${body}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    try {
      const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
      if (header?.alg !== 'HS256') return null;
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
      if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
      return claims as SignedClaims;
    } catch {
      return null;
    }
  }

  /** Signs `{userId, sessionId}` valid for `seconds` from now. */
  issue(userId: string, sessionId: string, seconds: number): string {
    return this.sign({ userId, sessionId }, seconds);
  }

  /** The claims of a valid, unexpired token; `null` for anything else (bad shape, signature, expiry). */
  verify(token: string): JwtClaims | null {
    const claims = this.open(token);
    if (!claims || typeof claims.userId !== 'string') return null;
    if (claims.exp <= Math.floor(Date.now() / 1000)) return null;
    return {
      userId: claims.userId,
      sessionId: typeof claims.sessionId === 'string' ? claims.sessionId : '',
      iat: claims.iat,
      exp: claims.exp,
    };
  }
}
