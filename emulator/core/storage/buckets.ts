import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';

/**
 * Storage buckets: their settings and bucket-level permissions, in `storage_buckets`. Files live in
 * core/storage/files.ts and reference a bucket by its `seq`, which is never reused (AUTOINCREMENT), so a file
 * token minted for a deleted bucket can never match a new bucket of the same id.
 */

/** Appwrite's `_APP_STORAGE_LIMIT` default (30 MB): the largest `maximumFileSize` and its default. */
export const STORAGE_LIMIT = 30_000_000;

/** Compression settings a bucket accepts (echoed; the local Appwrite stores files as they are). */
export const COMPRESSIONS: readonly string[] = ['none', 'gzip', 'zstd'];

/** The settings a bucket is created or updated with (already validated). */
export interface BucketInput {
  name: string;
  permissions: string[];
  fileSecurity: boolean;
  enabled: boolean;
  maximumFileSize: number;
  allowedFileExtensions: string[];
  compression: string;
  encryption: boolean;
  antivirus: boolean;
  transformations: boolean;
}

/** A stored bucket. */
export interface Bucket extends BucketInput {
  seq: number;
  id: string;
  createdAt: string;
  updatedAt: string;
}

interface BucketRow {
  seq: number;
  id: string;
  created_at: string;
  updated_at: string;
  permissions: string;
  name: string;
  enabled: number;
  file_security: number;
  maximum_file_size: number;
  allowed_file_extensions: string;
  compression: string;
  encryption: number;
  antivirus: number;
  transformations: number;
}

function toBucket(row: BucketRow): Bucket {
  return {
    seq: row.seq,
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    permissions: JSON.parse(row.permissions),
    name: row.name,
    enabled: row.enabled === 1,
    fileSecurity: row.file_security === 1,
    maximumFileSize: row.maximum_file_size,
    allowedFileExtensions: JSON.parse(row.allowed_file_extensions),
    compression: row.compression,
    encryption: row.encryption === 1,
    antivirus: row.antivirus === 1,
    transformations: row.transformations === 1,
  };
}

/** The Bucket model node-appwrite 27.1.0 reads (`models.d.mts` Bucket). */
export function bucketModel(bucket: Bucket, totalSize: number): Record<string, unknown> {
  return {
    $id: bucket.id,
    $createdAt: bucket.createdAt,
    $updatedAt: bucket.updatedAt,
    $permissions: bucket.permissions,
    fileSecurity: bucket.fileSecurity,
    name: bucket.name,
    enabled: bucket.enabled,
    maximumFileSize: bucket.maximumFileSize,
    allowedFileExtensions: bucket.allowedFileExtensions,
    compression: bucket.compression,
    encryption: bucket.encryption,
    antivirus: bucket.antivirus,
    transformations: bucket.transformations,
    totalSize,
  };
}

/** Bucket rows over one SQLite handle. */
export class BucketStore {
  private readonly db: Sql;

  constructor(db: Sql) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS storage_buckets (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      permissions TEXT NOT NULL,
      name TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      file_security INTEGER NOT NULL,
      maximum_file_size INTEGER NOT NULL,
      allowed_file_extensions TEXT NOT NULL,
      compression TEXT NOT NULL,
      encryption INTEGER NOT NULL,
      antivirus INTEGER NOT NULL,
      transformations INTEGER NOT NULL
    )`);
  }

  /** Creates a bucket; an existing id is 409 `storage_bucket_already_exists`. */
  create(id: string, input: BucketInput): Bucket {
    if (this.get(id)) {
      throw new AppwriteError(
        'storage_bucket_already_exists',
        `A bucket with the id '${id}' already exists.`,
      );
    }
    const now = isoDate();
    this.db
      .prepare(
        `INSERT INTO storage_buckets (id, created_at, updated_at, permissions, name, enabled,
          file_security, maximum_file_size, allowed_file_extensions, compression, encryption,
          antivirus, transformations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, now, now, ...columns(input));
    return this.require(id);
  }

  /** The bucket, or `null`. */
  get(id: string): Bucket | null {
    const row = this.db.prepare('SELECT * FROM storage_buckets WHERE id = ?').get(id) as
      | BucketRow
      | undefined;
    return row ? toBucket(row) : null;
  }

  /** The bucket, or 404 `storage_bucket_not_found`. */
  require(id: string): Bucket {
    const bucket = this.get(id);
    if (!bucket) {
      throw new AppwriteError('storage_bucket_not_found', `No bucket with the id '${id}'.`);
    }
    return bucket;
  }

  /** Every bucket in creation order (a project has a handful; lists filter them in memory). */
  all(): Bucket[] {
    return (this.db.prepare('SELECT * FROM storage_buckets ORDER BY seq').all() as BucketRow[]).map(
      toBucket,
    );
  }

  /** Replaces a bucket's settings. */
  update(id: string, input: BucketInput): Bucket {
    this.require(id);
    this.db
      .prepare(
        `UPDATE storage_buckets SET updated_at = ?, permissions = ?, name = ?, enabled = ?,
          file_security = ?, maximum_file_size = ?, allowed_file_extensions = ?, compression = ?,
          encryption = ?, antivirus = ?, transformations = ? WHERE id = ?`,
      )
      .run(isoDate(), ...columns(input), id);
    return this.require(id);
  }

  /** Deletes a bucket row; its files' rows go with it (foreign keys). Bytes are the caller's job. */
  delete(id: string): void {
    this.require(id);
    this.db.prepare('DELETE FROM storage_buckets WHERE id = ?').run(id);
  }
}

function columns(input: BucketInput): unknown[] {
  return [
    JSON.stringify(input.permissions),
    input.name,
    input.enabled ? 1 : 0,
    input.fileSecurity ? 1 : 0,
    input.maximumFileSize,
    JSON.stringify(input.allowedFileExtensions),
    input.compression,
    input.encryption ? 1 : 0,
    input.antivirus ? 1 : 0,
    input.transformations ? 1 : 0,
  ];
}
