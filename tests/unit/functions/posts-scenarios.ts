/**
 * The `posts` function's scenario table, run in-process (posts-handlers.test.ts, with the fake runtime
 * and `FakePostsRepo`) and end to end (tests/contract/functions-posts-scenarios.test.ts, real
 * executions with user sessions on the local Appwrite). Also the fast-check inputs for every route and
 * the property each answer must hold. See tests/support/scenarios.ts for how a scenario reads.
 *
 * Every scenario starts from the same world: a post by `owner` (title "Hello", tags ["intro"]) with
 * one comment by `owner` and one like by `other`, its counters consistent (`likesCount` 1,
 * `commentsCount` 1; the owner's profile and `stats` count them). Two notifications: the owner's
 * like notification for the post (by `other`, read) and an unread `reply` for `other`
 * (`params.notificationId`).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { likeNotificationId } from '../../../functions/_lib/notifications.ts';
import type { RateLimiter } from '../../../functions/_lib/rate-limit.ts';
import {
  readAllNotifications,
  readNotification,
} from '../../../functions/posts/src/notifications-handlers.ts';
import {
  commentOnPost,
  createPost,
  likePost,
  removeComment,
  removePost,
  unlikePost,
  updatePost,
} from '../../../functions/posts/src/posts-handlers.ts';
import { Route, type RouteKey } from '../../../shared/functions.ts';
import {
  bodyOf,
  type Effects,
  ROLES,
  type Role,
  type Scenario,
  type ScenarioAnswer,
  type ScenarioTarget,
  type ScenarioWorld,
  type State,
  stateChanges,
} from '../../support/scenarios.ts';
import { execute } from './fake-runtime.ts';
import { FakePostsRepo } from './posts-fake-repo.ts';

/** The user ids behind the roles in-process (the contract test uses its own). */
export const FAKE_IDS: Record<Role, string> = {
  guest: '',
  user: 'user-1',
  owner: 'owner-1',
  other: 'other-1',
  admin: 'admin-1',
  unvetted: 'unvetted-1',
  unverified: 'unverified-1',
};

/** Each member's handle, the same in-process and end to end (`@h_other`). */
export const handleOf = (role: Role) => `h_${role}`;

/** The vetted, verified roles: each has a profile whose counters are part of the state. */
export const MEMBERS: readonly Exclude<Role, 'guest' | 'unvetted' | 'unverified'>[] = [
  'user',
  'owner',
  'other',
  'admin',
];

export interface PostsWorld extends ScenarioWorld {
  params: { postId: string; commentId: string; notificationId: string };
  /** The user id behind each role. */
  ids: Record<Role, string>;
}

/** A profile's counters as state keys: `profile.owner.postsCount`, … */
export interface ProfileCounters {
  postsCount: number;
  commentsCount: number;
  likesReceived: number;
}

/** What both targets read into the state: the seeded post, table totals, stats and profiles. */
export interface PostsSnapshot {
  post: {
    title: string;
    body: string;
    tags: string[];
    likesCount: number;
    commentsCount: number;
  } | null;
  postComments: number;
  postLikes: number;
  totals: { posts: number; comments: number; likes: number };
  stats: { posts: number; comments: number; likes: number } | null;
  profiles: Partial<Record<Role, ProfileCounters | null>>;
  /** Each member's notifications: rows and unread ones. */
  notifications: Partial<Record<Role, { total: number; unread: number }>>;
  /** Who the owner's like notification for the post names (the latest liker), as a role. */
  likeActor: Role | null;
}

/** The world's two notifications, as both targets seed them. */
export function seededNotifications(
  ids: Record<Role, string>,
  ids2: { postId: string; commentId: string; replyId: string },
) {
  const { postId, commentId, replyId } = ids2;
  return [
    {
      rowId: likeNotificationId(postId),
      data: {
        recipientId: ids.owner,
        kind: 'like' as const,
        actorId: ids.other,
        postId,
        commentId: null,
        excerpt: 'Hello',
        read: true,
      },
    },
    {
      rowId: replyId,
      data: {
        recipientId: ids.other,
        kind: 'reply' as const,
        actorId: ids.owner,
        postId,
        commentId,
        excerpt: 'Mine',
        read: false,
      },
    },
  ];
}

