import { createSubscriber } from 'svelte/reactivity';
import { Channel } from '#shared/channels.ts';
import { TableId } from '#shared/ids.ts';
import type { Report } from '#shared/schemas/report.ts';
import { listOpenReports, resolveReport, toReport } from './api/moderation.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { eventAction, subscribe } from './realtime.svelte.ts';
import { applyReport } from './report-queue.ts';
import { toasts } from './toasts.svelte.ts';

/**
 * The admins' moderation queue (`#/admin/reports`): the open reports, oldest first, kept live over
 * Realtime (the `reports` table is readable by `label:admin` only, so only admins get its events);
 * dismiss or hide each.
 */
export class ModerationQueue {
  #reports = $state.raw<Report[]>([]);
  loading = $state(true);
  error = $state.raw<ApiError | null>(null);
  /** Ids of reports an action is under way for. */
  busy = $state.raw<ReadonlySet<string>>(new Set());

  #subscribe = createSubscriber(() =>
    subscribe<unknown>(
      [Channel.rows(TableId.reports)],
      (event) => {
        const action = eventAction(event);
        const report = toReport(event.payload);
        if (action && report) this.#reports = applyReport(this.#reports, report, action);
      },
      { onReconnect: () => void this.load(false) },
    ),
  );

  get reports(): Report[] {
    this.#subscribe();
    return this.#reports;
  }

  async load(showLoading = true): Promise<void> {
    if (showLoading) this.loading = true;
    try {
      this.#reports = await listOpenReports();
      this.error = null;
    } catch (thrown) {
      this.error = toApiError(thrown);
    } finally {
      this.loading = false;
    }
  }

  /** Dismisses a report: the content stays. */
  dismiss(report: Report): Promise<void> {
    return this.#act(report, { action: 'dismiss' }, 'Report dismissed.');
  }

  /** Hides what a report is about, with the reason its author will read. */
  hide(report: Report, reason: string): Promise<void> {
    const trimmed = reason.trim();
    const decision = trimmed
      ? { action: 'hide' as const, reason: trimmed }
      : { action: 'hide' as const };
    return this.#act(report, decision, 'Hidden. Its author and admins still see it.');
  }

  async #act(
    report: Report,
    decision: Parameters<typeof resolveReport>[1],
    done: string,
  ): Promise<void> {
    this.busy = new Set([...this.busy, report.$id]);
    try {
      const settled = await resolveReport(report.$id, decision);
      this.#reports = applyReport(this.#reports, settled, 'update');
      toasts.success(done);
    } catch (thrown) {
      toasts.error(thrown);
    } finally {
      const next = new Set(this.busy);
      next.delete(report.$id);
      this.busy = next;
    }
  }
}
