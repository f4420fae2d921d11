import { Channel } from '#shared/channels.ts';
import { FunctionId, Route } from '#shared/functions.ts';
import { BucketId, DATABASE_ID, TableId } from '#shared/ids.ts';
import type { ExportStarted } from '#shared/schemas/admin.ts';
import { Job } from '#shared/schemas/job.ts';
import { type ExportView, exportRefusal, exportView } from './admin-export-view.ts';
import { toApiError } from './api-error.ts';
import { storage, tables } from './appwrite.ts';
import { callFunction } from './call-function.ts';
import { subscribe } from './realtime.svelte.ts';

/** How often the job row is read while it runs, in case a Realtime event was missed. */
const POLL_MS = 3000;

/**
 * A CSV export of users, followed live. `start()` asks the `admin` function for a job, then follows
 * that one `jobs` row over Realtime until it succeeds or fails; `view` is what the panel draws and
 * `downloadUrl` a link that works without cookies (the job's file token).
 *
 * Realtime alone can miss the end: a small export may finish between our `subscribe` message and the
 * server registering it, and no further event would come. So the row is also read at once, after a
 * reconnect, and every few seconds while the job runs — a safety net, not the main path.
 *
 *   const task = new ExportTask();   await task.start(search);   task.view   task.downloadUrl
 *   task.dispose()   // leaving the page closes the subscription
 */
export class ExportTask {
  job = $state.raw<Job | null>(null);
  starting = $state(false);
  /** Why the last "Export CSV" did not start a job (the rate limit, say), or null. */
  refusal = $state<string | null>(null);
  view: ExportView = $derived(
    this.job ? exportView(this.job) : this.starting ? { phase: 'starting' } : { phase: 'idle' },
  );
  downloadUrl = $derived.by(() => {
    const view = this.view;
    if (view.phase !== 'succeeded' || !view.download) return null;
    return storage.getFileDownload({
      bucketId: BucketId.exports,
      fileId: view.download.fileId,
      token: view.download.token,
    });
  });

  #stop: (() => void) | null = null;
  #poll: ReturnType<typeof setInterval> | undefined;

  get running(): boolean {
    return this.starting || this.view.phase === 'running';
  }

  /**
   * Starts an export (of users matching `search`, if given). Until the function has accepted it the
   * previous job — its download link — stays; a refusal is kept in `refusal`, in words.
   */
  async start(search?: string): Promise<void> {
    this.starting = true;
    this.refusal = null;
    try {
      const body = search ? { search } : {};
      const { jobId } = await callFunction<ExportStarted>(
        FunctionId.admin,
        Route.admin.startExport,
        {},
        body,
      );
      this.dispose();
      this.job = null;
      this.#follow(jobId);
    } catch (error) {
      this.refusal = exportRefusal(toApiError(error));
    } finally {
      this.starting = false;
    }
  }

  /** Closes the job's subscription and stops reading it. */
  dispose(): void {
    this.#stop?.();
    this.#stop = null;
    clearInterval(this.#poll);
  }

  #follow(jobId: string): void {
    const read = () => void this.#read(jobId);
    this.#stop = subscribe(
      [Channel.row(TableId.jobs, jobId)],
      (event) => this.#show(event.payload),
      { onReconnect: read },
    );
    read();
    this.#poll = setInterval(read, POLL_MS);
  }

  async #read(jobId: string): Promise<void> {
    try {
      const row = await tables.getRow({
        databaseId: DATABASE_ID,
        tableId: TableId.jobs,
        rowId: jobId,
      });
      this.#show(row);
    } catch {
      // The Realtime updates still come; a failed read only loses the head start.
    }
  }

  #show(payload: unknown): void {
    const parsed = Job.safeParse(payload);
    if (!parsed.success) return;
    const job = parsed.data;
    // Rows can arrive out of order (a read answered after a newer event): keep the newest.
    if (this.job && this.job.$id === job.$id && job.$updatedAt < this.job.$updatedAt) return;
    this.job = job;
    if (job.status === 'succeeded' || job.status === 'failed') this.dispose();
  }
}
