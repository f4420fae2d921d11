import * as z from 'zod/mini';
import { Limits } from '../limits.ts';
import { Counter, DateTime, Id, INT32_MAX, SearchText } from './common.ts';
import { rowOf } from './row.ts';

export const JobKind = z.enum(['export-users']);
export type JobKind = z.infer<typeof JobKind>;

/** A job's life: queued by the request, running in the async execution, then one of the two ends. */
export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type JobStatus = z.infer<typeof JobStatus>;

/** A file token's secret is a JWT of a few hundred characters; the column leaves room. */
export const DOWNLOAD_TOKEN_MAX = 1024;

/**
 * What a `jobs` row stores: background work (the CSV export) readable by the admin who asked, so the
 * UI draws a progress bar from its Realtime updates. `total` is unknown until counted (`null` while
 * more than Appwrite counts); `fileId`, `downloadToken` and `downloadExpiresAt` are set on success,
 * `error` on failure; `$updatedAt` tells when it last moved. `downloadToken` is a file token's secret:
 * `storage.getFileDownload({ bucketId: 'exports', fileId, token })` is a link that works without
 * cookies until `downloadExpiresAt`.
 */
export const JobFields = z.strictObject({
  kind: JobKind,
  status: JobStatus,
  requestedBy: Id,
  progress: z._default(z.int().check(z.minimum(0), z.maximum(100)), 0),
  processed: Counter,
  total: z._default(z.nullable(z.int().check(z.minimum(0), z.maximum(INT32_MAX))), null),
  fileId: z._default(z.nullable(Id), null),
  error: z._default(z.nullable(z.string().check(z.maxLength(Limits.jobError.max))), null),
  /** The export's filter: only users matching this search; `null` for everyone. */
  search: z._default(z.nullable(SearchText), null),
  downloadToken: z._default(z.nullable(z.string().check(z.maxLength(DOWNLOAD_TOKEN_MAX))), null),
  downloadExpiresAt: z._default(z.nullable(DateTime), null),
  /**
   * How many executions tried to claim the job. The claim is an atomic increment capped at 1, so
   * exactly one execution runs a job however many start at once; the others see the cap and skip.
   */
  claims: Counter,
});
export type JobFields = z.infer<typeof JobFields>;

export const Job = rowOf(JobFields);
export type Job = z.infer<typeof Job>;

/** Start a CSV export of users, optionally only those matching a search. */
export const ExportRequest = z.strictObject({
  search: z.optional(SearchText),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

/** What `admin` sends the `export-users` execution: the queued job to run. */
export const ExportRun = z.strictObject({ jobId: Id });
export type ExportRun = z.infer<typeof ExportRun>;