/** Flattens a snapshot into scenario state. */
export function postsState(snapshot: PostsSnapshot): State {
  const state: State = {
    'post.exists': snapshot.post ? 1 : 0,
    'post.comments': snapshot.postComments,
    'post.likes': snapshot.postLikes,
    ...snapshot.totals,
  };
  if (snapshot.post) {
    state['post.title'] = snapshot.post.title;
    state['post.body'] = snapshot.post.body;
    state['post.tags'] = snapshot.post.tags.join(',');
    state['post.likesCount'] = snapshot.post.likesCount;
    state['post.commentsCount'] = snapshot.post.commentsCount;
  }
  if (snapshot.stats) {
    for (const [key, value] of Object.entries(snapshot.stats)) state[`stats.${key}`] = value;
  }
  for (const [role, profile] of Object.entries(snapshot.profiles)) {
    if (!profile) continue;
    for (const [key, value] of Object.entries(profile)) state[`profile.${role}.${key}`] = value;
  }
  for (const [role, counts] of Object.entries(snapshot.notifications)) {
    state[`notifications.${role}`] = counts.total;
    state[`notifications.${role}.unread`] = counts.unread;
  }
  state['notifications.likeActor'] = snapshot.likeActor;
  return state;
}

// ---- effects ---------------------------------------------------------------------------------

const created = (role: Role): Effects => ({
  posts: 1,
  'stats.posts': 1,
  [`profile.${role}.postsCount`]: 1,
});
const liked: Effects = {
  'post.likesCount': 1,
  'post.likes': 1,
  likes: 1,
  'stats.likes': 1,
  'profile.owner.likesReceived': 1,
};
const unliked: Effects = Object.fromEntries(
  Object.entries(liked).map(([key, value]) => [key, -(value as number)]),
);
const commented = (role: Role): Effects => ({
  'post.commentsCount': 1,
  'post.comments': 1,
  comments: 1,
  'stats.comments': 1,
  [`profile.${role}.commentsCount`]: 1,
});
const commentGone: Effects = {
  'post.commentsCount': -1,
  'post.comments': -1,
  comments: -1,
  'stats.comments': -1,
  'profile.owner.commentsCount': -1,
};
/** The seeded post deleted with its comment and like, every counter following. */
const postGone: Effects = {
  'post.exists': -1,
  'post.title': null,
  'post.body': null,
  'post.tags': null,
  'post.likesCount': -1,
  'post.commentsCount': -1,
  'post.comments': -1,
  'post.likes': -1,
  posts: -1,
  comments: -1,
  likes: -1,
  'stats.posts': -1,
  'stats.comments': -1,
  'stats.likes': -1,
  'profile.owner.postsCount': -1,
  'profile.owner.commentsCount': -1,
  'profile.owner.likesReceived': -1,
};

/** The owner's like notification for the post, unread again and naming `role` (collapsed: no new row). */
const likeNotified = (role: Role): Effects => ({
  'notifications.owner.unread': 1,
  'notifications.likeActor': role,
});
/** A `comment` notification for the owner. */
const commentNotified: Effects = { 'notifications.owner': 1, 'notifications.owner.unread': 1 };

const unauthorized = { status: 401, type: 'user_unauthorized' } as const;
/** A signed-in user the gate never vetted: refused before anything is read or written. */
const notVetted = { name: 'refused: not vetted', ...unauthorized } as const;
/** A member who has not verified their email: refused for posting, commenting and liking. */
const notVerified = {
  name: 'refused until the email is verified',
  status: 400,
  type: 'user_email_not_verified',
} as const;
const notFound = { status: 404, type: 'row_not_found' } as const;
const invalid = { status: 400, type: 'general_argument_invalid' } as const;
const badRequest = { status: 400, type: 'general_bad_request' } as const;

type PostsScenario = Scenario<PostsWorld>;

/** `{ updated: n }` and nothing else. */
const countAnswer = (body: Record<string, unknown>) =>
  expect(body).toEqual({ updated: expect.any(Number) });

/** A row per role for one route: the permission matrix. */
function matrix(
  route: RouteKey,
  body: unknown,
  outcomes: Record<Role, Omit<PostsScenario, 'name' | 'as' | 'route' | 'body'> & { name: string }>,
): PostsScenario[] {
  return (Object.entries(outcomes) as [Role, PostsScenario][]).map(([as, outcome]) => ({
    ...outcome,
    name: `${route} as ${as}: ${outcome.name}`,
    as,
    route,
    body,
  }));
}

