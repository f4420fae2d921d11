import type { Job } from '#shared/schemas/job.ts';

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
