/**
 * The `moderation` function's scenario table, run in-process (moderation-handlers.test.ts: the fake
 * runtime and `FakeModerationRepo`) and end to end (tests/contract/functions-moderation-scenarios.test.ts:
 * real executions with user sessions, row permissions checked by reading as a guest and as the author).
 *
 * Every scenario starts from the same world, by `owner`:
 * - post P ("Hello"): visible, one like by `other`, one visible comment C by `owner` and one hidden
 *   comment H (so `commentsCount` 1); `user` has reported P (report R, open);
 * - post Q: hidden ("Spam"), no likes or comments; `other`'s report of it settled as `hidden`.
 * The counters count the rows others can read: `stats` 1 post, 1 comment, 1 like; the owner's
 * profile postsCount 1, commentsCount 1, likesReceived 1.
 * `other` was mentioned in each of the four: their notifications quote P ("Hello") and C ("Mine"),
 * not Q nor H (hidden). The owner has no notification.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { reportRowId } from '../../../functions/_lib/moderation-writes.ts';
import { type NotificationWrite, notifyMentions } from '../../../functions/_lib/notifications.ts';
import type { RateLimiter } from '../../../functions/_lib/rate-limit.ts';
import { hiddenRead } from '../../../functions/_lib/visibility.ts';
import {
  createReport,
  resolveReport,
  restoreComment,
  restorePost,
} from '../../../functions/moderation/src/moderation-handlers.ts';
import { Route, type RouteKey } from '../../../shared/functions.ts';
import type { ReportStatus } from '../../../shared/schemas/report.ts';
import {
  bodyOf,
  type Effects,
  type Role,
  requestOf,
  type Scenario,
  type ScenarioAnswer,
  type ScenarioTarget,
  type ScenarioWorld,
  type State,
  stateChanges,
} from '../../support/scenarios.ts';
import { execute } from './fake-runtime.ts';
import { FakeModerationRepo } from './moderation-fake-repo.ts';
import { CountingLimiter, FAKE_IDS, MEMBERS } from './posts-scenarios.ts';

export interface ModerationWorld extends ScenarioWorld {
  params: {
    postId: string;
    commentId: string;
    hiddenPostId: string;
    hiddenCommentId: string;
    /** R: `user`'s open report of P. */
    reportId: string;
    /** `user`'s open report of C. */
    commentReportId: string;
  };
  /** The user id behind each role. */
  ids: Record<Role, string>;
}

/** One post or comment as both targets see it. */
export interface RowView {
  /** A guest can read it (its row permissions hold `read("any")`). */
  public: boolean;
  /** Its author can read it. */
  authorReads: boolean;
  hidden: boolean;
  hiddenReason: string | null;
}

/** What both targets read into the state. */
export interface ModerationSnapshot {
  post: (RowView & { likesCount: number; commentsCount: number }) | null;
  hiddenPost: RowView | null;
  comment: RowView | null;
  hiddenComment: RowView | null;
  stats: { posts: number; comments: number; likes: number };
  owner: { postsCount: number; commentsCount: number; likesReceived: number };
  /** The world's reports: all, and those still open; R's status. */
  reports: number;
  openReports: number;
  reportStatus: ReportStatus | null;
  /** The owner's `moderation` notifications as the owner reads them, and the latest one's reason. */
  ownerModeration: { count: number; reason: string | null };
  /** How many of `other`'s notifications, as `other` reads them, quote something (an excerpt). */
  otherQuoting: number;
}

/** `other`'s notifications of the world: mentioned in P, C, Q and H; Q's and H's unquoted (hidden). */
export function mentionsOfOther(
  ids: Record<Role, string>,
  params: ModerationWorld['params'],
): NotificationWrite[] {
  const mention = (postId: string, commentId: string | null, text: string, hidden: boolean) =>
    notifyMentions({ postId, commentId, text }, ids.owner, [ids.other]).map((write) => ({
      ...write,
      data: { ...write.data, excerpt: hidden ? null : write.data.excerpt },
    }));
  return [
    ...mention(params.postId, null, 'Hello', false),
    ...mention(params.postId, params.commentId, 'Mine', false),
    ...mention(params.hiddenPostId, null, 'Buy now', true),
    ...mention(params.postId, params.hiddenCommentId, 'Rude', true),
  ];
}

