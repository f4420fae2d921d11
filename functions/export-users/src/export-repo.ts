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
import { BucketId, DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import type { JobFields } from '#shared/schemas/job.ts';
import { withRetry } from '../../_lib/retry.ts';
import type { CsvUser } from './csv.ts';

/** A `jobs` row as the export reads it. */
export type JobRow = JobFields & { $id: string };

/** One page of users and Appwrite's `total` for the whole list (counted only up to 5,000). */
export interface UserPage {
  users: CsvUser[];
  total: number;
}

/** How many users Appwrite counts at most in a list's `total`. */
export const COUNT_CAP = 5000;

/**
 * What `export-users` asks of Appwrite. The node-appwrite implementation is below; the unit tests
 * use an in-memory one (tests/unit/functions/export-users-fake-repo.ts).
 */
export interface ExportRepo {
  /** The job, or `null` when there is none. */
  getJob(jobId: string): Promise<JobRow | null>;
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

function isStatus(thrown: unknown, code: number): boolean {
  return thrown instanceof AppwriteException && thrown.code === code;
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
      // InputFile.fromPath reads the file in 5 MB slices (node-appwrite's chunked upload, up to 8
      // chunks in flight); the whole CSV is never in memory.
      await storage.createFile({
        bucketId: BucketId.exports,
        fileId,
        file: InputFile.fromPath(path, name),
        permissions: [Permission.read(Role.user(readerId))],
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