const NEW_POST = { title: 'My post', body: 'Text', tags: ['News'] };

export const POSTS_SCENARIOS: PostsScenario[] = [
  // POST /posts
  ...matrix(Route.posts.create, NEW_POST, {
    guest: { name: 'refused', ...unauthorized },
    user: {
      name: 'posts; author is the caller; counters move',
      status: 201,
      effects: created('user'),
      check: (body, w) =>
        expect(body).toMatchObject({
          authorId: w.ids.user,
          title: 'My post',
          tags: ['news'],
          likesCount: 0,
          commentsCount: 0,
        }),
    },
    owner: { name: 'posts again', status: 201, effects: created('owner') },
    other: { name: 'posts', status: 201, effects: created('other') },
    admin: { name: 'posts', status: 201, effects: created('admin') },
    unvetted: notVetted,
    unverified: notVerified,
  }),
  {
    name: 'create: authorId in the body → 400 fields.authorId',
    as: 'user',
    route: Route.posts.create,
    body: { title: 'T', body: 'B', authorId: 'owner-1' },
    ...invalid,
    fields: { authorId: 'unrecognized_keys' },
  },
  {
    name: 'create: missing title and body → 400 naming both',
    as: 'user',
    route: Route.posts.create,
    body: {},
    ...invalid,
    fields: { title: 'invalid_type', body: 'invalid_type' },
  },
  {
    name: 'create: a tag with a space → 400 fields["tags.0"]',
    as: 'user',
    route: Route.posts.create,
    body: { title: 'T', body: 'B', tags: ['a b'] },
    ...invalid,
    fields: { 'tags.0': 'invalid_tag' },
  },
  {
    name: 'create: duplicate tags after lower-casing → 400 duplicate_tag',
    as: 'user',
    route: Route.posts.create,
    body: { title: 'T', body: 'B', tags: ['News', 'news'] },
    ...invalid,
    fields: { tags: 'duplicate_tag' },
  },
  {
    name: 'create: a 121-character title → 400 too_big',
    as: 'user',
    route: Route.posts.create,
    body: { title: 'x'.repeat(121), body: 'B' },
    ...invalid,
    fields: { title: 'too_big' },
  },
  {
    name: 'create: malformed JSON → 400 general_bad_request, no SyntaxError',
    as: 'user',
    route: Route.posts.create,
    body: '{"title":',
    ...badRequest,
    lacks: ['SyntaxError'],
  },
  // PATCH /posts/:postId
  ...matrix(
    Route.posts.update,
    { title: 'Edited' },
    {
      guest: { name: 'refused', ...unauthorized },
      user: { name: 'refused, nothing changed', ...unauthorized },
      owner: {
        name: 'edits',
        status: 200,
        effects: { 'post.title': 'Edited' },
        check: (body) => expect(body).toMatchObject({ title: 'Edited', body: 'First post' }),
      },
      other: { name: 'refused, nothing changed', ...unauthorized },
      admin: { name: 'refused (admins moderate by deleting)', ...unauthorized },
      unvetted: notVetted,
      unverified: { name: 'refused: not the author', ...unauthorized },
    },
  ),
  {
    name: 'update: a missing post → 404',
    as: 'owner',
    route: Route.posts.update,
    params: { postId: 'nope' },
    body: { title: 'X' },
    ...notFound,
  },
  {
    name: 'update: {} → 400 empty_update',
    as: 'owner',
    route: Route.posts.update,
    body: {},
    ...invalid,
    fields: { '': 'empty_update' },
  },
  {
    name: 'update: an empty body after trimming → 400 fields.body',
    as: 'owner',
    route: Route.posts.update,
    body: { body: '   ' },
    ...invalid,
    fields: { body: 'too_small' },
  },
  // DELETE /posts/:postId
  ...matrix(Route.posts.remove, undefined, {
    guest: { name: 'refused', ...unauthorized },
    user: { name: 'refused, nothing changed', ...unauthorized },
    owner: { name: 'deletes with its comment and like', status: 204, effects: postGone },
    other: { name: 'refused, nothing changed', ...unauthorized },
    admin: { name: 'deletes someone else’s post', status: 204, effects: postGone },
    unvetted: notVetted,
    unverified: { name: 'refused: not the author', ...unauthorized },
  }),
  {
    name: 'remove: a missing post → 404',
    as: 'owner',
    route: Route.posts.remove,
    params: { postId: 'nope' },
    ...notFound,
  },
  {
    name: 'remove: a body → 400',
    as: 'owner',
    route: Route.posts.remove,
    body: { force: true },
    ...badRequest,
  },
  // PUT /posts/:postId/like
  ...matrix(Route.posts.like, undefined, {
    guest: { name: 'refused', ...unauthorized },
    user: {
      name: 'likes; counters move; the owner’s like notification is unread again, naming them',
      status: 200,
      effects: { ...liked, ...likeNotified('user') },
      check: (body, w) =>
        expect(body).toEqual({ postId: w.params.postId, liked: true, likesCount: 2 }),
    },
    owner: { name: 'likes own post: no notification', status: 200, effects: liked },
    other: {
      name: 'already liked: a no-op, no notification',
      status: 200,
      check: (body, w) =>
        expect(body).toEqual({ postId: w.params.postId, liked: true, likesCount: 1 }),
    },
    admin: {
      name: 'likes; notifies the owner',
      status: 200,
      effects: { ...liked, ...likeNotified('admin') },
    },
    unvetted: notVetted,
    unverified: notVerified,
  }),
  {
    name: 'like: a missing post → 404',
    as: 'other',
    route: Route.posts.like,
    params: { postId: 'nope' },
    ...notFound,
  },
  {
    name: 'like: a forged id → 404, not a 5xx',
    as: 'other',
    route: Route.posts.like,
    params: { postId: '../../users' },
    ...notFound,
  },
  {
    name: 'like: a body → 400',
    as: 'other',
    route: Route.posts.like,
    body: { x: 1 },
    ...badRequest,
  },
  // DELETE /posts/:postId/like
  ...matrix(Route.posts.unlike, undefined, {
    guest: { name: 'refused', ...unauthorized },
    user: { name: 'not liked: a no-op', status: 200 },
    owner: { name: 'not liked: a no-op', status: 200 },
    other: {
      name: 'unlikes; counters move down',
      status: 200,
      effects: unliked,
      check: (body, w) =>
        expect(body).toEqual({ postId: w.params.postId, liked: false, likesCount: 0 }),
    },
    admin: { name: 'not liked: a no-op', status: 200 },
    unvetted: notVetted,
    unverified: { name: 'not liked: a no-op (unliking needs no verified email)', status: 200 },
  }),
  {
    name: 'unlike: a missing post → 404',
    as: 'other',
    route: Route.posts.unlike,
    params: { postId: 'nope' },
    ...notFound,
  },
  // POST /posts/:postId/comments
  ...matrix(
    Route.posts.comment,
    { body: 'Nice' },
    {
      guest: { name: 'refused', ...unauthorized },
      user: {
        name: 'comments; counters move; the owner is notified',
        status: 201,
        effects: { ...commented('user'), ...commentNotified },
        check: (body, w) =>
          expect(body).toMatchObject({
            postId: w.params.postId,
            authorId: w.ids.user,
            body: 'Nice',
          }),
      },
      owner: {
        name: 'comments on own post: no notification',
        status: 201,
        effects: commented('owner'),
      },
      other: {
        name: 'comments; the owner is notified',
        status: 201,
        effects: { ...commented('other'), ...commentNotified },
      },
      admin: {
        name: 'comments; the owner is notified',
        status: 201,
        effects: { ...commented('admin'), ...commentNotified },
      },
      unvetted: notVetted,
      unverified: notVerified,
    },
  ),
  {
    name: 'comment: mentions notify each member named, once; not the writer, not unknown handles',
    as: 'user',
    route: Route.posts.comment,
    body: { body: 'Hey @h_other, @H_OTHER and @h_user — and @nobody_here, mail a@h_admin.com' },
    status: 201,
    effects: {
      ...commented('user'),
      ...commentNotified,
      'notifications.other': 1,
      'notifications.other.unread': 1,
    },
  },
  {
    name: 'comment: mentioning the post’s author still tells them once (the comment)',
    as: 'other',
    route: Route.posts.comment,
    body: { body: 'Thanks @h_owner' },
    status: 201,
    effects: { ...commented('other'), ...commentNotified },
  },
  {
    name: 'comment: empty → 400 fields.body',
    as: 'other',
    route: Route.posts.comment,
    body: { body: '' },
    ...invalid,
    fields: { body: 'too_small' },
  },
  {
    name: 'comment: postId in the body → 400',
    as: 'other',
    route: Route.posts.comment,
    body: { body: 'x', postId: 'p' },
    ...invalid,
    fields: { postId: 'unrecognized_keys' },
  },
  {
    name: 'comment: a missing post → 404',
    as: 'other',
    route: Route.posts.comment,
    params: { postId: 'nope' },
    body: { body: 'Hi' },
    ...notFound,
  },
  // DELETE /comments/:commentId
  ...matrix(Route.posts.removeComment, undefined, {
    guest: { name: 'refused', ...unauthorized },
    user: { name: 'refused', ...unauthorized },
    owner: { name: 'the author deletes it; counters follow', status: 204, effects: commentGone },
    other: { name: 'refused, nothing changed', ...unauthorized },
    admin: { name: 'an admin deletes any comment', status: 204, effects: commentGone },
    unvetted: notVetted,
    unverified: { name: 'refused: not the author', ...unauthorized },
  }),
  {
    name: 'remove comment: a missing comment → 404',
    as: 'owner',
    route: Route.posts.removeComment,
    params: { commentId: 'nope' },
    ...notFound,
  },
  // PUT /notifications/:notificationId/read — the seeded one is `other`'s
  ...matrix(Route.posts.readNotification, undefined, {
    guest: { name: 'refused', ...unauthorized },
    user: { name: 'not theirs: 404, nothing changed', ...notFound },
    owner: { name: 'not theirs: 404, nothing changed', ...notFound },
    other: {
      name: 'marks it read',
      status: 200,
      effects: { 'notifications.other.unread': -1 },
      check: (body) => expect(body).toEqual({ updated: 1 }),
    },
    admin: { name: 'not theirs (admins too): 404', ...notFound },
    unvetted: notVetted,
    unverified: { name: 'not theirs: 404', ...notFound },
  }),
  {
    name: 'read notification: a missing one → 404',
    as: 'other',
    route: Route.posts.readNotification,
    params: { notificationId: 'nope' },
    ...notFound,
  },
  {
    name: 'read notification: a body → 400',
    as: 'other',
    route: Route.posts.readNotification,
    body: { read: true },
    ...badRequest,
  },
  // PUT /notifications/read
  // PUT /notifications/read — end to end, members keep unread ones from earlier worlds: the
  // answer's count is checked as a count, the state (this world's rows) exactly.
  ...matrix(Route.posts.readAllNotifications, undefined, {
    guest: { name: 'refused', ...unauthorized },
    user: { name: 'none unread here', status: 200, check: countAnswer },
    owner: { name: 'none unread here', status: 200, check: countAnswer },
    other: {
      name: 'marks theirs read, nobody else’s',
      status: 200,
      effects: { 'notifications.other.unread': -1 },
      check: (body) => expect(body.updated).toBeGreaterThanOrEqual(1),
    },
    admin: { name: 'none unread here', status: 200, check: countAnswer },
    unvetted: notVetted,
    unverified: { name: 'none here (no verified email needed)', status: 200, check: countAnswer },
  }),
  // routing
  {
    name: 'an unknown route → 404 general_route_not_found',
    as: 'owner',
    route: { method: 'GET', path: '/nowhere' },
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'a known path with another method → 404',
    as: 'owner',
    route: { method: 'GET', path: '/posts' },
    status: 404,
    type: 'general_route_not_found',
  },
];

