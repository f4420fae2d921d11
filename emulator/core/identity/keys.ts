import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { uniqueId } from '../platform/ids.ts';
import { ALL_KEY_SCOPES, KEY_BASE_SCOPES } from '../platform/scopes.ts';
import { isoDate } from '../platform/time.ts';
import type { JwtSigner } from './jwt.ts';

/** A project API key as stored (never with its secret: only a SHA-256 of it is kept). */
export interface ApiKey {
  id: string;
  name: string;
  scopes: readonly string[];
  expire: string | null;
  createdAt: string;
  /** The project an ephemeral key was signed for (a stored key belongs to its folder's project). */
  projectId?: string;
}

/**
 * Type prefixes of the keys signed instead of stored, as Appwrite's `Key::decode` reads them:
 * `ephemeral_` (1.9.5) and `dynamic_` (the older name it still accepts).
 */
const SIGNED_KEY_TYPES = ['ephemeral_', 'dynamic_'];

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
 *
 * A function execution's key is not stored at all: as Appwrite does (SRV Workers/Functions.php,
 * Executions/Create.php, Auth/Key.php `decode`), it is `ephemeral_<JWT{projectId, scopes}>`, signed by
 * the folder's JWT secret and valid for the function's timeout + 60 s, so an execution writes no key
 * row and a request made with it checks a signature instead of reading one.
 */
export class KeyStore {
  private readonly bySecret;

  constructor(
    private readonly db: Sql,
    private readonly signer: JwtSigner,
  ) {
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
   * A function execution's key: `ephemeral_<JWT>` with the project and the function's scopes, valid
   * for `seconds` from `now` (ms). Nothing is written; `find` accepts it until then.
   */
  ephemeral(
    projectId: string,
    scopes: readonly string[],
    seconds: number,
    now: number = Date.now(),
  ): string {
    // The token is a function of its claims and the second it is signed in (JWTs count whole
    // seconds), so executions of a function within one second get the same string: sign it once.
    const second = Math.floor(now / 1000);
    const claims = `${projectId}\u0000${seconds}\u0000${scopes.join('\u0000')}`;
    const signed = this.#ephemerals.get(claims);
    if (signed?.second === second) return signed.key;
    const key = `ephemeral_${this.signer.sign({ projectId, scopes: [...scopes] }, seconds, now)}`;
    if (this.#ephemerals.size >= 64) this.#ephemerals.clear();
    this.#ephemerals.set(claims, { second, key });
    return key;
  }

  /** The last `ephemeral` key signed for each set of claims, and the second it was signed in. */
  readonly #ephemerals = new Map<string, { second: number; key: string }>();

  /**
   * Recent lookups by secret. Every keyed request asks, and hashing plus a query (or a signature
   * check) plus parsing the scopes cost more than the row read the request is for. Keys never change
   * once made; the only deletion (`deleteExpired`) clears the cache, and expiry is checked by the
   * caller on every use. Bounded, so a flood of made-up keys cannot grow it.
   */
  readonly #recent = new Map<string, ApiKey | null>();

  /**
   * The last lookup, checked before `#recent`: a server mostly sees one key (the app's, or one
   * execution's) many times in a row, and comparing the secret costs less than hashing it for the
   * map. Cleared with `#recent`.
   */
  #last: { secret: string; key: ApiKey | null } | null = null;

  /**
   * The key a secret belongs to, or `null`. Expiry is reported, not enforced, here. A signed key
   * whose signature, shape or claims are wrong is `null`, like an unknown stored key.
   */
  find(secret: string): ApiKey | null {
    const last = this.#last;
    if (last !== null && last.secret === secret) return last.key;
    let key = this.#recent.get(secret);
    if (key === undefined) {
      key = this.#signed(secret) ?? this.#stored(secret);
      if (this.#recent.size >= 1024) this.#recent.clear();
      this.#recent.set(secret, key);
    }
    this.#last = { secret, key };
    return key;
  }

  #stored(secret: string): ApiKey | null {
    if (SIGNED_KEY_TYPES.some((type) => secret.startsWith(type))) return null;
    const row = this.bySecret.get(digest(secret)) as KeyRow | undefined;
    return row ? toKey(row) : null;
  }

  /** An `ephemeral_`/`dynamic_` key whose signature holds, as a key (its `expire` from `exp`). */
  #signed(secret: string): ApiKey | null {
    const type = SIGNED_KEY_TYPES.find((prefix) => secret.startsWith(prefix));
    if (type === undefined) return null;
    const claims = this.signer.open(secret.slice(type.length));
    if (!claims || typeof claims.projectId !== 'string' || !Array.isArray(claims.scopes)) {
      return null;
    }
    const scopes = claims.scopes.filter((scope): scope is string => typeof scope === 'string');
    return {
      id: 'ephemeral',
      name: 'Ephemeral Key',
      scopes,
      expire: isoDate(claims.exp * 1000),
      createdAt: isoDate(claims.iat * 1000),
      projectId: claims.projectId,
    };
  }

  /**
   * Deletes expired keys whose name starts with `namePrefix` (the per-execution keys earlier versions
   * stored, named `Function execution <id>`, left in older data folders).
   */
  deleteExpired(namePrefix: string, now: string = isoDate()): number {
    this.#recent.clear();
    this.#last = null;
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
