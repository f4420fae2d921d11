import type { Sql } from '../platform/db.ts';
import { selectPage } from '../platform/list-page.ts';
import { type Action, grantsOf } from '../platform/permissions.ts';
import { isoDate } from '../platform/time.ts';
import type { FileListPlan } from './file-queries.ts';

/**
 * File metadata in SQLite (`storage_files`), with each file's permissions also kept one grant per
 * row in `storage_file_perms` so that a list filters readable files in SQL (a few index probes per
 * file), and the chunks received so far of an upload in `storage_chunks`. The bytes live on disk
 * (core/storage/file-blobs.ts). `seq` is never reused (AUTOINCREMENT), which file tokens rely on.
 */

/** A stored file (complete, or an upload still receiving chunks). */
export interface StoredFile {
  seq: number;
  bucketSeq: number;
  bucketId: string;
  id: string;
  createdAt: string;
  updatedAt: string;
  permissions: string[];
  name: string;
  /** Virtual folder, `a/b/` (with its trailing slash), `''` for the bucket root. */
  folder: string;
  signature: string;
  mimeType: string;
  sizeOriginal: number;
  sizeActual: number;
  chunksTotal: number;
  chunksUploaded: number;
}

/** What a new file row starts with. */
export interface NewFile {
  bucketSeq: number;
  bucketId: string;
  id: string;
  permissions: string[];
  name: string;
  /** The virtual folder; the bucket root when absent. */
  folder?: string;
  sizeOriginal: number;
  chunksTotal: number;
}

/** What completing an upload records. */
export interface CompletedFile {
  signature: string;
  mimeType: string;
  sizeActual: number;
}

interface FileRow {
  seq: number;
  bucket_seq: number;
  bucket_id: string;
  id: string;
  created_at: string;
  updated_at: string;
  permissions: string;
  name: string;
  folder: string;
  signature: string;
  mime_type: string;
  size_original: number;
  size_actual: number;
  chunks_total: number;
  chunks_uploaded: number;
}

function toFile(row: FileRow): StoredFile {
  return {
    seq: row.seq,
    bucketSeq: row.bucket_seq,
    bucketId: row.bucket_id,
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    permissions: JSON.parse(row.permissions),
    name: row.name,
    folder: row.folder,
    signature: row.signature,
    mimeType: row.mime_type,
    sizeOriginal: row.size_original,
    sizeActual: row.size_actual,
    chunksTotal: row.chunks_total,
    chunksUploaded: row.chunks_uploaded,
  };
}

/**
 * The File model node-appwrite 27.1.0 reads (format 1.9.5, which has no `folder`). Files are stored
 * as uploaded, so `encryption` is false and `compression` is `none` once complete (Appwrite reports
 * `''` until an upload's last chunk).
 */
export function fileModel(file: StoredFile): Record<string, unknown> {
  const complete = file.chunksUploaded >= file.chunksTotal;
  return {
    $id: file.id,
    bucketId: file.bucketId,
    $createdAt: file.createdAt,
    $updatedAt: file.updatedAt,
    $permissions: file.permissions,
    name: file.name,
    signature: file.signature,
    mimeType: file.mimeType,
    sizeOriginal: file.sizeOriginal,
    sizeActual: file.sizeActual,
    chunksTotal: file.chunksTotal,
    chunksUploaded: file.chunksUploaded,
    encryption: false,
    compression: complete ? 'none' : '',
  };
}

/** The SQL condition that file `f` grants `action` to one of `roles` (bound parameters). */
function grantSql(action: Action, roles: readonly string[]): { sql: string; params: unknown[] } {
  return {
    sql: `EXISTS (SELECT 1 FROM storage_file_perms p WHERE p.seq = f.seq AND p.action = ? AND p.role IN (${roles.map(() => '?').join(', ')}))`,
    params: [action, ...roles],
  };
}

/** File rows over one SQLite handle. */
export class FileStore {
  private readonly db: Sql;