// ---- in-process target -----------------------------------------------------------------------

/** A limiter that lets everything through and remembers what it counted. */
export class CountingLimiter implements RateLimiter {
  readonly hits: string[] = [];
  async consume(userId: string, action: string) {
    this.hits.push(`${action} ${userId}`);
  }
}

export interface FakePostsWorld extends PostsWorld {
  repo: FakePostsRepo;
  limiter: CountingLimiter;
}

/** The posts function over a fake repository and limiter. */
export function postsHandler(repo: FakePostsRepo, limiter: RateLimiter) {
  const repoFor = () => repo;
  const limiterFor = () => limiter;
  return createHandler({
    [Route.posts.create]: createPost(repoFor, limiterFor),
    [Route.posts.update]: updatePost(repoFor),
    [Route.posts.remove]: removePost(repoFor),
    [Route.posts.like]: likePost(repoFor, limiterFor),
    [Route.posts.unlike]: unlikePost(repoFor, limiterFor),
    [Route.posts.comment]: commentOnPost(repoFor, limiterFor),
    [Route.posts.removeComment]: removeComment(repoFor),
    [Route.posts.readAllNotifications]: readAllNotifications(repoFor),
    [Route.posts.readNotification]: readNotification(repoFor),
  });
}

/** The world of every scenario, in memory. */
export async function fakePostsWorld(): Promise<FakePostsWorld> {
  const repo = new FakePostsRepo(new Set([FAKE_IDS.admin]));
  repo.unvetted.add(FAKE_IDS.unvetted);
  repo.unverified.add(FAKE_IDS.unverified);
  for (const role of MEMBERS) {
    repo.addProfile(FAKE_IDS[role]);
    repo.handles.set(handleOf(role), FAKE_IDS[role]);
  }
  const post = await repo.createPost({
    authorId: FAKE_IDS.owner,
    title: 'Hello',
    body: 'First post',
    tags: ['intro'],
    likesCount: 1,
    commentsCount: 1,
  });
  const comment = await repo.createComment({
    postId: post.$id,
    authorId: FAKE_IDS.owner,
    body: 'Mine',
  });
  await repo.createLike(post.$id, FAKE_IDS.other);
  const seeded = seededNotifications(FAKE_IDS, {
    postId: post.$id,
    commentId: comment.$id,
    replyId: 'seeded-reply',
  });
  for (const notification of seeded) await repo.upsertNotification(notification);
  repo.stats = { users: 4, posts: 1, comments: 1, likes: 1 };
  const owner = repo.profiles.get(FAKE_IDS.owner);
  if (owner) Object.assign(owner, { postsCount: 1, commentsCount: 1, likesReceived: 1 });
  repo.writes.length = 0;
  return {
    repo,
    limiter: new CountingLimiter(),
    ids: FAKE_IDS,
    params: { postId: post.$id, commentId: comment.$id, notificationId: 'seeded-reply' },
  };
}

