import * as z from 'zod/mini';
import { deriveUserId } from '#lib/user-ids.ts';
import { fieldsFromIssues } from '#shared/errors.ts';
import { ADMIN_LABEL, MEMBER_LABEL } from '#shared/ids.ts';
import {
  AdminSetAdmin,
  AdminSetBlocked,
  AdminUserCreate,
  AdminUserList,
  type AdminUserPage,
  type AdminUserView,
  type ExportStarted,
} from '#shared/schemas/admin.ts';
import { Id } from '#shared/schemas/common.ts';
import { ExportRequest } from '#shared/schemas/job.ts';
import { AppError } from '../../_lib/app-error.ts';
import { noBody, parseInput } from '../../_lib/body.ts';
import { callerOf } from '../../_lib/caller.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import type { AdminRepo } from './admin-repo.ts';

/** What the handlers need per execution. */
export interface AdminDeps {
  /** The repository for one execution (its client comes from the execution's key). */
  repoFor: (req: RuntimeRequest) => AdminRepo;
  /** `AGORA_ID_SECRET`, to derive ids `on-user-created` accepts. */
  secret: () => string;
  /**
   * Whether `userId` may start another export now (`functions/_lib/rate-limit.ts` in production);
   * throws a 429 `AppError` when not.
   */
  exportLimit: (req: RuntimeRequest, userId: string) => Promise<void>;
}

/** The text a started export's job fails with when its execution could not be started. */
export const EXPORT_NOT_STARTED = 'The export could not be started. Please try again.';

/**
 * The caller, checked again inside: Appwrite runs this function only for `label:admin`, but an API
 * key executes any function (as a guest here), and a label revoked a moment ago must count. So the
 * caller's labels are read fresh from the Users API on every execution. An admin is a member too:
 * the `member` label only `on-user-created` writes (functions/_lib/member.ts).
 */
async function adminCaller(req: RuntimeRequest, repo: AdminRepo): Promise<AdminUserView> {
  const { userId } = callerOf(req);
  if (userId === null) throw new AppError('user_unauthorized', 'Sign in as an admin to do this.');
  const caller = await repo.getUser(userId);
  if (caller === null || !caller.admin || !caller.status || !caller.labels.includes(MEMBER_LABEL)) {
    throw new AppError('user_unauthorized', 'Only admins may do this.');
  }
  return caller;
}

const UserIdParam = z.object({ userId: Id });

/** The `:userId` of the path, checked as an id (a forged path segment fails here, before any call). */
function targetId(params: Readonly<Record<string, string>>): string {
  const result = UserIdParam.safeParse({ userId: params.userId ?? '' });
  if (!result.success) {
    throw new AppError(
      'general_argument_invalid',
      'One or more fields are invalid.',
      fieldsFromIssues(result.error.issues),
    );
  }
  return result.data.userId;
}

/** Refuses an action on the caller's own account, naming `userId` as the field at fault. */
function notYourself(message: string): AppError {
  return new AppError('general_argument_invalid', message, {
    userId: { code: 'self_not_allowed', message },
  });
}

function userNotFound(): AppError {
  return new AppError('user_not_found', 'No user with this id.');
}

/**
 * The query string as an object of decoded values. A key given twice is refused rather than one
 * copy silently winning; an undecodable value is a 400 on that key.
 */
export function queryObject(queryString: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of queryString.split('&')) {
    if (pair === '') continue;
    const [rawKey = '', ...rest] = pair.split('=');
    const key = decodeQueryPart(rawKey, rawKey);
    if (Object.hasOwn(query, key)) {
      throw new AppError('general_argument_invalid', 'One or more fields are invalid.', {
        [key]: { code: 'duplicate_key', message: 'Given more than once.' },
      });
    }
    query[key] = decodeQueryPart(rest.join('='), key);
  }
  return query;
}

function decodeQueryPart(text: string, key: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new AppError('general_argument_invalid', 'One or more fields are invalid.', {
      [key]: { code: 'invalid_encoding', message: 'Not valid URL encoding.' },
    });
  }
}

/**
 * `GET /users?search=&cursor=&limit=`: one page of users by cursor (Appwrite counts `total` only up
 * to 5,000, so pages are never numbered). One more user than asked is read to know whether another
 * page follows; `nextCursor` is the last user answered, or `null` at the end.
 */
export function listUsers({ repoFor }: AdminDeps): RouteHandler {
  return async ({ req, res }) => {
    const repo = repoFor(req);
    await adminCaller(req, repo);
    const parsed = AdminUserList.safeParse(queryObject(req.queryString));
    if (!parsed.success) {
      throw new AppError(
        'general_argument_invalid',
        'One or more fields are invalid.',
        fieldsFromIssues(parsed.error.issues),
      );
    }
    const { search, cursor, limit } = parsed.data;
    const users = await repo.listUsers({ search: search || undefined, cursor, limit: limit + 1 });
    if (users === null) {
      throw new AppError('general_argument_invalid', 'One or more fields are invalid.', {
        cursor: { code: 'cursor_not_found', message: 'No user with this id to page after.' },
      });
    }
    const page = users.slice(0, limit);
    const more = users.length > limit;
    const answer: AdminUserPage = {
      users: page,
      nextCursor: more ? (page.at(-1)?.$id ?? null) : null,
    };
    return res.json(answer);
  };
}

