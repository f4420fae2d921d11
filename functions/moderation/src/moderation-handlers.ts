import { Id } from '#shared/schemas/common.ts';
import { ReportCreate, type ReportFields, ReportResolve } from '#shared/schemas/report.ts';
import { AppError } from '../../_lib/app-error.ts';
import { noBody, parseInput } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { isAdmin, type Member, requireMember } from '../../_lib/member.ts';
import { notifyAuthorOfHide } from '../../_lib/moderation-hooks.ts';
import {
  hideCommentWrite,
  hidePostWrite,
  QUOTING_LIMIT,
  reportRowId,
  restoreCommentWrite,
  restorePostWrite,
  settleReports,
} from '../../_lib/moderation-writes.ts';
import type { CommentRow } from '../../_lib/post-cascade.ts';
import type { RateLimiter } from '../../_lib/rate-limit.ts';
import type { PostRow } from '../../posts/src/posts-repo.ts';
import { type ModerationRepo, type ReportRow, SETTLE_LIMIT } from './moderation-repo.ts';

/** Builds the repository for one execution (its client comes from the execution's key). */
export type RepoFor = (req: RuntimeRequest) => ModerationRepo;

/** Builds the rate limiter for one execution (counting in the `ratelimits` table). */
export type LimiterFor = (req: RuntimeRequest) => RateLimiter;

/** A `:param` that is not a valid Appwrite id names no row (no call to Appwrite). */
function validId(value: string | undefined): string | null {
  return value !== undefined && Id.safeParse(value).success ? value : null;
}

const postNotFound = () => new AppError('row_not_found', 'No post with this id.');
const commentNotFound = () => new AppError('row_not_found', 'No comment with this id.');
const reportNotFound = () => new AppError('row_not_found', 'No report with this id.');

/** The caller, vetted, and an admin (label `admin`); anyone else is `401 user_unauthorized`. */
async function adminOf(req: RuntimeRequest, repo: ModerationRepo): Promise<Member> {
  const member = await requireMember(req, (userId) => repo.getMember(userId));
  if (!isAdmin(member)) throw new AppError('user_unauthorized', 'Only admins moderate.');
  return member;
}

/** What a report is about, as everyone but its author and admins sees it: visible or nothing. */
interface Target {
  authorId: string;
  postId: string;
  post: PostRow;
  comment: CommentRow | null;
}

/** The reported post or comment — `null` when it is missing, hidden, or on a hidden post. */
async function visibleTarget(
  repo: ModerationRepo,
  targetType: ReportFields['targetType'],
  targetId: string,
): Promise<Target | null> {
  if (targetType === 'post') {
    const post = await repo.getPost(targetId);
    return post && !post.hidden
      ? { authorId: post.authorId, postId: post.$id, post, comment: null }
      : null;
  }
  const comment = await repo.getComment(targetId);
  if (!comment || comment.hidden) return null;
  const post = await repo.getPost(comment.postId);
  if (!post || post.hidden) return null;
  return { authorId: comment.authorId, postId: post.$id, post, comment };
}

/**
 * `POST /reports`: a verified member reports a post or a comment with a reason. Once per member and
 * target: the row's id is derived from the pair (and `reports` has a unique index on it), so
 * reporting again answers the existing report with `200` instead of `201` — a double click or a
 * retry after a lost answer is not an error, and the report keeps its first reason and status.
 * What the caller cannot see (missing, hidden) is `404`; their own post or comment is `401`.
 */
export function createReport(repoFor: RepoFor, limiterFor: LimiterFor): RouteHandler {
  return async ({ req, res }) => {
    const repo = repoFor(req);
    const { userId } = await requireMember(req, (id) => repo.getMember(id), { verified: true });
    const input = parseInput(ReportCreate, req.bodyText);
    const target = await visibleTarget(repo, input.targetType, input.targetId);
    if (!target) throw input.targetType === 'post' ? postNotFound() : commentNotFound();
    if (target.authorId === userId) {
      throw new AppError('user_unauthorized', 'You cannot report what you wrote.');
    }
    const rowId = reportRowId(input.targetId, userId);
    const existing = await repo.getReport(rowId);
    if (existing) return res.json(existing);
    await limiterFor(req).consume(userId, 'report');
    const fields: ReportFields = {
      ...input,
      postId: target.postId,
      authorId: target.authorId,
      reporterId: userId,
      status: 'open',
    };
    const created = await repo.createReport(rowId, fields);
    if (created) return res.json(created, 201);
    // Made by a concurrent call of the same member a moment ago: the same report.
    const report = await repo.getReport(rowId);
    if (!report) throw reportNotFound();
    return res.json(report);
  };
}