/** Each member's notifications, counted from rows `{ recipientId, read }`. */
export function notificationCounts(
  ids: Record<Role, string>,
  rows: readonly { recipientId: string; read: boolean }[],
): PostsSnapshot['notifications'] {
  return Object.fromEntries(
    MEMBERS.map((role) => {
      const mine = rows.filter((row) => row.recipientId === ids[role]);
      return [role, { total: mine.length, unread: mine.filter((row) => !row.read).length }];
    }),
  );
}

/** The role behind a user id, for state that names people. */
export function roleOf(ids: Record<Role, string>, userId: string | null | undefined): Role | null {
  return (Object.entries(ids) as [Role, string][]).find(([, id]) => id === userId)?.[0] ?? null;
}

function fakeSnapshot(w: FakePostsWorld): PostsSnapshot {
  const { repo } = w;
  const post = repo.posts.get(w.params.postId) ?? null;
  return {
    post,
    postComments: [...repo.comments.values()].filter((c) => c.postId === w.params.postId).length,
    postLikes: [...repo.likes.values()].filter((l) => l.postId === w.params.postId).length,
    totals: { posts: repo.posts.size, comments: repo.comments.size, likes: repo.likes.size },
    stats: repo.stats,
    profiles: Object.fromEntries(
      MEMBERS.map((role) => [role, repo.profiles.get(FAKE_IDS[role]) ?? null]),
    ),
    notifications: notificationCounts(FAKE_IDS, [...repo.notifications.values()]),
    likeActor: roleOf(
      FAKE_IDS,
      repo.notifications.get(likeNotificationId(w.params.postId))?.actorId,
    ),
  };
}