/**
 * `POST /users`: the sign-up password policy, an id derived from `AGORA_ID_SECRET` and recorded in
 * `registrations` (so `on-user-created` vets the user rather than blocking them). The admin role is
 * asked for in that record: the gate writes a new user's labels (`member`, and `admin` when asked)
 * as it vets them, a moment later, so no second writer can overwrite them. The answer shows the
 * user as they will be once vetted.
 */
export function createUser({ repoFor, secret }: AdminDeps): RouteHandler {
  return async ({ req, res }) => {
    const repo = repoFor(req);
    await adminCaller(req, repo);
    const input = parseInput(AdminUserCreate, req.bodyText);
    const userId = deriveUserId(secret());
    await repo.issueRegistration(userId, { issuedBy: 'admin', admin: input.admin });
    const user = await repo
      .createUser({ userId, email: input.email, password: input.password, name: input.name })
      .catch(async (thrown: unknown) => {
        await repo.withdrawRegistration(userId);
        throw thrown;
      });
    if (user === null) {
      await repo.withdrawRegistration(userId);
      throw new AppError('user_already_exists', 'A user with this email already exists.');
    }
    const labels = input.admin ? [MEMBER_LABEL, ADMIN_LABEL] : [MEMBER_LABEL];
    return res.json({ ...user, admin: input.admin, labels: [...user.labels, ...labels] }, 201);
  };
}

/**
 * `DELETE /users/:userId`: deletes the user. Their posts, comments, likes, profile and avatar go
 * with them through the `users.*.delete` event (`on-user-deleted`). An admin cannot delete themself
 * here (another admin can; a user deletes their own account through `accounts`).
 */
export function removeUser({ repoFor }: AdminDeps): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const caller = await adminCaller(req, repo);
    const userId = targetId(params);
    noBody(req);
    if (userId === caller.$id) throw notYourself('You cannot delete your own account here.');
    if (!(await repo.deleteUser(userId))) throw userNotFound();
    return res.empty();
  };
}

/** `PUT /users/:userId/admin` `{admin}`: grants or revokes the admin label, keeping other labels. */
export function setAdmin({ repoFor }: AdminDeps): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const caller = await adminCaller(req, repo);
    const userId = targetId(params);
    const { admin } = parseInput(AdminSetAdmin, req.bodyText);
    if (userId === caller.$id && !admin) {
      throw notYourself('You cannot revoke your own admin role.');
    }
    const user = await repo.getUser(userId);
    if (user === null) throw userNotFound();
    const others = user.labels.filter((label) => label !== ADMIN_LABEL);
    const labels = admin ? [...others, ADMIN_LABEL] : others;
    if (labels.length === user.labels.length && user.admin === admin) return res.json(user);
    const updated = await repo.setLabels(userId, labels);
    if (updated === null) throw userNotFound();
    return res.json(updated);
  };
}

/**
 * `PUT /users/:userId/blocked` `{blocked}`: blocks or unblocks (`users.updateStatus`). A blocked
 * user's sessions stay but every request with them is refused (403 `user_blocked`) until unblocked.
 */
export function setBlocked({ repoFor }: AdminDeps): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const caller = await adminCaller(req, repo);
    const userId = targetId(params);
    const { blocked } = parseInput(AdminSetBlocked, req.bodyText);
    if (userId === caller.$id && blocked) throw notYourself('You cannot block yourself.');
    const user = await repo.setStatus(userId, !blocked);
    if (user === null) throw userNotFound();
    return res.json(user);
  };
}

/**
 * `POST /exports` `{search?}`: queues a CSV export of users as a `jobs` row only the caller can read,
 * then starts `export-users` asynchronously with `{jobId}`. Answers 202 at once; the job's row moves
 * over Realtime. An execution that cannot be started fails the job with a reason, then the 500.
 */
export function startExport({ repoFor, exportLimit }: AdminDeps): RouteHandler {
  return async ({ req, res }) => {
    const repo = repoFor(req);
    const caller = await adminCaller(req, repo);
    const { search } = parseInput(ExportRequest, req.bodyText);
    await exportLimit(req, caller.$id);
    const jobId = await repo.createJob(
      {
        kind: 'export-users',
        status: 'queued',
        requestedBy: caller.$id,
        progress: 0,
        processed: 0,
        total: null,
        fileId: null,
        error: null,
        search: search ? search : null,
        downloadToken: null,
        downloadExpiresAt: null,
        claims: 0,
      },
      caller.$id,
    );
    try {
      await repo.startExport(jobId);
    } catch (thrown) {
      await repo.failJob(jobId, EXPORT_NOT_STARTED);
      throw thrown;
    }
    const answer: ExportStarted = { jobId };
    return res.json(answer, 202);
  };
}
