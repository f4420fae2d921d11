import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { uniqueId } from '../platform/ids.ts';
import { isoDate } from '../platform/time.ts';

/**
 * File tokens (`tokens.createFileToken`): a link to one file that works without a session, passed as
 * `?token=` to view, download and preview. As in Appwrite (Response/Model/ResourceToken.php), the
 * token's `secret` is an HS256 JWT of `{tokenId, resourceId, resourceType, resourceInternalId, iat,
 * exp?}` where `resourceInternalId` is "<bucket seq>:<file seq>"; the server checks the signature,
 * then that the token still exists and has not expired. The signing key is made once per data folder,
 * so a link keeps working across restarts and never works against another folder.
 */

/** Appwrite's JWT leeway for resource tokens, in seconds. */
const LEEWAY_SECONDS = 10;

/** A stored token. */
export interface ResourceToken {
  id: string;
  createdAt: string;
  bucketId: string;
  fileId: string;
  bucketSeq: number;
  fileSeq: number;
  /** ISO date, or `null` for a token that never expires. */
  expire: string | null;
  accessedAt: string;
}

/** What a verified `?token=` grants: one file, by its internal ids. */
export interface TokenGrant {
  tokenId: string;
  bucketSeq: number;
  fileSeq: number;
}

interface TokenRow {
  id: string;
  created_at: string;
  bucket_id: string;
  file_id: string;
  bucket_seq: number;
  file_seq: number;
  expire: string | null;
  accessed_at: string;
}

function toToken(row: TokenRow): ResourceToken {
  return {
    id: row.id,
    createdAt: row.created_at,
    bucketId: row.bucket_id,
    fileId: row.file_id,
    bucketSeq: row.bucket_seq,
    fileSeq: row.file_seq,
    expire: row.expire,
    accessedAt: row.accessed_at,
  };
}

/** Tokens for files, and the JWTs that carry them. */
export class ResourceTokenStore {
  private readonly db: Sql;
  private readonly key: Buffer;

  constructor(db: Sql) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS storage_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS storage_tokens (
      id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      bucket_id TEXT NOT NULL,
      file_id TEXT NOT NULL,
      bucket_seq INTEGER NOT NULL,
      file_seq INTEGER NOT NULL REFERENCES storage_files(seq) ON DELETE CASCADE,
      expire TEXT,
      accessed_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS storage_tokens_file ON storage_tokens (file_seq, created_at);`);
    db.prepare("INSERT OR IGNORE INTO storage_meta (name, value) VALUES ('token_key', ?)").run(
      randomBytes(32).toString('hex'),
    );
    const row = db.prepare("SELECT value FROM storage_meta WHERE name = 'token_key'").get() as {
      value: string;
    };
    this.key = Buffer.from(row.value, 'hex');
  }

  /** Creates a token for a file. */
  create(
    file: { bucketId: string; id: string; bucketSeq: number; seq: number },
    expire: string | null,
  ): ResourceToken {
    const id = uniqueId();
    this.db
      .prepare(
        `INSERT INTO storage_tokens (id, created_at, bucket_id, file_id, bucket_seq, file_seq, expire,
          accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?, '')`,
      )
      .run(id, isoDate(), file.bucketId, file.id, file.bucketSeq, file.seq, expire);
    return this.require(id);
  }

  /** The token, or 404 `token_not_found`. */
  require(id: string): ResourceToken {
    const row = this.db.prepare('SELECT * FROM storage_tokens WHERE id = ?').get(id) as
      | TokenRow
      | undefined;
    if (!row) throw new AppwriteError('token_not_found', `No token with the id '${id}'.`);
    return toToken(row);
  }

  /** A file's tokens, oldest first (a file has a handful; lists filter them in memory). */
  forFile(fileSeq: number): ResourceToken[] {
    return (
      this.db
        .prepare('SELECT * FROM storage_tokens WHERE file_seq = ? ORDER BY created_at, id')
        .all(fileSeq) as TokenRow[]
    ).map(toToken);
  }

  /** Sets (or clears, with `null`) a token's expiry. */
  setExpire(id: string, expire: string | null): ResourceToken {
    this.require(id);
    this.db.prepare('UPDATE storage_tokens SET expire = ? WHERE id = ?').run(expire, id);
    return this.require(id);
  }

  /** Deletes a token; its links stop working at once. */
  delete(id: string): void {
    this.require(id);
    this.db.prepare('DELETE FROM storage_tokens WHERE id = ?').run(id);
  }

  /** The JWT a token is handed out as (the same string each time for the same expiry). */
  secretOf(token: ResourceToken): string {
    const payload: Record<string, unknown> = {
      tokenId: token.id,
      resourceId: `${token.bucketId}:${token.fileId}`,
      resourceType: 'files',
      resourceInternalId: `${token.bucketSeq}:${token.fileSeq}`,
      iat: Math.floor(Date.parse(token.createdAt) / 1000),
    };
    if (token.expire) payload.exp = Math.floor(Date.parse(token.expire) / 1000);
    const head = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'HS256' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${head}.${body}.${this.sign(`${head}.${body}`)}`;
  }

  /**
   * What a `?token=` grants, or `null` when it grants nothing: a bad signature, a deleted or expired
   * token. As in Appwrite, a token that grants nothing is simply ignored (the request goes on as
   * whoever sent it), so it never reveals whether a file exists.
   */
  verify(jwt: string): TokenGrant | null {
    const [head, body, signature] = jwt.split('.');
    if (!head || !body || !signature) return null;
    const expected = Buffer.from(this.sign(`${head}.${body}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const now = Date.now() / 1000;
    if (typeof claims.exp === 'number' && claims.exp + LEEWAY_SECONDS < now) return null;
    if (typeof claims.tokenId !== 'string') return null;
    const row = this.db.prepare('SELECT * FROM storage_tokens WHERE id = ?').get(claims.tokenId) as
      | TokenRow
      | undefined;
    if (!row || claims.resourceInternalId !== `${row.bucket_seq}:${row.file_seq}`) return null;
    if (row.expire && Date.parse(row.expire) < Date.now()) return null;
    if (!row.accessed_at || Date.parse(row.accessed_at) < Date.now() - 24 * 3600 * 1000) {
      // Appwrite refreshes accessedAt at most once a day (APP_RESOURCE_TOKEN_ACCESS).
      this.db
        .prepare('UPDATE storage_tokens SET accessed_at = ? WHERE id = ?')
        .run(isoDate(), row.id);
    }
    return { tokenId: row.id, bucketSeq: row.bucket_seq, fileSeq: row.file_seq };
  }

  private sign(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}

/** The ResourceToken model node-appwrite 27.1.0 reads. */
export function resourceTokenModel(token: ResourceToken, secret: string): Record<string, unknown> {
  return {
    $id: token.id,
    $createdAt: token.createdAt,
    resourceId: `${token.bucketId}:${token.fileId}`,
    resourceType: 'files',
    expire: token.expire ?? '',
    secret,
    accessedAt: token.accessedAt,
  };
}
