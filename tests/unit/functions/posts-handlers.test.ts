import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import {
  commentOnPost,
  createPost,
  likePost,
  removeComment,
  removePost,
  unlikePost,
  updatePost,
} from '../../../functions/posts/src/posts-handlers.ts';
import { likeRowId } from '../../../functions/posts/src/posts-repo.ts';
import { Route, type RouteKey, routeRequest } from '../../../shared/functions.ts';
import { execute } from './fake-runtime.ts';
import { FakePostsRepo } from './posts-fake-repo.ts';

/**
 * Every `posts` route as a table of scenarios, in-process: who asks (guest, owner, another user,
 * admin), what they send, and what must follow — the status, the error type and `fields`, strings
 * the body must not contain, and the state of the fake repository afterwards.
 */

const IDS = { guest: '', owner: 'owner-1', other: 'other-1', admin: 'admin-1' } as const;
type Who = keyof typeof IDS;

/** The world each scenario starts from: one post by the owner, one comment by the owner, one like by the other user. */
interface World {
  repo: FakePostsRepo;
  postId: string;
  commentId: string;
}

async function world(): Promise<World> {
  const repo = new FakePostsRepo(new Set([IDS.admin]));
  for (const id of [IDS.owner, IDS.other, IDS.admin]) repo.addProfile(id);
  const post = await repo.createPost({
    authorId: IDS.owner,
    title: 'Hello',
    body: 'First post',
    tags: ['intro'],
    likesCount: 1,
    commentsCount: 1,
  });
  const comment = await repo.createComment({ postId: post.$id, authorId: IDS.owner, body: 'Mine' });
  await repo.createLike(post.$id, IDS.other);
  repo.stats = { users: 3, posts: 1, comments: 1, likes: 1 };
  const owner = repo.profiles.get(IDS.owner);
  if (owner) Object.assign(owner, { postsCount: 1, commentsCount: 1, likesReceived: 1 });
  repo.writes.length = 0;
  return { repo, postId: post.$id, commentId: comment.$id };
}

function handlerFor(repo: FakePostsRepo) {
  const repoFor = () => repo;
  return createHandler({
    [Route.posts.create]: createPost(repoFor),
    [Route.posts.update]: updatePost(repoFor),
    [Route.posts.remove]: removePost(repoFor),
    [Route.posts.like]: likePost(repoFor),
    [Route.posts.unlike]: unlikePost(repoFor),
    [Route.posts.comment]: commentOnPost(repoFor),
    [Route.posts.removeComment]: removeComment(repoFor),
  });
}

interface Scenario {
  name: string;
  who: Who;
  route: RouteKey | { method: string; path: string };
  /** `:postId` → the seeded post unless set; `:commentId` → the seeded comment unless set. */
  params?: { postId?: string; commentId?: string };
  body?: string;
  status: number;
  type?: string;
  fields?: Record<string, string>;
  /** Strings the body must contain / must not contain. */
  contains?: string[];
  lacks?: string[];
  /** `true`: the repository saw no write at all. */
  noWrites?: boolean;
  after?: (w: World, body: Record<string, unknown>) => void;
}

const NO_LEAK = ['    at ', 'node_modules', 'stack'];
const post = (w: World) => w.repo.posts.get(w.postId);