/** Runs scenarios in-process: the fake runtime, the fake repository, a counting limiter. */
export const inProcessTarget: ScenarioTarget<FakePostsWorld> = {
  world: fakePostsWorld,
  async execute(w, as, request) {
    const result = await execute(postsHandler(w.repo, w.limiter), {
      ...request,
      headers: { 'x-appwrite-user-id': FAKE_IDS[as], 'content-type': 'application/json' },
    });
    return { status: result.statusCode, text: result.text, headers: result.headers };
  },
  async state(w) {
    return postsState(fakeSnapshot(w));
  },
  writes: (w) => w.repo.writes,
};

// ---- fast-check: any input to any route ------------------------------------------------------

/** One arbitrary execution of a posts route. */
export interface ArbitraryCall {
  route: RouteKey;
  as: Role;
  /** `undefined`: the world's own id. */
  postId?: string;
  commentId?: string;
  notificationId?: string;
  body: string;
}

const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 30 }), { maxLength: 8 }),
  fc.string({ minLength: 100, maxLength: 6000 }),
);

/** Objects near a route's schema: its keys with any values, sometimes an extra key. */
function nearBody(keys: readonly string[]): fc.Arbitrary<string> {
  const known = Object.fromEntries(keys.map((key) => [key, anyValue]));
  return fc
    .tuple(
      fc.record(known, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyValue), { nil: undefined }),
    )
    .map(([body, extra]) => JSON.stringify(extra ? { ...body, [extra[0]]: extra[1] } : body));
}