/** Flattens a snapshot into scenario state. */
export function moderationState(s: ModerationSnapshot): State {
  const state: State = {
    reports: s.reports,
    'reports.open': s.openReports,
    'report.status': s.reportStatus,
  };
  const view = (key: string, row: RowView | null) => {
    if (!row) return;
    state[`${key}.public`] = row.public ? 1 : 0;
    state[`${key}.authorReads`] = row.authorReads ? 1 : 0;
    state[`${key}.hidden`] = row.hidden ? 1 : 0;
    state[`${key}.hiddenReason`] = row.hiddenReason;
  };
  view('post', s.post);
  view('hiddenPost', s.hiddenPost);
  view('comment', s.comment);
  view('hiddenComment', s.hiddenComment);
  if (s.post) {
    state['post.likesCount'] = s.post.likesCount;
    state['post.commentsCount'] = s.post.commentsCount;
  }
  for (const [key, value] of Object.entries(s.stats)) state[`stats.${key}`] = value;
  for (const [key, value] of Object.entries(s.owner)) state[`profile.owner.${key}`] = value;
  state['notifications.owner.moderation'] = s.ownerModeration.count;
  state['notifications.owner.reason'] = s.ownerModeration.reason;
  state['notifications.other.quoting'] = s.otherQuoting;
  return state;
}

// ---- effects ---------------------------------------------------------------------------------

/**
 * Hidden content: its author is told why (a `moderation` notification, `reason` its excerpt), and
 * what it said is out of other members' notifications (`other`'s mention no longer quotes it).
 */
const authorTold = (reason: string): Effects => ({
  'notifications.owner.moderation': 1,
  'notifications.owner.reason': reason,
  'notifications.other.quoting': -1,
});
/**
 * P hidden by an admin with `reason`: unreadable but by its author and admins, out of the post
 * counts. Its like and its comment are rows others can still read: they stay counted.
 */
const postHidden = (reason: string): Effects => ({
  'post.public': -1,
  'post.hidden': 1,
  'post.hiddenReason': reason,
  'stats.posts': -1,
  'profile.owner.postsCount': -1,
  'report.status': 'hidden',
  'reports.open': -1,
  ...authorTold(reason),
});
/** Q shown again: readable by everyone, back in the post counts and quoted again. */
const postRestored: Effects = {
  'notifications.other.quoting': 1,
  'hiddenPost.public': 1,
  'hiddenPost.hidden': -1,
  'hiddenPost.hiddenReason': null,
  'stats.posts': 1,
  'profile.owner.postsCount': 1,
};
/** C hidden: out of P's `commentsCount`, `stats.comments` and its author's `commentsCount`. */
const commentHidden = (reason: string): Effects => ({
  'comment.public': -1,
  'comment.hidden': 1,
  'comment.hiddenReason': reason,
  'post.commentsCount': -1,
  'stats.comments': -1,
  'profile.owner.commentsCount': -1,
  ...authorTold(reason),
});
/** H shown again, quoted again. */
const commentRestored: Effects = {
  'notifications.other.quoting': 1,
  'hiddenComment.public': 1,
  'hiddenComment.hidden': -1,
  'hiddenComment.hiddenReason': null,
  'post.commentsCount': 1,
  'stats.comments': 1,
  'profile.owner.commentsCount': 1,
};
const reported: Effects = { reports: 1, 'reports.open': 1 };

const unauthorized = { status: 401, type: 'user_unauthorized' } as const;
const notVetted = { name: 'refused: not vetted', ...unauthorized } as const;
const notAdmin = { name: 'refused: not an admin', ...unauthorized } as const;
const notFound = { status: 404, type: 'row_not_found' } as const;
const invalid = { status: 400, type: 'general_argument_invalid' } as const;

type ModerationScenario = Scenario<ModerationWorld>;

function matrix(
  route: RouteKey,
  body: unknown,
  outcomes: Record<Role, Omit<ModerationScenario, 'as' | 'route' | 'body'>>,
  params?: Record<string, string>,
): ModerationScenario[] {
  return (Object.entries(outcomes) as [Role, ModerationScenario][]).map(([as, outcome]) => ({
    ...outcome,
    name: `${route} as ${as}: ${outcome.name}`,
    as,
    route,
    body,
    ...(params ? { params } : {}),
  }));
}