const scenarios: Scenario[] = [
  // create
  {
    name: 'guest cannot post → 401',
    who: 'guest',
    route: Route.posts.create,
    body: '{"title":"T","body":"B"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'user posts → 201, author is the caller, counters move',
    who: 'other',
    route: Route.posts.create,
    body: '{"title":"My post","body":"Text","tags":["News"]}',
    status: 201,
    after: (w, body) => {
      expect(body).toMatchObject({
        authorId: IDS.other,
        title: 'My post',
        tags: ['news'],
        likesCount: 0,
        commentsCount: 0,
      });
      expect(w.repo.stats?.posts).toBe(2);
      expect(w.repo.profiles.get(IDS.other)?.postsCount).toBe(1);
    },
  },
  {
    name: 'authorId in the body is refused',
    who: 'other',
    route: Route.posts.create,
    body: '{"title":"T","body":"B","authorId":"owner-1"}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { authorId: 'unrecognized_keys' },
    noWrites: true,
  },
  {
    name: 'missing title and body',
    who: 'other',
    route: Route.posts.create,
    body: '{}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { title: 'invalid_type', body: 'invalid_type' },
    noWrites: true,
  },
  {
    name: 'bad and duplicate tags',
    who: 'other',
    route: Route.posts.create,
    body: '{"title":"T","body":"B","tags":["a b"]}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { 'tags.0': 'invalid_tag' },
    noWrites: true,
  },
  {
    name: 'malformed JSON → 400, no stack',
    who: 'other',
    route: Route.posts.create,
    body: '{"title":',
    status: 400,
    type: 'general_bad_request',
    lacks: [...NO_LEAK, 'SyntaxError'],
    noWrites: true,
  },
  // update
  {
    name: 'guest cannot edit → 401',
    who: 'guest',
    route: Route.posts.update,
    body: '{"title":"X"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'owner edits → 200',
    who: 'owner',
    route: Route.posts.update,
    body: '{"title":"Edited"}',
    status: 200,
    after: (w, body) => {
      expect(body).toMatchObject({ title: 'Edited', body: 'First post' });
      expect(post(w)?.title).toBe('Edited');
    },
  },
  {
    name: 'other user cannot edit → 401, nothing changed',
    who: 'other',
    route: Route.posts.update,
    body: '{"title":"Hijack"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
    after: (w) => expect(post(w)?.title).toBe('Hello'),
  },
  {
    name: 'admin cannot edit someone else’s post → 401',
    who: 'admin',
    route: Route.posts.update,
    body: '{"title":"Hijack"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'edit a missing post → 404',
    who: 'owner',
    route: Route.posts.update,
    params: { postId: 'nope' },
    body: '{"title":"X"}',
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  {
    name: 'empty edit → 400 empty_update',
    who: 'owner',
    route: Route.posts.update,
    body: '{}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { '': 'empty_update' },
    noWrites: true,
  },
  // remove
  {
    name: 'guest cannot delete → 401',
    who: 'guest',
    route: Route.posts.remove,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'other user cannot delete → 401, nothing changed',
    who: 'other',
    route: Route.posts.remove,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
    after: (w) => expect(post(w)).toBeDefined(),
  },
  {
    name: 'owner deletes → 204, comments and likes go, counters follow',
    who: 'owner',
    route: Route.posts.remove,
    status: 204,
    after: (w) => {
      expect(post(w)).toBeUndefined();
      expect(w.repo.comments.size).toBe(0);
      expect(w.repo.likes.size).toBe(0);
      expect(w.repo.stats).toEqual({ users: 3, posts: 0, comments: 0, likes: 0 });
      expect(w.repo.profiles.get(IDS.owner)).toEqual({
        postsCount: 0,
        commentsCount: 0,
        likesReceived: 0,
      });
    },
  },
  {
    name: 'admin deletes someone else’s post → 204',
    who: 'admin',
    route: Route.posts.remove,
    status: 204,
    after: (w) => {
      expect(post(w)).toBeUndefined();
      expect(w.repo.stats?.posts).toBe(0);
    },
  },
  {
    name: 'delete a missing post → 404',
    who: 'owner',
    route: Route.posts.remove,
    params: { postId: 'nope' },
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  // like
  {
    name: 'guest cannot like → 401',
    who: 'guest',
    route: Route.posts.like,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'owner likes → likesCount 2, stats and likesReceived move',
    who: 'owner',
    route: Route.posts.like,
    status: 200,
    after: (w, body) => {
      expect(body).toEqual({ postId: w.postId, liked: true, likesCount: 2 });
      expect(w.repo.stats?.likes).toBe(2);
      expect(w.repo.profiles.get(IDS.owner)?.likesReceived).toBe(2);
    },
  },
  {
    name: 'a second like is a no-op → likesCount stays 1',
    who: 'other',
    route: Route.posts.like,
    status: 200,
    after: (w, body) => {
      expect(body).toEqual({ postId: w.postId, liked: true, likesCount: 1 });
      expect(w.repo.writes.filter((write) => write.startsWith('bump'))).toEqual([]);
    },
  },
  {
    name: 'like a missing post → 404',
    who: 'other',
    route: Route.posts.like,
    params: { postId: 'nope' },
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  {
    name: 'like with a body → 400',
    who: 'other',
    route: Route.posts.like,
    body: '{"x":1}',
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
  // unlike
  {
    name: 'guest cannot unlike → 401',
    who: 'guest',
    route: Route.posts.unlike,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'other user unlikes → likesCount 0',
    who: 'other',
    route: Route.posts.unlike,
    status: 200,
    after: (w, body) => {
      expect(body).toEqual({ postId: w.postId, liked: false, likesCount: 0 });
      expect(w.repo.likes.has(likeRowId(w.postId, IDS.other))).toBe(false);
      expect(w.repo.stats?.likes).toBe(0);
    },
  },
  {
    name: 'unlike without a like is a no-op → likesCount stays 1',
    who: 'admin',
    route: Route.posts.unlike,
    status: 200,
    after: (w, body) => {
      expect(body).toEqual({ postId: w.postId, liked: false, likesCount: 1 });
      expect(w.repo.writes.filter((write) => write.startsWith('bump'))).toEqual([]);
    },
  },
  // comment
  {
    name: 'guest cannot comment → 401',
    who: 'guest',
    route: Route.posts.comment,
    body: '{"body":"Hi"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'user comments → 201, commentsCount 2',
    who: 'other',
    route: Route.posts.comment,
    body: '{"body":"Nice"}',
    status: 201,
    after: (w, body) => {
      expect(body).toMatchObject({ postId: w.postId, authorId: IDS.other, body: 'Nice' });
      expect(post(w)?.commentsCount).toBe(2);
      expect(w.repo.stats?.comments).toBe(2);
      expect(w.repo.profiles.get(IDS.other)?.commentsCount).toBe(1);
    },
  },
  {
    name: 'empty comment → 400 fields.body',
    who: 'other',
    route: Route.posts.comment,
    body: '{"body":""}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { body: 'too_small' },
    noWrites: true,
  },
  {
    name: 'comment with postId in the body → 400',
    who: 'other',
    route: Route.posts.comment,
    body: '{"body":"x","postId":"p"}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { postId: 'unrecognized_keys' },
    noWrites: true,
  },
  {
    name: 'comment on a missing post → 404',
    who: 'other',
    route: Route.posts.comment,
    params: { postId: 'nope' },
    body: '{"body":"Hi"}',
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  // remove comment
  {
    name: 'guest cannot delete a comment → 401',
    who: 'guest',
    route: Route.posts.removeComment,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'other user cannot delete the comment → 401',
    who: 'other',
    route: Route.posts.removeComment,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
    after: (w) => expect(w.repo.comments.size).toBe(1),
  },
  {
    name: 'author deletes the comment → 204, commentsCount 0',
    who: 'owner',
    route: Route.posts.removeComment,
    status: 204,
    after: (w) => {
      expect(w.repo.comments.size).toBe(0);
      expect(post(w)?.commentsCount).toBe(0);
      expect(w.repo.stats?.comments).toBe(0);
      expect(w.repo.profiles.get(IDS.owner)?.commentsCount).toBe(0);
    },
  },
  {
    name: 'admin deletes any comment → 204',
    who: 'admin',
    route: Route.posts.removeComment,
    status: 204,
    after: (w) => expect(post(w)?.commentsCount).toBe(0),
  },
  {
    name: 'delete a missing comment → 404',
    who: 'owner',
    route: Route.posts.removeComment,
    params: { commentId: 'nope' },
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  // routing
  {
    name: 'unknown route → 404',
    who: 'owner',
    route: { method: 'GET', path: '/nowhere' },
    status: 404,
    type: 'general_route_not_found',
    noWrites: true,
  },
  {
    name: 'known path, other method → 404',
    who: 'owner',
    route: { method: 'GET', path: '/posts' },
    status: 404,
    type: 'general_route_not_found',
    noWrites: true,
  },
];

describe('posts routes in-process', () => {
  test.each(scenarios)('$name', async (s) => {
    const w = await world();
    const request =
      typeof s.route === 'string'
        ? routeRequest(s.route, {
            postId: s.params?.postId ?? w.postId,
            commentId: s.params?.commentId ?? w.commentId,
          })
        : s.route;
    const result = await execute(handlerFor(w.repo), {
      ...request,
      body: s.body ?? '',
      headers: { 'x-appwrite-user-id': IDS[s.who], 'content-type': 'application/json' },
    });
    expect(result.statusCode, result.text).toBe(s.status);
    const body = (result.text === '' ? {} : result.json()) as Record<string, unknown>;
    if (s.type) expect(body.type).toBe(s.type);
    if (s.fields) {
      const codes = Object.fromEntries(
        Object.entries(body.fields as Record<string, { code: string }>).map(([k, v]) => [
          k,
          v.code,
        ]),
      );
      expect(codes).toEqual(s.fields);
    } else {
      expect(body.fields).toBeUndefined();
    }
    for (const text of s.contains ?? []) expect(result.text).toContain(text);
    for (const text of [...NO_LEAK, ...(s.lacks ?? [])]) expect(result.text).not.toContain(text);
    if (s.noWrites) expect(w.repo.writes).toEqual([]);
    s.after?.(w, body);
  });

  test('a failing repository → 500 with the generic message; the detail only in the log', async () => {
    const w = await world();
    w.repo.getPost = async () => {
      throw new Error('db password=hunter2 at 10.0.0.5');
    };
    const result = await execute(handlerFor(w.repo), {
      ...routeRequest(Route.posts.like, { postId: w.postId }),
      headers: { 'x-appwrite-user-id': IDS.other },
    });
    expect(result.statusCode).toBe(500);
    expect(result.json()).toMatchObject({ type: 'general_server_error' });
    expect(result.text).not.toContain('hunter2');
    expect(result.errors.join('\n')).toContain('hunter2');
  });

  test('deleting a post with more comments and likes than a page removes them all', async () => {
    const w = await world();
    for (let i = 0; i < 230; i++) {
      await w.repo.createComment({ postId: w.postId, authorId: IDS.other, body: `c${i}` });
      await w.repo.createLike(w.postId, `liker-${i}`);
    }
    w.repo.stats = { users: 3, posts: 1, comments: 231, likes: 231 };
    const result = await execute(handlerFor(w.repo), {
      ...routeRequest(Route.posts.remove, { postId: w.postId }),
      headers: { 'x-appwrite-user-id': IDS.owner },
    });
    expect(result.statusCode).toBe(204);
    expect(w.repo.comments.size).toBe(0);
    expect(w.repo.likes.size).toBe(0);
    expect(w.repo.stats).toEqual({ users: 3, posts: 0, comments: 0, likes: 0 });
  });
});
