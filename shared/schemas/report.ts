import * as z from 'zod/mini';
import { Id, Reason } from './common.ts';
import { rowOf } from './row.ts';

/** What can be reported: a post or a comment. */
export const ReportTarget = z.enum(['post', 'comment']);
export type ReportTarget = z.infer<typeof ReportTarget>;

/** A report waits in the queue (`open`) until an admin dismisses it or hides what it reports. */
export const ReportStatus = z.enum(['open', 'dismissed', 'hidden']);
export type ReportStatus = z.infer<typeof ReportStatus>;

/**
 * What a `reports` row stores: one per (target, reporter) — a unique index and an id derived from
 * the pair — readable by admins only (`read("label:admin")`), written only by `moderation`.
 * `postId` is the post itself or the comment's post (the queue links to it); `authorId` is whoever
 * wrote what is reported.
 */
export const ReportFields = z.strictObject({
  targetType: ReportTarget,
  targetId: Id,
  postId: Id,
  authorId: Id,
  reporterId: Id,
  reason: Reason,
  status: ReportStatus,
});
export type ReportFields = z.infer<typeof ReportFields>;

export const Report = rowOf(ReportFields);
export type Report = z.infer<typeof Report>;

/** Report a post or a comment. The reporter is the caller. */
export const ReportCreate = z.strictObject({
  targetType: ReportTarget,
  targetId: Id,
  reason: Reason,
});
export type ReportCreate = z.infer<typeof ReportCreate>;

/**
 * An admin's decision on a report: `dismiss` it, or `hide` what it reports — with the reason its
 * author will read (the report's own reason when none is given).
 */
export const ReportResolve = z.strictObject({
  action: z.enum(['dismiss', 'hide']),
  reason: z.optional(Reason),
});
export type ReportResolve = z.infer<typeof ReportResolve>;