/** Only an admin may: every other role is refused, nothing moves. */
function adminOnly(
  admin: Omit<ModerationScenario, 'as' | 'route' | 'body'>,
): Record<Role, Omit<ModerationScenario, 'as' | 'route' | 'body'>> {
  return {
    guest: { name: 'refused', ...unauthorized },
    user: notAdmin,
    owner: notAdmin,
    other: notAdmin,
    admin,
    unvetted: notVetted,
    unverified: notAdmin,
  };
}

const REPORT_POST = { targetType: 'post', targetId: ':postId', reason: 'Spam, again' };

export const MODERATION_SCENARIOS: ModerationScenario[] = [
  // POST /reports
  ...matrix(Route.moderation.report, REPORT_POST, {
    guest: { name: 'refused', ...unauthorized },
    user: {
      name: 'reported already: the same report, 200, nothing new',
      status: 200,
      check: (body, w) =>
        expect(body).toMatchObject({ $id: w.params.reportId, reason: 'Spam', status: 'open' }),
    },
    owner: { name: 'refused: your own post', ...unauthorized },
    other: {
      name: 'reports; the report is open',
      status: 201,
      effects: reported,
      check: (body, w) =>
        expect(body).toMatchObject({
          targetType: 'post',
          targetId: w.params.postId,
          postId: w.params.postId,
          authorId: w.ids.owner,
          reason: 'Spam, again',
          status: 'open',
        }),
    },
    admin: { name: 'reports', status: 201, effects: reported },
    unvetted: notVetted,
    unverified: {
      name: 'refused until the email is verified',
      status: 400,
      type: 'user_email_not_verified',
    },
  }),
  {
    name: 'report: a comment, with its post named',
    as: 'other',
    route: Route.moderation.report,
    body: { targetType: 'comment', targetId: ':commentId', reason: 'Rude' },
    status: 201,
    effects: reported,
    check: (body, w) =>
      expect(body).toMatchObject({ targetId: w.params.commentId, postId: w.params.postId }),
  },
  {
    name: 'report: a hidden post → 404 (it does not exist for the reporter)',
    as: 'other',
    route: Route.moderation.report,
    body: { targetType: 'post', targetId: ':hiddenPostId', reason: 'Spam' },
    ...notFound,
  },
  {
    name: 'report: a hidden comment → 404',
    as: 'other',
    route: Route.moderation.report,
    body: { targetType: 'comment', targetId: ':hiddenCommentId', reason: 'Rude' },
    ...notFound,
  },
  {
    name: 'report: a missing post → 404',
    as: 'other',
    route: Route.moderation.report,
    body: { targetType: 'post', targetId: 'nope', reason: 'Spam' },
    ...notFound,
  },
  {
    name: 'report: a blank reason and an unknown target type → 400 naming both',
    as: 'other',
    route: Route.moderation.report,
    body: { targetType: 'user', targetId: ':postId', reason: '  ' },
    ...invalid,
    fields: { targetType: 'invalid_value', reason: 'too_small' },
  },
  {
    name: 'report: a reporterId in the body → 400 unrecognized_keys',
    as: 'other',
    route: Route.moderation.report,
    body: { ...REPORT_POST, reporterId: 'someone' },
    ...invalid,
    fields: { reporterId: 'unrecognized_keys' },
  },
  // PATCH /reports/:reportId
  ...matrix(
    Route.moderation.resolve,
    { action: 'hide', reason: 'Off topic' },
    adminOnly({
      name: 'hides the post: only its author and admins read it, with the reason; counts follow',
      status: 200,
      effects: postHidden('Off topic'),
      check: (body) => expect(body).toMatchObject({ status: 'hidden' }),
    }),
  ),
  {
    name: 'resolve: hide without a reason → the report’s reason is the one the author reads',
    as: 'admin',
    route: Route.moderation.resolve,
    body: { action: 'hide' },
    status: 200,
    effects: postHidden('Spam'),
  },
  ...matrix(
    Route.moderation.resolve,
    { action: 'dismiss' },
    adminOnly({
      name: 'dismisses: the post stays, the queue shrinks',
      status: 200,
      effects: { 'report.status': 'dismissed', 'reports.open': -1 },
    }),
  ),
  {
    name: 'resolve: hide a reported comment → out of its post’s count and the stats',
    as: 'admin',
    route: Route.moderation.resolve,
    params: { reportId: ':commentReportId' },
    body: { action: 'hide', reason: 'Rude' },
    status: 200,
    effects: { ...commentHidden('Rude'), 'reports.open': -1 },
  },
  {
    name: 'resolve: a missing report → 404',
    as: 'admin',
    route: Route.moderation.resolve,
    params: { reportId: 'nope' },
    body: { action: 'dismiss' },
    ...notFound,
  },
  {
    name: 'resolve: an unknown action → 400 fields.action',
    as: 'admin',
    route: Route.moderation.resolve,
    body: { action: 'delete' },
    ...invalid,
    fields: { action: 'invalid_value' },
  },
  // DELETE /posts/:postId/hidden
  ...matrix(
    Route.moderation.restorePost,
    undefined,
    adminOnly({
      name: 'shows the hidden post again; counts back',
      status: 200,
      effects: postRestored,
      check: (body) => expect(body).toMatchObject({ hidden: false, hiddenReason: null }),
    }),
    { postId: ':hiddenPostId' },
  ),
  {
    name: 'restore: a visible post → 200, a no-op',
    as: 'admin',
    route: Route.moderation.restorePost,
    status: 200,
  },
  {
    name: 'restore: a missing post → 404',
    as: 'admin',
    route: Route.moderation.restorePost,
    params: { postId: 'nope' },
    ...notFound,
  },
  // DELETE /comments/:commentId/hidden
  ...matrix(
    Route.moderation.restoreComment,
    undefined,
    adminOnly({
      name: 'shows the hidden comment again; counts back',
      status: 200,
      effects: commentRestored,
    }),
    { commentId: ':hiddenCommentId' },
  ),
  {
    name: 'restore: a comment body → 400',
    as: 'admin',
    route: Route.moderation.restoreComment,
    params: { commentId: ':hiddenCommentId' },
    body: { x: 1 },
    status: 400,
    type: 'general_bad_request',
  },
];

