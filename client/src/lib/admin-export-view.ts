import { RateLimits } from '#shared/limits.ts';
import type { Job } from '#shared/schemas/job.ts';
import type { ApiError } from './api-error.ts';
import { messageFor } from './error-messages.ts';

/** What the export panel shows for a job: the bar, a sentence, and at the end a link or a reason. */
export type ExportView =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'running'; percent: number; text: string }
  | { phase: 'succeeded'; text: string; download: { fileId: string; token: string } | null }
  | { phase: 'failed'; text: string };

/** The parts of a `jobs` row the panel reads. */
export type ExportJob = Pick<
  Job,
  | 'status'
  | 'progress'
  | 'processed'
  | 'total'
  | 'fileId'
  | 'error'
  | 'downloadToken'
  | 'downloadExpiresAt'
>;

/**
 * The panel's view of a job row as it arrives over Realtime. Progress never shows above 99 % before
 * the job says it succeeded (the file is still being finished), and a finished job whose link has
 * expired says so rather than offering a dead link.
 */
export function exportView(job: ExportJob, now: Date = new Date()): ExportView {
  const users = (count: number) => `${count.toLocaleString('en-US')} user${count === 1 ? '' : 's'}`;
  switch (job.status) {
    case 'queued':
      return { phase: 'running', percent: 0, text: 'Waiting to start…' };
    case 'running': {
      const percent = Math.min(99, Math.max(0, Math.round(job.progress)));
      const done =
        job.total === null
          ? users(job.processed)
          : `${job.processed.toLocaleString('en-US')} of ${users(job.total)}`;
      return { phase: 'running', percent, text: `${done} exported (${percent} %).` };
    }
    case 'succeeded': {
      const expired =
        job.downloadExpiresAt !== null &&
        new Date(job.downloadExpiresAt).getTime() <= now.getTime();
      const download =
        job.fileId && job.downloadToken && !expired
          ? { fileId: job.fileId, token: job.downloadToken }
          : null;
      const text = expired
        ? `Exported ${users(job.processed)}. The download link has expired: export again.`
        : `Exported ${users(job.processed)}.`;
      return { phase: 'succeeded', text, download };
    }
    case 'failed':
      return {
        phase: 'failed',
        text: job.error ? `The export failed: ${job.error}` : 'The export failed. Try again.',
      };
  }
}

/**
 * Why an export was not started, in words the panel shows beside the button: the rate limit says
 * how many exports an hour are allowed and when the next may start (the function's message ends
 * "Try again in N seconds"); anything else gets the general message for its type.
 */
export function exportRefusal(
  error: Pick<ApiError, 'type' | 'status' | 'message'>,
  limit: { limit: number; windowSeconds: number } = RateLimits.export,
): string {
  if (error.type !== 'general_rate_limit_exceeded') return messageFor(error);
  const seconds = Number(/try again in (\d+) second/i.exec(error.message)?.[1]);
  const minutes = Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds / 60)) : null;
  const hours = limit.windowSeconds / 3600;
  const per = hours === 1 ? 'an hour' : `every ${hours} hours`;
  const when =
    minutes === null
      ? 'Try again later.'
      : `The next one can start in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  return `You can start ${limit.limit} exports ${per}, and you have. ${when} The last finished export’s link still works.`;
}