  constructor(db: Sql) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS storage_files (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      bucket_seq INTEGER NOT NULL REFERENCES storage_buckets(seq) ON DELETE CASCADE,
      bucket_id TEXT NOT NULL,
      id TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      permissions TEXT NOT NULL,
      name TEXT NOT NULL,
      folder TEXT NOT NULL DEFAULT '',
      signature TEXT NOT NULL,
      mime_type TEXT NOT NULL,
      size_original INTEGER NOT NULL,
      size_actual INTEGER NOT NULL,
      chunks_total INTEGER NOT NULL,
      chunks_uploaded INTEGER NOT NULL,
      UNIQUE (bucket_seq, id)
    );
    CREATE INDEX IF NOT EXISTS storage_files_partial ON storage_files (created_at)
      WHERE chunks_uploaded < chunks_total;
    CREATE TABLE IF NOT EXISTS storage_file_perms (
      seq INTEGER NOT NULL REFERENCES storage_files(seq) ON DELETE CASCADE,
      action TEXT NOT NULL,
      role TEXT NOT NULL,
      PRIMARY KEY (seq, action, role)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS storage_chunks (
      seq INTEGER NOT NULL REFERENCES storage_files(seq) ON DELETE CASCADE,
      chunk INTEGER NOT NULL,
      PRIMARY KEY (seq, chunk)
    ) WITHOUT ROWID;`);
    // Data folders from before virtual folders: every file is at the bucket root.
    const columns = db.prepare('PRAGMA table_info(storage_files)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'folder')) {
      db.exec("ALTER TABLE storage_files ADD COLUMN folder TEXT NOT NULL DEFAULT ''");
    }
    db.exec(
      'CREATE INDEX IF NOT EXISTS storage_files_folder ON storage_files (bucket_seq, folder)',
    );
  }

  /** The file, whatever its permissions, or `null`. */
  get(bucketSeq: number, id: string): StoredFile | null {
    const row = this.db
      .prepare('SELECT * FROM storage_files WHERE bucket_seq = ? AND id = ?')
      .get(bucketSeq, id) as FileRow | undefined;
    return row ? toFile(row) : null;
  }

  /** The file when one of `roles` may `action` it, else `null` (unreadable is the same as absent). */
  getGranted(bucketSeq: number, id: string, action: Action, roles: readonly string[]) {
    const grant = grantSql(action, roles);
    const row = this.db
      .prepare(`SELECT * FROM storage_files f WHERE f.bucket_seq = ? AND f.id = ? AND ${grant.sql}`)
      .get(bucketSeq, id, ...grant.params) as FileRow | undefined;
    return row ? toFile(row) : null;
  }

  /**
   * A page of a bucket's files. With `readers`, only files granting `read` to one of those roles
   * count (for the page, the total and the cursor); `null` skips the check (keys, bucket readers).
   * `total` counts up to `cap`, as Appwrite's does.
   */
  list(
    bucketSeq: number,
    plan: FileListPlan,
    readers: readonly string[] | null,
    withTotal: boolean,
    cap: number,
  ): { total: number; files: StoredFile[] } | { cursorMissing: true } {
    const where = ['f.bucket_seq = ?'];
    const params: unknown[] = [bucketSeq];
    if (readers) {
      const grant = grantSql('read', readers);
      where.push(grant.sql);
      params.push(...grant.params);
    }
    const page = selectPage<FileRow>(
      this.db,
      { table: 'storage_files f', idSql: 'f.id', seqSql: 'f.seq', select: 'f.*', where, params },
      plan,
      withTotal,
      cap,
    );
    if ('cursorMissing' in page) return page;
    return { total: page.total, files: page.rows.map(toFile) };
  }

  /** Inserts a new file row (an upload in progress until `complete`). */
  create(file: NewFile): StoredFile {
    const now = isoDate();
    const insert = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO storage_files (bucket_seq, bucket_id, id, created_at, updated_at, permissions,
            name, folder, signature, mime_type, size_original, size_actual, chunks_total, chunks_uploaded)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, 0, ?, 0)`,
        )
        .run(
          file.bucketSeq,
          file.bucketId,
          file.id,
          now,
          now,
          JSON.stringify(file.permissions),
          file.name,
          file.folder ?? '',
          file.sizeOriginal,
          file.chunksTotal,
        );
      this.writeGrants(Number(info.lastInsertRowid), file.permissions);
    });
    insert();
    return this.get(file.bucketSeq, file.id) as StoredFile;
  }

  /** Notes that chunk `chunk` (1-based) has arrived; returns how many distinct chunks have. */
  addChunk(seq: number, chunk: number): number {
    this.db
      .prepare('INSERT OR IGNORE INTO storage_chunks (seq, chunk) VALUES (?, ?)')
      .run(seq, chunk);
    const { n } = this.db
      .prepare('SELECT COUNT(*) AS n FROM storage_chunks WHERE seq = ?')
      .get(seq) as { n: number };
    // The last chunk is counted by `complete`, once the bytes are assembled: until then a reader
    // must not see a finished file that is not on disk yet.
    this.db
      .prepare(
        'UPDATE storage_files SET chunks_uploaded = MIN(?, chunks_total - 1), updated_at = ? WHERE seq = ?',
      )
      .run(n, isoDate(), seq);
    return n;
  }

  /** Records a finished upload: every chunk is in, the bytes are assembled and described. */
  complete(seq: number, done: CompletedFile): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE storage_files SET signature = ?, mime_type = ?, size_actual = ?,
            chunks_uploaded = chunks_total, updated_at = ? WHERE seq = ?`,
        )
        .run(done.signature, done.mimeType, done.sizeActual, isoDate(), seq);
      this.db.prepare('DELETE FROM storage_chunks WHERE seq = ?').run(seq);
    })();
  }

  /** Renames a file and/or replaces its permissions. */
  update(seq: number, changes: { name?: string; permissions?: string[] }): void {
    this.db.transaction(() => {
      if (changes.name !== undefined) {
        this.db.prepare('UPDATE storage_files SET name = ? WHERE seq = ?').run(changes.name, seq);
      }
      if (changes.permissions !== undefined) {
        this.db
          .prepare('UPDATE storage_files SET permissions = ? WHERE seq = ?')
          .run(JSON.stringify(changes.permissions), seq);
        this.db.prepare('DELETE FROM storage_file_perms WHERE seq = ?').run(seq);
        this.writeGrants(seq, changes.permissions);
      }
      this.db.prepare('UPDATE storage_files SET updated_at = ? WHERE seq = ?').run(isoDate(), seq);
    })();
  }

  /** Deletes a file row (its grants, chunks and tokens go with it). */
  delete(seq: number): void {
    this.db.prepare('DELETE FROM storage_files WHERE seq = ?').run(seq);
  }

  /** Uploads still missing chunks that started before `before` (an ISO date). */
  partialsBefore(before: string): StoredFile[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM storage_files WHERE chunks_uploaded < chunks_total AND created_at < ?',
        )
        .all(before) as FileRow[]
    ).map(toFile);
  }

  /** Whether an upload in progress exists for this bucket and file id. */
  isPartial(bucketId: string, id: string): boolean {
    const row = this.db
      .prepare(
        'SELECT 1 FROM storage_files WHERE bucket_id = ? AND id = ? AND chunks_uploaded < chunks_total',
      )
      .get(bucketId, id);
    return row !== undefined;
  }

  /** The bytes a bucket's files take. */
  totalSize(bucketSeq: number): number {
    const row = this.db
      .prepare('SELECT COALESCE(SUM(size_actual), 0) AS n FROM storage_files WHERE bucket_seq = ?')
      .get(bucketSeq) as { n: number };
    return row.n;
  }

  private writeGrants(seq: number, permissions: readonly string[]): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO storage_file_perms (seq, action, role) VALUES (?, ?, ?)',
    );
    for (const grant of grantsOf(permissions)) insert.run(seq, grant.action, grant.role);
  }
}