// ---- in-process ------------------------------------------------------------------------------

export interface FakeModerationWorld extends ModerationWorld {
  repo: FakeModerationRepo;
  limiter: CountingLimiter;
}

/** The moderation function over a fake repository and limiter. */
export function moderationHandler(repo: FakeModerationRepo, limiter: RateLimiter) {
  const repoFor = () => repo;
  const limiterFor = () => limiter;
  return createHandler({
    [Route.moderation.report]: createReport(repoFor, limiterFor),
    [Route.moderation.resolve]: resolveReport(repoFor),
    [Route.moderation.restorePost]: restorePost(repoFor),
    [Route.moderation.restoreComment]: restoreComment(repoFor),
  });
}

/** The world above, in memory. */
export async function fakeModerationWorld(): Promise<FakeModerationWorld> {
  const repo = new FakeModerationRepo(new Set([FAKE_IDS.admin]));
  repo.unvetted.add(FAKE_IDS.unvetted);
  repo.unverified.add(FAKE_IDS.unverified);
  for (const role of MEMBERS) repo.addProfile(FAKE_IDS[role]);
  const owner = FAKE_IDS.owner;
  const post = await repo.createPost({
    authorId: owner,
    title: 'Hello',
    body: 'First post',
    tags: ['intro'],
    likesCount: 1,
    commentsCount: 1,
  });
  const comment = await repo.createComment({ postId: post.$id, authorId: owner, body: 'Mine' });
  const hiddenComment = await repo.createComment({
    postId: post.$id,
    authorId: owner,
    body: 'Rude',
    hidden: true,
    hiddenReason: 'Rude',
  });
  repo.permissions.set(`comments/${hiddenComment.$id}`, hiddenRead(owner));
  await repo.createLike(post.$id, FAKE_IDS.other);
  const hiddenPost = await repo.createPost({
    authorId: owner,
    title: 'Buy now',
    body: 'Spam',
    tags: [],
    likesCount: 0,
    commentsCount: 0,
    hidden: true,
    hiddenReason: 'Spam',
  });
  repo.permissions.set(`posts/${hiddenPost.$id}`, hiddenRead(owner));
  const report = (targetId: string, reporter: Role, status: ReportStatus, comment = false) =>
    repo.createReport(reportRowId(targetId, FAKE_IDS[reporter]), {
      targetType: comment ? 'comment' : 'post',
      targetId,
      postId: post.$id === targetId || comment ? post.$id : targetId,
      authorId: owner,
      reporterId: FAKE_IDS[reporter],
      reason: comment ? 'Rude' : 'Spam',
      status,
    });
  const r = await report(post.$id, 'user', 'open');
  const rc = await report(comment.$id, 'user', 'open', true);
  await report(hiddenPost.$id, 'other', 'hidden');
  repo.stats = { users: 4, posts: 1, comments: 1, likes: 1 };
  Object.assign(repo.profiles.get(owner) ?? {}, {
    postsCount: 1,
    commentsCount: 1,
    likesReceived: 1,
  });
  const params = {
    postId: post.$id,
    commentId: comment.$id,
    hiddenPostId: hiddenPost.$id,
    hiddenCommentId: hiddenComment.$id,
    reportId: r?.$id ?? '',
    commentReportId: rc?.$id ?? '',
  };
  for (const write of mentionsOfOther(FAKE_IDS, params)) await repo.upsertNotification(write);
  repo.writes.length = 0;
  return { repo, limiter: new CountingLimiter(), ids: FAKE_IDS, params };
}

