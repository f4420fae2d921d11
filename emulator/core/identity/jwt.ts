import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../platform/db.ts';

/** What a user JWT carries (as Appwrite's: the user and, when made from one, the session). */
export interface JwtClaims {
  userId: string;
  sessionId: string;
  iat: number;
  exp: number;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * HS256 JWTs for `X-Appwrite-JWT`. The signing secret is made once per data folder and kept in SQLite,
 * so JWTs survive a restart of the same folder and never validate against another folder.
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

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }

  /** Signs `{userId, sessionId}` valid for `seconds` from now. */
  issue(userId: string, sessionId: string, seconds: number): string {
    const iat = Math.floor(Date.now() / 1000);
    const head = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
    const body = base64url(JSON.stringify({ userId, sessionId, iat, exp: iat + seconds }));
    return `${head}.${body}.${this.sign(`${head}.${body}`)}`;
  }

  /** The claims of a valid, unexpired token; `null` for anything else (bad shape, signature, expiry). */
  verify(token: string): JwtClaims | null {
    const [head, body, signature] = token.split('.');
    if (!head || !body || !signature) return null;
    const expected = Buffer.from(this.sign(`${head}.${body}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    try {
      const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
      if (header?.alg !== 'HS256') return null;
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof claims?.userId !== 'string' || typeof claims?.exp !== 'number') return null;
      if (claims.exp <= Math.floor(Date.now() / 1000)) return null;
      return {
        userId: claims.userId,
        sessionId: typeof claims.sessionId === 'string' ? claims.sessionId : '',
        iat: claims.iat,
        exp: claims.exp,
      };
    } catch {
      return null;
    }
  }
}
