/**
 * An in-memory `ExportRepo`: users listed in order after a cursor with Appwrite's `total` capped at
 * 5,000, jobs whose every update is kept (so a test sees each progress step), uploads read back from
 * the temp file, and failures to inject at a given call.
 */
import { readFile } from 'node:fs/promises';
import type { CsvUser } from '../../../functions/export-users/src/csv.ts';
import {
  COUNT_CAP,
  type ExportRepo,
  type JobRow,
} from '../../../functions/export-users/src/export-repo.ts';
import type { JobFields } from '../../../shared/schemas/job.ts';

export interface FakeFile {
  content: string;
  name: string;
  readerId: string;
}

export class FakeExportRepo implements ExportRepo {
  readonly jobs = new Map<string, JobRow>();
  /** Every job update in order, as given. */
  readonly updates: Partial<JobFields>[] = [];
  readonly files = new Map<string, FakeFile>();
  readonly tokens = new Map<string, { fileId: string; expire: string }>();
  readonly deleted: string[] = [];
  /** The cursor and search of each `listUsers` call. */
  readonly lists: { cursor: string | null; search: string | null }[] = [];
  users: CsvUser[] = [];
  statsUsers: number | null = null;
  /** Throw on the nth `listUsers` call (1-based). */
  failListAt: number | null = null;
  failUpload: Error | null = null;

  addJob(jobId: string, fields: Partial<JobFields> = {}): JobRow {
    const job: JobRow = {
      $id: jobId,
      kind: 'export-users',
      status: 'queued',
      requestedBy: 'admin-1',
      progress: 0,
      processed: 0,
      total: null,
      fileId: null,
      error: null,
      search: null,
      downloadToken: null,
      downloadExpiresAt: null,
      claims: 0,
      ...fields,
    };
    this.jobs.set(jobId, job);
    return job;
  }

  async getJob(jobId: string) {
    const job = this.jobs.get(jobId);
    return job ? structuredClone(job) : null;
  }

  /** As Appwrite's increment with `max: 1`: checked and written in one step. */
  async claimJob(jobId: string) {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    if (job.claims + 1 > 1) return false;
    job.claims += 1;
    return true;
  }

  async updateJob(jobId: string, patch: Partial<JobFields>) {
    this.updates.push(structuredClone(patch));
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    Object.assign(job, patch);
  }

  async listUsers({
    search,
    cursor,
    limit,
  }: {
    search: string | null;
    cursor: string | null;
    limit: number;
  }) {
    this.lists.push({ cursor, search });
    if (this.failListAt === this.lists.length) {
      throw new Error('users.list failed: secret key standard_abc at 10.0.0.5');
    }
    let all = this.users;
    if (search) all = all.filter((user) => user.name.includes(search));
    const start = cursor === null ? 0 : all.findIndex((user) => user.$id === cursor) + 1;
    return {
      users: structuredClone(all.slice(start, start + limit)),
      total: Math.min(all.length, COUNT_CAP),
    };
  }

  async countedUsers() {
    return this.statsUsers;
  }

  async uploadCsv(input: { fileId: string; path: string; name: string; readerId: string }) {
    const content = await readFile(input.path, 'utf8');
    this.files.set(input.fileId, { content, name: input.name, readerId: input.readerId });
    if (this.failUpload) throw this.failUpload;
  }

  async createDownloadToken(fileId: string, expire: string) {
    const secret = `token-for-${fileId}`;
    this.tokens.set(secret, { fileId, expire });
    return secret;
  }

  async deleteFile(fileId: string) {
    this.deleted.push(fileId);
    this.files.delete(fileId);
  }
}

/** `count` users named `user-<n>` (zero-padded, so their order is their name order). */
export function manyUsers(count: number): CsvUser[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `user-${String(index).padStart(6, '0')}`;
    return {
      $id: id,
      name: `Name ${index}`,
      email: `${id}@example.com`,
      emailVerification: index % 2 === 0,
      status: index % 3 !== 0,
      labels: index % 5 === 0 ? ['admin'] : [],
      $createdAt: '2026-01-01T00:00:00.000+00:00',
    };
  });
}