function fakeView(
  repo: FakeModerationRepo,
  table: 'posts' | 'comments',
  rowId: string,
): RowView | null {
  const row = (table === 'posts' ? repo.posts : repo.comments).get(rowId);
  if (!row) return null;
  const readers = repo.permissions.get(`${table}/${rowId}`) ?? [];
  return {
    public: readers.includes('read("any")'),
    authorReads:
      readers.includes('read("any")') || readers.includes(`read("user:${row.authorId}")`),
    hidden: row.hidden === true,
    hiddenReason: row.hiddenReason ?? null,
  };
}

export function fakeModerationSnapshot(w: FakeModerationWorld): ModerationSnapshot {
  const { repo, params } = w;
  const post = repo.posts.get(params.postId);
  const postView = fakeView(repo, 'posts', params.postId);
  const reports = [...repo.reports.values()];
  const notifications = [...repo.notifications.values()];
  const stats = repo.stats ?? { posts: 0, comments: 0, likes: 0 };
  const owner = repo.profiles.get(FAKE_IDS.owner) ?? {
    postsCount: 0,
    commentsCount: 0,
    likesReceived: 0,
  };
  return {
    post:
      post && postView
        ? { ...postView, likesCount: post.likesCount, commentsCount: post.commentsCount }
        : null,
    hiddenPost: fakeView(repo, 'posts', params.hiddenPostId),
    comment: fakeView(repo, 'comments', params.commentId),
    hiddenComment: fakeView(repo, 'comments', params.hiddenCommentId),
    stats: { posts: stats.posts, comments: stats.comments, likes: stats.likes },
    owner: { ...owner },
    reports: reports.length,
    openReports: reports.filter((r) => r.status === 'open').length,
    reportStatus: repo.reports.get(params.reportId)?.status ?? null,
    ownerModeration: moderationOf(
      notifications.filter((n) => n.recipientId === FAKE_IDS.owner && n.kind === 'moderation'),
    ),
    otherQuoting: notifications.filter((n) => n.recipientId === FAKE_IDS.other && n.excerpt).length,
  };
}

/** The owner's `moderation` notifications, newest change last: how many, the latest reason. */
export function moderationOf(
  rows: readonly { $updatedAt: string; excerpt: string | null }[],
): ModerationSnapshot['ownerModeration'] {
  const latest = [...rows].sort((a, b) => a.$updatedAt.localeCompare(b.$updatedAt)).at(-1);
  return { count: rows.length, reason: latest?.excerpt ?? null };
}

