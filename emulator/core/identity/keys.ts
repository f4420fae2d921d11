import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { uniqueId } from '../platform/ids.ts';
import { ALL_KEY_SCOPES, KEY_BASE_SCOPES } from '../platform/scopes.ts';
import { isoDate } from '../platform/time.ts';

/** A project API key as stored (never with its secret: only a SHA-256 of it is kept). */
export interface ApiKey {
  id: string;
  name: string;
  scopes: readonly string[];
  expire: string | null;
  createdAt: string;
}

interface KeyRow {
  id: string;
  name: string;
  scopes: string;
  expire: string | null;
  created_at: string;
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes),
    expire: row.expire,
    createdAt: row.created_at,
  };
}

/** Each key's effective scopes, made once per key object (cached keys are reused across requests). */
const scopeSets = new WeakMap<ApiKey, ReadonlySet<string>>();

/**
 * Project API keys with scopes. Secrets look like Appwrite's standard keys (`standard_<hex>`) and are
 * stored only as a SHA-256 digest: a key is 256 random bits, so a fast hash is enough and lets every
 * request find its key with one indexed lookup instead of a KDF.
 */
export class KeyStore {
  private readonly bySecret;

  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS auth_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      secret_hash TEXT NOT NULL UNIQUE,
      scopes TEXT NOT NULL,
      expire TEXT,
      created_at TEXT NOT NULL
    )`);
    // Every keyed request runs this lookup: prepare it once.
    this.bySecret = db.prepare(
      'SELECT id, name, scopes, expire, created_at FROM auth_keys WHERE secret_hash = ?',
    );
  }

  /** Creates a key and returns it with its secret, which is shown this once and never stored. */
  create(name: string, scopes: readonly string[], expire: string | null = null) {
    const secret = `standard_${randomBytes(64).toString('hex')}`;
    const key: ApiKey = { id: uniqueId(), name, scopes: [...scopes], expire, createdAt: isoDate() };
    this.db
      .prepare(
        'INSERT INTO auth_keys (id, name, secret_hash, scopes, expire, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(key.id, name, digest(secret), JSON.stringify(key.scopes), expire, key.createdAt);
    return { key, secret };
  }

  /** Creates a key holding every scope (what `credentials.json` hands to scripts and tests). */
  createFullScope(name = 'Local full-scope key') {
    return this.create(name, ALL_KEY_SCOPES);
  }

  /**
   * Recent lookups by secret. Every keyed request asks, and hashing plus a query plus parsing the
   * scopes cost more than the row read the request is for. Keys never change once made; the only
   * deletion (`deleteExpired`) clears the cache, and expiry is checked by the caller on every use.
   * Bounded, so a flood of made-up keys cannot grow it.
   */
  readonly #recent = new Map<string, ApiKey | null>();

  /** The key a secret belongs to, or `null`. Expiry is reported, not enforced, here. */
  find(secret: string): ApiKey | null {
    const cached = this.#recent.get(secret);
    if (cached !== undefined) return cached;
    const row = this.bySecret.get(digest(secret)) as KeyRow | undefined;
    const key = row ? toKey(row) : null;
    if (this.#recent.size >= 1024) this.#recent.clear();
    this.#recent.set(secret, key);
    return key;
  }

  /**
   * Deletes expired keys whose name starts with `namePrefix` (the per-execution keys functions get,
   * which live for the function's timeout plus a minute and would otherwise pile up).
   */
  deleteExpired(namePrefix: string, now: string = isoDate()): number {
    this.#recent.clear();
    return this.db
      .prepare(
        'DELETE FROM auth_keys WHERE expire IS NOT NULL AND expire < ? AND substr(name, 1, ?) = ?',
      )
      .run(now, namePrefix.length, namePrefix).changes;
  }

  /** The scopes a request made with this key holds: its own plus those every key has. */
  static effectiveScopes(key: ApiKey): ReadonlySet<string> {
    let scopes = scopeSets.get(key);
    if (!scopes) {
      scopes = new Set([...key.scopes, ...KEY_BASE_SCOPES]);
      scopeSets.set(key, scopes);
    }
    return scopes;
  }
}