const anyBody = (keys: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: nearBody(keys) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant('') },
  );

const anyId = fc.oneof(
  fc.constant(undefined),
  fc.string({ minLength: 1, maxLength: 50 }),
  fc.constantFrom('nope', '..', '%', 'a/b', "' OR 1=1 --", 'x'.repeat(37)),
);
const member = fc.constantFrom<Role>(...ROLES);

/** The keys each route's body schema knows (no body: none). */
export const BODY_KEYS: Record<string, readonly string[]> = {
  [Route.posts.create]: ['title', 'body', 'tags'],
  [Route.posts.update]: ['title', 'body', 'tags'],
  [Route.posts.comment]: ['body'],
  [Route.posts.remove]: [],
  [Route.posts.like]: [],
  [Route.posts.unlike]: [],
  [Route.posts.removeComment]: [],
  [Route.posts.readNotification]: [],
  [Route.posts.readAllNotifications]: [],
};

/** Any call to `route`: any role, any id, any body. */
export function anyCall(route: RouteKey): fc.Arbitrary<ArbitraryCall> {
  return fc.record({
    route: fc.constant(route),
    as: member,
    postId: anyId,
    commentId: anyId,
    notificationId: anyId,
    body: anyBody(BODY_KEYS[route] ?? []),
  });
}

/** The scenario an arbitrary call makes, for `requestOf`. */
export function callParams(call: ArbitraryCall, w: PostsWorld): Record<string, string> {
  return {
    postId: call.postId ?? w.params.postId,
    commentId: call.commentId ?? w.params.commentId,
    notificationId: call.notificationId ?? w.params.notificationId,
  };
}

/**
 * What every answer to any input must hold: never a 5xx; a refusal changes nothing; a validation
 * failure names in `fields` only keys the route knows or the body sent (or `""` for the whole body).
 */
export function checkAnyAnswer(
  call: ArbitraryCall,
  answer: ScenarioAnswer,
  before: State,
  after: State,
): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  const body = bodyOf(answer);
  if (answer.status < 400) return;
  expect(stateChanges(before, after), answer.text).toEqual({});
  expect(body.code).toBe(answer.status);
  if (body.type !== 'general_argument_invalid') {
    expect(body.fields).toBeUndefined();
    return;
  }
  const fields = Object.keys((body.fields ?? {}) as Record<string, unknown>);
  expect(fields.length, answer.text).toBeGreaterThan(0);
  let sent: string[] = [];
  try {
    const parsed = JSON.parse(call.body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) sent = Object.keys(parsed);
  } catch {}
  const allowed = new Set(['', ...(BODY_KEYS[call.route] ?? []), ...sent]);
  for (const field of fields) {
    const named = allowed.has(field) || allowed.has(field.split('.')[0] ?? '');
    expect(named, `fields names "${field}", which the body did not send`).toBe(true);
  }
}