export const inProcessModeration: ScenarioTarget<FakeModerationWorld> = {
  world: fakeModerationWorld,
  async execute(w, as, request) {
    const result = await execute(moderationHandler(w.repo, w.limiter), {
      ...request,
      headers: { 'x-appwrite-user-id': FAKE_IDS[as], 'content-type': 'application/json' },
    });
    return { status: result.statusCode, text: result.text, headers: result.headers };
  },
  async state(w) {
    return moderationState(fakeModerationSnapshot(w));
  },
  writes: (w) => w.repo.writes,
};

// ---- fast-check: any input to any route ------------------------------------------------------

/** The keys each moderation route's body schema knows (no body: none). */
export const MODERATION_BODY_KEYS: Record<string, readonly string[]> = {
  [Route.moderation.report]: ['targetType', 'targetId', 'reason'],
  [Route.moderation.resolve]: ['action', 'reason'],
  [Route.moderation.restorePost]: [],
  [Route.moderation.restoreComment]: [],
};

/** One arbitrary execution: any role, any id (often the world's own), any body near the schema. */
export interface ModerationCall {
  route: RouteKey;
  as: Role;
  params: Record<string, string>;
  body: string;
}

const worldRef = fc.constantFrom(
  ':postId',
  ':commentId',
  ':hiddenPostId',
  ':hiddenCommentId',
  ':reportId',
  ':commentReportId',
);
const anyId = fc.oneof(
  worldRef,
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('nope', '..', 'a/b', "' OR 1=1 --", 'x'.repeat(37)),
);
const anyValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 490, maxLength: 700 }),
  fc.constantFrom('post', 'comment', 'hide', 'dismiss', 'user'),
  worldRef,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

/** Any call to `route`. `:name` values are the world's ids (scenarios.ts `requestOf` fills them). */
export function anyModerationCall(route: RouteKey): fc.Arbitrary<ModerationCall> {
  const keys = MODERATION_BODY_KEYS[route] ?? [];
  const near = fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((key) => [key, anyValue])), { requiredKeys: [] }),
      fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyValue), { nil: undefined }),
    )
    .map(([body, extra]) => (extra ? { ...body, [extra[0]]: extra[1] } : body));
  return fc.record({
    route: fc.constant(route),
    as: fc.constantFrom<Role>('guest', 'user', 'owner', 'other', 'admin', 'unvetted', 'unverified'),
    params: fc.record({ reportId: anyId, postId: anyId, commentId: anyId }),
    body: fc.oneof(
      { weight: 4, arbitrary: near.map((body) => JSON.stringify(body)) },
      { weight: 1, arbitrary: fc.json() },
      { weight: 1, arbitrary: fc.constant('') },
    ),
  });
}

/** The request an arbitrary call makes in `world` (body placeholders filled as in scenarios). */
export function moderationRequest(call: ModerationCall, world: ModerationWorld) {
  let body: unknown = call.body;
  try {
    const parsed = JSON.parse(call.body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed;
  } catch {}
  return requestOf(
    { name: '', as: call.as, route: call.route, params: call.params, body, status: 0 },
    world,
  );
}

/**
 * What every answer must hold: never a 5xx; a refusal changes nothing; a validation failure names in
 * `fields` only keys the route knows or the body sent (or `""` for the whole body).
 */
export function checkModerationAnswer(
  call: ModerationCall,
  answer: ScenarioAnswer,
  before: State,
  after: State,
): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  if (answer.status < 400) return;
  expect(stateChanges(before, after), answer.text).toEqual({});
  const body = bodyOf(answer);
  expect(body.code).toBe(answer.status);
  if (body.type !== 'general_argument_invalid') return;
  let sent: string[] = [];
  try {
    const parsed = JSON.parse(call.body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) sent = Object.keys(parsed);
  } catch {}
  const allowed = new Set(['', ...(MODERATION_BODY_KEYS[call.route] ?? []), ...sent]);
  for (const field of Object.keys((body.fields ?? {}) as Record<string, unknown>)) {
    const named = allowed.has(field) || allowed.has(field.split('.')[0] ?? '');
    expect(named, `fields names "${field}"`).toBe(true);
  }
}
