import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import {
  type Action,
  parsePermissions,
  ROW_ACTIONS,
  rowPermissionsForWrite,
} from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { type Bucket, BucketStore } from './buckets.ts';
import { bucketAllows, bucketForFiles, checkRoles, unauthorized } from './file-access.ts';
import { FileBlobs } from './file-blobs.ts';
import { fileEvent } from './file-events.ts';
import type { FileListPlan } from './file-queries.ts';
import { ResourceTokenStore, type TokenGrant } from './file-tokens.ts';
import { FileStore, type StoredFile } from './files.ts';
import { acceptUpload, type UploadRequest, type UploadResult } from './uploads.ts';

/** Appwrite's `APP_LIMIT_COUNT`: list totals are counted up to this. */
export const COUNT_LIMIT = 5000;

/** How old an unfinished upload must be before the start-up sweep removes it. */
export const STALE_UPLOAD_MS = 24 * 3600 * 1000;

/**
 * Storage over one SQLite handle and one folder: buckets, files, their bytes and file tokens, with
 * Appwrite's access rules applied (core/storage/file-access.ts). Uploads are in core/storage/uploads.ts.
 * core/project.ts builds it once per project.
 *
 * A file's upload (once complete), update and delete publish `buckets.[bucketId].files.[fileId].*` on
 * the project's event bus once made (core/storage/file-events.ts).
 */
export class Storage {
  readonly buckets: BucketStore;
  readonly files: FileStore;
  readonly tokens: ResourceTokenStore;
  /**
   * Per upload in progress (bucket and file), the finishing step that holds it, so the requests
   * of one upload join their chunks one at a time, like Appwrite's lock (core/storage/uploads.ts).
   */
  readonly uploadLocks = new Map<string, Promise<unknown>>();
  private readonly dataDir: string | null;
  private readonly events: EventBus;
  private blobStore: FileBlobs | null = null;
  /** Set once an in-memory app has stored bytes in a temporary folder; removed by `close`. */
  private ownedRoot: string | null = null;

  constructor(db: Sql, dataDir: string | null, events: EventBus) {
    this.buckets = new BucketStore(db);
    this.files = new FileStore(db);
    this.tokens = new ResourceTokenStore(db);
    this.dataDir = dataDir;
    this.events = events;
  }

  /**
   * The bytes on disk. An in-memory app gets a temporary folder on first use only, so the many apps
   * tests build without touching storage leave nothing in the temp folder.
   */
  get blobs(): FileBlobs {
    if (!this.blobStore) {
      if (!this.dataDir) this.ownedRoot = mkdtempSync(join(tmpdir(), 'appwrite-local-storage-'));
      this.blobStore = new FileBlobs(this.ownedRoot ?? join(this.dataDir as string, 'storage'));
    }
    return this.blobStore;
  }

  /** Removes the temporary folder of an in-memory app (a data folder is kept). */
  close(): void {
    if (this.ownedRoot) rmSync(this.ownedRoot, { recursive: true, force: true });
    this.ownedRoot = null;
    if (!this.dataDir) this.blobStore = null;
  }

  /** Deletes a bucket with its files, their bytes and tokens. */
  deleteBucket(id: string): void {
    this.buckets.delete(id);
    this.blobs.removeBucket(id);
  }

  /**
   * A file for reading (get, view, download, preview). `grant` is what a verified `?token=` grants;
   * as in Appwrite, a token for another bucket does not help, and a token for another file of this
   * bucket is 401 `user_unauthorized`.
   */
  readableFile(
    bucketId: string,
    fileId: string,
    principal: Principal,
    grant: TokenGrant | null = null,
  ): { bucket: Bucket; file: StoredFile } {
    const bucket = bucketForFiles(this.buckets, bucketId, principal);
    const byToken = grant !== null && grant.bucketSeq === bucket.seq;
    const valid = bucketAllows(bucket, 'read', principal);
    if (!bucket.fileSecurity && !valid && !byToken) throw unauthorized('read');
    const roles = checkRoles(principal);
    const file =
      bucket.fileSecurity && !valid && !byToken && roles
        ? this.files.getGranted(bucket.seq, fileId, 'read', roles)
        : this.files.get(bucket.seq, fileId);
    if (grant && grant.fileSeq !== file?.seq) throw unauthorized('read');
    if (!file) throw fileNotFound(fileId);
    return { bucket, file };
  }

