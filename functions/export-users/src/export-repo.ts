import { open, stat } from 'node:fs/promises';
import {
  AppwriteException,
  type Client,
  Permission,
  Query,
  Role,
  Storage,
  TablesDB,
  Tokens,
  Users,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { isStatus } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { BucketId, DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import { APPWRITE_COUNT_CAP } from '#shared/limits.ts';
import type { JobFields } from '#shared/schemas/job.ts';
import type { CsvUser } from './csv.ts';

/** A `jobs` row as the export reads it. */
export type JobRow = JobFields & { $id: string };

/** One page of users and Appwrite's `total` for the whole list (counted only up to 5,000). */
export interface UserPage {
  users: CsvUser[];
  total: number;
}

/** How many users Appwrite counts at most in a list's `total`. */
export const COUNT_CAP = APPWRITE_COUNT_CAP;

/**
 * What `export-users` asks of Appwrite. The node-appwrite implementation is below; the unit tests
 * use an in-memory one (tests/unit/functions/export-users-fake-repo.ts).
 */
export interface ExportRepo {
  /** The job, or `null` when there is none. */
  getJob(jobId: string): Promise<JobRow | null>;
  /**
   * Claims the job for this execution: `claims` + 1 with `max: 1`, one atomic statement. `true` for
   * the one execution that took it; `false` for every other (Appwrite's `column_limit_exceeded`).
   */
  claimJob(jobId: string): Promise<boolean>;
  /** Sets some of the job's columns (a fixed-id update: repeating it changes nothing). */
  updateJob(jobId: string, patch: Partial<JobFields>): Promise<void>;
  /** Users after `cursor` in Appwrite's order, optionally matching `search`. */
  listUsers(query: {
    search: string | null;
    cursor: string | null;
    limit: number;
  }): Promise<UserPage>;
  /** The `stats` row's user counter, or `null` when there is no row yet. */
  countedUsers(): Promise<number | null>;
  /** Uploads the CSV at `path` into `exports` as `fileId`, readable only by `readerId`. */
  uploadCsv(input: { fileId: string; path: string; name: string; readerId: string }): Promise<void>;
  /** A file token for the export that expires at `expire`; returns its secret. */
  createDownloadToken(fileId: string, expire: string): Promise<string>;
  /** Deletes the export's file if there is one (a partial upload too); a missing file is fine. */
  deleteFile(fileId: string): Promise<void>;
}

/** Appwrite's chunk size: every chunk but the last is exactly this long. */
export const CHUNK_BYTES = 5 * 1024 * 1024;

/**
 * `storage.createFile` from a file on disk, one 5 MB chunk at a time, with Appwrite's chunked-upload
 * protocol (`Content-Range: bytes start-end/size`, then `X-Appwrite-Id` = the file id for the rest).
 * node-appwrite's own `InputFile.fromPath` upload also reads 5 MB slices, but keeps up to 8 of them in
 * flight (~80 MB with the form copies); one at a time keeps the export's memory to one chunk. A file
 * up to 5 MB goes in one request, as the SDK sends it. The request itself is the SDK's `client.call`,
 * so headers, the key and errors (`AppwriteException`) are exactly the SDK's.
 */
export async function uploadInChunks(
  client: Client,
  input: { bucketId: string; fileId: string; path: string; name: string; permissions: string[] },
): Promise<void> {
  const { size } = await stat(input.path);
  const url = `${client.config.endpoint}/storage/buckets/${encodeURIComponent(input.bucketId)}/files`;
  const handle = await open(input.path, 'r');
  // One buffer for every chunk: the file's bytes are copied into the request's File anyway.
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, 1)));
  try {
    for (let start = 0; start === 0 || start < size; start += CHUNK_BYTES) {
      const end = Math.min(start + CHUNK_BYTES, size);
      const bytes = buffer.subarray(0, end - start);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
      if (bytesRead !== bytes.length)
        throw new Error(`Read ${bytesRead} of ${bytes.length} bytes.`);
      // The headers node-appwrite's createFile sends (the project is per request, not a client default).
      const headers: Record<string, string> = {
        'X-Appwrite-Project': client.config.project,
        'content-type': 'multipart/form-data',
        accept: 'application/json',
      };
      if (size > CHUNK_BYTES) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
      if (start > 0) headers['x-appwrite-id'] = input.fileId;
      const file = await InputFile.fromBuffer(bytes, input.name).toFile();
      await client.call('post', new URL(url), headers, {
        fileId: input.fileId,
        file,
        permissions: input.permissions,
      });
    }
  } finally {
    await handle.close();
  }
}

/** The repository over `node-appwrite`, with the execution's client. */
export function createExportRepo(client: Client): ExportRepo {
  const tables = new TablesDB(client);
  const users = new Users(client);
  const storage = new Storage(client);
  const tokens = new Tokens(client);
  const databaseId = DATABASE_ID;

  return {
    async getJob(jobId) {
      try {
        const row = await withRetry(() =>
          tables.getRow({ databaseId, tableId: TableId.jobs, rowId: jobId }),
        );
        return row as unknown as JobRow;
      } catch (thrown) {
        if (isStatus(thrown, 404)) return null;
        throw thrown;
      }
    },
    async claimJob(jobId) {
      try {
        // Not retried: a lost answer would read as "taken by someone else" on the second try.
        await tables.incrementRowColumn({
          databaseId,
          tableId: TableId.jobs,
          rowId: jobId,
          column: 'claims',
          value: 1,
          max: 1,
        });
        return true;
      } catch (thrown) {
        if (thrown instanceof AppwriteException && thrown.type === 'column_limit_exceeded') {
          return false;
        }
        throw thrown;
      }
    },
    async updateJob(jobId, patch) {
      await withRetry(() =>
        tables.updateRow({ databaseId, tableId: TableId.jobs, rowId: jobId, data: patch }),
      );
    },
    async listUsers({ search, cursor, limit }) {
      const queries = [Query.limit(limit)];
      if (cursor !== null) queries.push(Query.cursorAfter(cursor));
      const page = await withRetry(() =>
        users.list({ queries, ...(search ? { search } : {}), total: cursor === null }),
      );
      return { users: page.users, total: page.total };
    },
    async countedUsers() {
      try {
        const row = await withRetry(() =>
          tables.getRow({ databaseId, tableId: TableId.stats, rowId: STATS_ROW_ID }),
        );
        const users = (row as Record<string, unknown>).users;
        return typeof users === 'number' ? users : null;
      } catch (thrown) {
        if (isStatus(thrown, 404)) return null;
        throw thrown;
      }
    },
    async uploadCsv({ fileId, path, name, readerId }) {
      await uploadInChunks(client, {
        bucketId: BucketId.exports,
        fileId,
        path,
        name,
        // As the job row: the admin who asked, verified (see admin-repo.ts `createJob`).
        permissions: [Permission.read(Role.user(readerId, 'verified'))],
      });
    },
    async createDownloadToken(fileId, expire) {
      const token = await tokens.createFileToken({ bucketId: BucketId.exports, fileId, expire });
      return token.secret;
    },
    async deleteFile(fileId) {
      try {
        await withRetry(() => storage.deleteFile({ bucketId: BucketId.exports, fileId }));
      } catch (thrown) {
        if (!isStatus(thrown, 404)) throw thrown;
      }
    },
  };
}
