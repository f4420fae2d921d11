import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { AppwriteException } from 'node-appwrite';
import { ADMIN_LABEL } from '#shared/ids.ts';
import { Limits } from '#shared/limits.ts';
import { ExportRun, type JobFields } from '#shared/schemas/job.ts';
import { AppError, describeError } from '../../_lib/app-error.ts';
import { parseInput } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { csvRecord, USER_CSV_HEADER, userRecord } from './csv.ts';
import { COUNT_CAP, type ExportRepo, type JobRow } from './export-repo.ts';

/** Users read per page: one `users.list` call and one progress update each. */
export const EXPORT_PAGE = 500;

/** How long the download link works. */
export const DOWNLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** What the handler needs per execution. */
export interface ExportDeps {
  repoFor: (req: RuntimeRequest) => ExportRepo;
  /** The clock, for the link's expiry and the file's name. */
  now?: () => Date;
  /** Where the CSV is written before upload (default the OS temp folder). */
  tempDir?: () => string;
}

/** What the execution answers (the caller is `admin`'s async start; the answer is for the logs). */
export interface ExportOutcome {
  jobId: string;
  status: JobFields['status'];
  /** `true` when the job had already started or ended, so this execution did nothing. */
  skipped?: boolean;
  processed?: number;
}

/**
 * `POST /` `{jobId}`: runs a queued export job. Marks it running, pages through users by cursor
 * (`search` from the job), streams the CSV to a temp file page by page (memory holds one page, never
 * the whole list), uploads it into `exports` readable only by the admin who asked, mints a file token
 * for a cookie-free download link, and marks the job succeeded. Every page moves `processed` and
 * `progress` in the job's row, so the admin's UI sees it over Realtime.
 *
 * A replayed execution of a job that is no longer queued does nothing, and of two executions of one
 * queued job started at once only the one that claims it (`claimJob`) runs. A failure marks the job failed
 * with a plain reason (the detail goes to the execution's error log), deletes the partial file, and
 * the execution answers 500.
 */
export function runExport({
  repoFor,
  now = () => new Date(),
  tempDir = tmpdir,
}: ExportDeps): RouteHandler {
  return async ({ req, res, error }) => {
    const { jobId } = parseInput(ExportRun, req.bodyText);
    const repo = repoFor(req);
    const job = await repo.getJob(jobId);
    if (job === null) throw new AppError('row_not_found', 'No job with this id.');
    // A replay of a job already under way or done, or a twin execution that lost the claim, does
    // nothing: exactly one execution runs a job.
    const skipped = (status: JobFields['status']) =>
      res.json({ jobId, status, skipped: true } satisfies ExportOutcome);
    if (job.status !== 'queued') return skipped(job.status);
    if (!(await repo.claimJob(jobId))) {
      return skipped((await repo.getJob(jobId))?.status ?? job.status);
    }
    await repo.updateJob(jobId, { status: 'running', progress: 0, processed: 0, error: null });

    const path = join(tempDir(), `agora-export-${jobId}-${randomBytes(6).toString('hex')}.csv`);
    try {
      const processed = await writeCsv(repo, job, path);
      const fileId = jobId;
      await repo.uploadCsv({
        fileId,
        path,
        name: `users-${now().toISOString().slice(0, 10)}.csv`,
        readerId: job.requestedBy,
      });
      const expiresAt = new Date(now().getTime() + DOWNLOAD_TTL_MS).toISOString();
      const downloadToken = await repo.createDownloadToken(fileId, expiresAt);
      await repo.updateJob(jobId, {
        status: 'succeeded',
        progress: 100,
        processed,
        total: processed,
        fileId,
        downloadToken,
        downloadExpiresAt: expiresAt,
      });
      return res.json({ jobId, status: 'succeeded', processed } satisfies ExportOutcome);
    } catch (thrown) {
      error(describeError(thrown));
      await repo.deleteFile(jobId).catch((again: unknown) => error(describeError(again)));
      await repo.updateJob(jobId, { status: 'failed', error: failureReason(thrown) });
      throw new AppError('general_server_error', 'The export failed; the job says why.');
    } finally {
      await rm(path, { force: true });
    }
  };
}

/**
 * Writes the CSV page by page, waiting for the file stream to drain whenever it is full, and
 * updates the job after each page. Returns how many users were written.
 */
async function writeCsv(repo: ExportRepo, job: JobRow, path: string): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([thrown]) => {
    throw thrown;
  });
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    await write(csvRecord(USER_CSV_HEADER));
    let cursor: string | null = null;
    let processed = 0;
    let total: number | null = null;
    for (;;) {
      const page = await repo.listUsers({ search: job.search, cursor, limit: EXPORT_PAGE });
      if (cursor === null) total = await totalOf(repo, job, page.total);
      let chunk = '';
      for (const user of page.users) chunk += userRecord(user, ADMIN_LABEL);
      await write(chunk);
      processed += page.users.length;
      const last = page.users.at(-1);
      const more = page.users.length === EXPORT_PAGE && last !== undefined;
      await repo.updateJob(job.$id, { processed, total, progress: progressOf(processed, total) });
      if (!more) break;
      cursor = last.$id;
    }
    out.end();
    await Promise.race([finished(out), failed]);
    return processed;
  } catch (thrown) {
    out.destroy();
    throw thrown;
  }
}

/**
 * The number of users the export will write, if known. Appwrite counts a list's `total` only up to
 * 5,000; past that an unfiltered export uses the `stats` row's user counter (kept by
 * `on-user-created`, repaired by `maintenance`), and a filtered one does not know (`null`).
 */
async function totalOf(repo: ExportRepo, job: JobRow, listed: number): Promise<number | null> {
  if (listed < COUNT_CAP) return listed;
  if (job.search) return null;
  const counted = await repo.countedUsers();
  return counted !== null && counted >= listed ? counted : null;
}

/** 0–99 while running (100 only once the file is there); 0 when the total is unknown. */
export function progressOf(processed: number, total: number | null): number {
  if (total === null || total === 0) return 0;
  return Math.min(99, Math.floor((processed * 100) / total));
}

/** A plain reason for the job's `error`: what Appwrite said, never a stack or a key. */
export function failureReason(thrown: unknown): string {
  const reason =
    thrown instanceof AppwriteException
      ? `Appwrite answered ${thrown.code} (${thrown.type || 'no type'}): ${thrown.message}`
      : thrown instanceof AppError
        ? thrown.message
        : 'The export stopped on an unexpected error.';
  return reason.slice(0, Limits.jobError.max);
}