  /** A page of a bucket's files the caller may read (401 without bucket read and fileSecurity). */
  listFiles(bucketId: string, principal: Principal, plan: FileListPlan, withTotal: boolean) {
    const bucket = bucketForFiles(this.buckets, bucketId, principal);
    const valid = bucketAllows(bucket, 'read', principal);
    if (!bucket.fileSecurity && !valid) throw unauthorized('read');
    const readers = bucket.fileSecurity && !valid ? checkRoles(principal) : null;
    const page = this.files.list(bucket.seq, plan, readers, withTotal, COUNT_LIMIT);
    if ('cursorMissing' in page) {
      throw new AppwriteError(
        'general_cursor_not_found',
        `No file '${plan.cursor?.id}' to page from.`,
      );
    }
    return page;
  }

  /**
   * A file the caller may `update` or `delete`. As in Appwrite, the file is found without a read
   * check ("read permission should not be required"), so a missing file is 404 and one the caller
   * may not change is 401 `user_unauthorized`.
   */
  writableFile(bucketId: string, fileId: string, principal: Principal, action: Action) {
    const bucket = bucketForFiles(this.buckets, bucketId, principal);
    const valid = bucketAllows(bucket, action, principal);
    if (!bucket.fileSecurity && !valid) throw unauthorized(action);
    const file = this.files.get(bucket.seq, fileId);
    if (!file) throw fileNotFound(fileId);
    const roles = checkRoles(principal);
    if (bucket.fileSecurity && !valid && roles && !this.fileAllows(file, action, roles)) {
      throw unauthorized(action);
    }
    return { bucket, file };
  }

  /**
   * Handles one upload request, a whole file or one chunk (core/storage/uploads.ts). The create event
   * is published once, with the request that completes the file, as in Appwrite.
   */
  async upload(
    principal: Principal,
    request: UploadRequest,
    options: WriteOptions = {},
  ): Promise<UploadResult> {
    const result = await acceptUpload(this, principal, request);
    const file = result.file;
    const bucket = this.buckets.get(request.bucketId);
    if (bucket && result.status === 201 && file.chunksUploaded >= file.chunksTotal) {
      this.events.publish(fileEvent('create', bucket, file, options));
    }
    return result;
  }

  /** Renames a file and/or replaces its permissions (a user may only grant roles they hold). */
  updateFile(
    bucketId: string,
    fileId: string,
    principal: Principal,
    changes: { name?: string; permissions?: unknown },
    options: WriteOptions = {},
  ): StoredFile {
    const { bucket, file } = this.writableFile(bucketId, fileId, principal, 'update');
    const requested = parsePermissions(changes.permissions, ROW_ACTIONS);
    const permissions = rowPermissionsForWrite(principal, requested, false) ?? undefined;
    this.files.update(file.seq, { name: changes.name, permissions });
    const updated = this.files.get(bucket.seq, fileId) as StoredFile;
    this.events.publish(fileEvent('update', bucket, updated, options));
    return updated;
  }

  /** Deletes a file: its row, its bytes (or the chunks of an unfinished upload) and its tokens. */
  async deleteFile(
    bucketId: string,
    fileId: string,
    principal: Principal,
    options: WriteOptions = {},
  ) {
    const found = this.writableFile(bucketId, fileId, principal, 'delete');
    this.files.delete(found.file.seq);
    await this.blobs.remove(found.file.bucketId, found.file.id);
    this.events.publish(fileEvent('delete', found.bucket, found.file, options));
    return found;
  }

  /**
   * Removes unfinished uploads older than `maxAgeMs` (row and chunks), chunk folders with no upload
   * behind them and temporary files a crash left. Returns how many uploads it removed.
   */
  async sweepStaleUploads(maxAgeMs: number = STALE_UPLOAD_MS): Promise<number> {
    // A fresh in-memory app has nothing on disk to sweep.
    if (!this.dataDir && !this.blobStore) return 0;
    const stale = this.files.partialsBefore(isoDate(Date.now() - maxAgeMs));
    for (const file of stale) {
      this.files.delete(file.seq);
      await this.blobs.remove(file.bucketId, file.id);
    }
    for (const [bucketId, fileId] of this.blobs.uploadFolders()) {
      if (!this.files.isPartial(bucketId, fileId)) await this.blobs.removeParts(bucketId, fileId);
    }
    this.blobs.removeTemporaries();
    return stale.length;
  }

  private fileAllows(file: StoredFile, action: Action, roles: readonly string[]): boolean {
    return this.files.getGranted(file.bucketSeq, file.id, action, roles) !== null;
  }
}

/** 404 `storage_file_not_found` (also what an unreadable file looks like). */
export function fileNotFound(fileId: string): AppwriteError {
  return new AppwriteError(
    'storage_file_not_found',
    `No file with the id '${fileId}' in this bucket.`,
  );
}