/** The notifications that quote a post or comment to others than its author. */
function quotingOf(
  repo: ModerationRepo,
  target: { $id: string; authorId: string; postId?: string },
) {
  const about =
    target.postId === undefined
      ? { postId: target.$id, commentId: null }
      : { postId: target.postId, commentId: target.$id };
  return repo.notificationsQuoting(about, target.authorId, QUOTING_LIMIT);
}

/**
 * Hides what `report` is about, settling its open reports and taking it out of others'
 * notifications; then tells its author. `false` when it is gone.
 */
async function hideTarget(
  repo: ModerationRepo,
  report: ReportRow,
  reason: string,
  hiddenBy: string,
  log: (message: string) => void,
): Promise<boolean> {
  const reportIds = await repo.openReportIds(report.targetId, SETTLE_LIMIT);
  if (!reportIds.includes(report.$id)) reportIds.push(report.$id);
  const notice = { targetType: report.targetType, targetId: report.targetId, reason, hiddenBy };
  if (report.targetType === 'post') {
    const post = await repo.getPost(report.targetId);
    if (!post) return false;
    if (post.hidden) return settled(repo, reportIds);
    const quoting = await quotingOf(repo, post);
    const outcome = await repo.atomically(hidePostWrite(post, reason, reportIds, quoting));
    if (outcome.status !== 'done') return false;
    await notifyAuthorOfHide(repo, { ...notice, authorId: post.authorId, postId: post.$id }, log);
    return true;
  }
  const comment = await repo.getComment(report.targetId);
  if (!comment) return false;
  if (comment.hidden) return settled(repo, reportIds);
  const quoting = await quotingOf(repo, comment);
  const outcome = await repo.atomically(hideCommentWrite(comment, reason, reportIds, quoting));
  if (outcome.status !== 'done') return false;
  const hidden = { ...notice, authorId: comment.authorId, postId: comment.postId };
  await notifyAuthorOfHide(repo, hidden, log);
  return true;
}

/** Already hidden: the reports are settled as `hidden`, nothing else moves. */
async function settled(repo: ModerationRepo, reportIds: string[]): Promise<boolean> {
  await repo.atomically({ rows: settleReports(reportIds, 'hidden'), counters: [] });
  return true;
}

/**
 * `PATCH /reports/:reportId` (admins): `{"action": "dismiss"}` closes an open report; `{"action":
 * "hide", "reason"?}` hides the post or comment (only its author and admins can read it then, with
 * the reason — the report's own when none is given), takes it out of the counts and settles every
 * open report of it. A settled report is answered as it is (idempotent). → the report as stored.
 */
export function resolveReport(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params, error }) => {
    const repo = repoFor(req);
    const admin = await adminOf(req, repo);
    const input = parseInput(ReportResolve, req.bodyText);
    const id = validId(params.reportId);
    const report = id === null ? null : await repo.getReport(id);
    if (!report) throw reportNotFound();
    if (report.status === 'open') {
      if (input.action === 'dismiss') {
        await repo.atomically({ rows: settleReports([report.$id], 'dismissed'), counters: [] });
      } else {
        const reason = input.reason ?? report.reason;
        if (!(await hideTarget(repo, report, reason, admin.userId, error))) {
          throw report.targetType === 'post' ? postNotFound() : commentNotFound();
        }
      }
    }
    const now = await repo.getReport(report.$id);
    if (!now) throw reportNotFound();
    return res.json(now);
  };
}

/**
 * `DELETE /posts/:postId/hidden` (admins): shows a hidden post again, its title back in others'
 * notifications; a visible one is a no-op.
 */
export function restorePost(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    await adminOf(req, repo);
    noBody(req);
    const id = validId(params.postId);
    const post = id === null ? null : await repo.getPost(id);
    if (!post) throw postNotFound();
    if (post.hidden) {
      const requote = await quotingOf(repo, post);
      const outcome = await repo.atomically(restorePostWrite(post, requote));
      if (outcome.status !== 'done') throw postNotFound();
    }
    const now = await repo.getPost(post.$id);
    if (!now) throw postNotFound();
    return res.json(now);
  };
}

/** `DELETE /comments/:commentId/hidden` (admins): shows a hidden comment again. */
export function restoreComment(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    await adminOf(req, repo);
    noBody(req);
    const id = validId(params.commentId);
    const comment = id === null ? null : await repo.getComment(id);
    if (!comment) throw commentNotFound();
    if (comment.hidden) {
      const requote = await quotingOf(repo, comment);
      const outcome = await repo.atomically(restoreCommentWrite(comment, requote));
      if (outcome.status !== 'done') throw commentNotFound();
    }
    const now = await repo.getComment(comment.$id);
    if (!now) throw commentNotFound();
    return res.json(now);
  };
}
