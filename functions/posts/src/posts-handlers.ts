import { CommentCreate } from '#shared/schemas/comment.ts';
import { Id, mentionedHandles } from '#shared/schemas/common.ts';
import type { LikeState } from '#shared/schemas/like.ts';
import { PostCreate, PostUpdate } from '#shared/schemas/post.ts';
import { AppError } from '../../_lib/app-error.ts';
import { noBody, parseInput } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { isAdmin, type Member, requireMember } from '../../_lib/member.ts';
import {
  MAX_REPLY_RECIPIENTS,
  type NotificationWrite,
  notifyComment,
  notifyLike,
  notifyMentions,
  notifyReplies,
} from '../../_lib/notifications.ts';
import { removePostWithContent } from '../../_lib/post-cascade.ts';
import {
  commentWrite,
  likeWrite,
  newRowId,
  uncommentWrite,
  unlikeWrite,
} from '../../_lib/post-writes.ts';
import type { RateLimiter } from '../../_lib/rate-limit.ts';
import type { PostsRepo } from './posts-repo.ts';

/** Builds the repository for one execution (its client comes from the execution's key). */
export type RepoFor = (req: RuntimeRequest) => PostsRepo;

/** Builds the rate limiter for one execution (counting in the `ratelimits` table). */
export type LimiterFor = (req: RuntimeRequest) => RateLimiter;

function postNotFound(): AppError {
  return new AppError('row_not_found', 'No post with this id.');
}

/**
 * A `:param` that is not a valid Appwrite id (a path, a quote, 37 characters) names no row: `null`
 * without asking Appwrite, which would refuse it with a 400 that is not the caller's business.
 */
export function validId(value: string | undefined): string | null {
  return value !== undefined && Id.safeParse(value).success ? value : null;
}

async function findPost(repo: PostsRepo, postId: string | undefined) {
  const id = validId(postId);
  return id === null ? null : repo.getPost(id);
}

/**
 * A post that can be liked, unliked or commented on: not hidden. A hidden post is frozen until an
 * admin shows it again; to anyone but its author and admins it does not exist, so it answers as
 * missing.
 */
async function findOpenPost(repo: PostsRepo, postId: string | undefined) {
  const post = await findPost(repo, postId);
  return post?.hidden ? null : post;
}

/**
 * The post read, started before the member check (a read, so safe to begin for anyone) and awaited
 * after it: the two round trips overlap instead of following each other. Its failure surfaces only
 * when awaited; a caller refused first never sees it, and it is no unhandled rejection.
 */
function earlyRead<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/**
 * Runs a route that ends in one atomic write with that write's transaction opened as the route
 * starts (`PostsRepo.prepareAtomic`), so the transaction's round trip overlaps the member check and
 * the post read; a route that ends without writing releases (rolls back) it. A post id that names
 * no row opens none.
 */
async function withPreparedWrite<T>(
  repo: PostsRepo,
  postId: string | undefined,
  route: (atomically: PostsRepo['atomically']) => Promise<T>,
): Promise<T> {
  const prepared = validId(postId) === null ? null : repo.prepareAtomic();
  try {
    return await route((write) => (prepared ? prepared.atomically(write) : repo.atomically(write)));
  } finally {
    await prepared?.release();
  }
}

async function findComment(repo: PostsRepo, commentId: string | undefined) {
  const id = validId(commentId);
  return id === null ? null : repo.getComment(id);
}

/** Owners may always; anyone else only as an admin. */
function mayRemove(member: Member, ownerId: string): boolean {
  return member.userId === ownerId || isAdmin(member);
}

/**
 * The caller, vetted (functions/_lib/member.ts), before anything is written on their behalf. Posting,
 * commenting and liking also need a verified email; editing and deleting your own do not.
 */
function memberOf(req: RuntimeRequest, repo: PostsRepo, verified: boolean): Promise<Member> {
  return requireMember(req, (userId) => repo.getMember(userId), { verified });
}

/**
 * `POST /posts`: the caller writes a post; the counters start at 0. Members it mentions
 * (`@handle`, title or body) are notified right after.
 */
export function createPost(repoFor: RepoFor, limiterFor: LimiterFor): RouteHandler {
  return async ({ req, res, error }) => {
    const repo = repoFor(req);
    const { userId } = await memberOf(req, repo, true);
    const input = parseInput(PostCreate, req.bodyText);
    await limiterFor(req).consume(userId, 'post');
    // Who the post mentions is read while the post is written (the handles are in the input).
    const mentionedRead = earlyRead(
      repo.userIdsByHandles(mentionedHandles(`${input.title}\n${input.body}`)),
    );
    const post = await repo.createPost({
      ...input,
      authorId: userId,
      likesCount: 0,
      commentsCount: 0,
      hidden: false,
      hiddenReason: null,
    });
    const [mentioned] = await Promise.all([
      mentionedRead,
      repo.bump({ table: 'stats', column: 'posts' }, 1),
      repo.bump({ table: 'profiles', rowId: userId, column: 'postsCount' }, 1),
    ]);
    // A new post is not one transaction (the row, then its counters), so its mentions follow it:
    // each row's id is derived from (post, recipient), so writing them again changes nothing.
    const about = { postId: post.$id, commentId: null, text: post.title };
    await Promise.all(
      notifyMentions(about, userId, mentioned).map((notification) =>
        repo.upsertNotification(notification).catch((thrown: unknown) => {
          error(`mention notification not written: ${String(thrown)}`);
        }),
      ),
    );
    return res.json(post, 201);
  };
}

/** `PATCH /posts/:postId`: the author edits title, body or tags. Admins moderate by deleting. */
export function updatePost(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const { userId } = await memberOf(req, repo, false);
    const patch = parseInput(PostUpdate, req.bodyText);
    const post = await findPost(repo, params.postId);
    if (!post) throw postNotFound();
    if (post.authorId !== userId) {
      throw new AppError('user_unauthorized', 'Only the author may edit this post.');
    }
    const updated = await repo.updatePost(post.$id, patch);
    if (!updated) throw postNotFound();
    return res.json(updated);
  };
}

/**
 * `DELETE /posts/:postId`: the author or an admin deletes a post, then its comments and likes page
 * by page, moving every counter down by what was actually deleted.
 */
export function removePost(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const member = await memberOf(req, repo, false);
    noBody(req);
    const post = await findPost(repo, params.postId);
    if (!post) throw postNotFound();
    if (!mayRemove(member, post.authorId)) {
      throw new AppError('user_unauthorized', 'Only the author or an admin may delete this post.');
    }
    // Whoever deletes the row moves the counters; a concurrent second delete finds it gone.
    if (!(await removePostWithContent(repo, post))) throw postNotFound();
    return res.empty();
  };
}

/**
 * The post's like count as stored after this call: the like row and its counters move in one
 * transaction, so the counter is the count — whichever call made or removed the like.
 */
async function likesCountNow(repo: PostsRepo, postId: string): Promise<number> {
  const post = await repo.getPost(postId);
  if (!post) throw postNotFound();
  return post.likesCount;
}

/**
 * `PUT /posts/:postId/like`: idempotent. The like row, the post's `likesCount`, `stats.likes` and the
 * author's `likesReceived` are one transaction; a like that exists already (Appwrite's 409
 * `transaction_conflict`) writes nothing and answers the same.
 *
 * A like that was written then tells the author (`notifyLike`), right after the commit and not in
 * the transaction: every like of a post updates the same notification row, so inside the
 * transaction two people liking at once would conflict on it — and a conflict means "already
 * liked". A notification that fails to write is logged; the like stands.
 */
/**
 * The start both like routes share: the post read begun at once, the caller vetted (liking needs a
 * verified email, unliking does not), no body, the rate limit; then the open post, or 404.
 */
async function likeTarget(
  req: RuntimeRequest,
  repo: PostsRepo,
  limiterFor: LimiterFor,
  postId: string | undefined,
  verified: boolean,
) {
  const postRead = earlyRead(findOpenPost(repo, postId));
  const { userId } = await memberOf(req, repo, verified);
  noBody(req);
  await limiterFor(req).consume(userId, 'like');
  const post = await postRead;
  if (!post) throw postNotFound();
  return { post, userId };
}

export function likePost(repoFor: RepoFor, limiterFor: LimiterFor): RouteHandler {
  return async ({ req, res, params, error }) => {
    const repo = repoFor(req);
    return withPreparedWrite(repo, params.postId, async (atomically) => {
      const { post, userId } = await likeTarget(req, repo, limiterFor, params.postId, true);
      const outcome = await atomically(likeWrite(post, userId));
      // `missing`: the post went between the read and the write, and nothing was written.
      if (outcome.status === 'missing') throw postNotFound();
      const notification = outcome.status === 'done' ? notifyLike(post, userId) : null;
      // The notification and the count read are independent: both in flight at once, both done
      // before the answer (the notification exists when the like returns).
      const [likesCount] = await Promise.all([
        likesCountNow(repo, post.$id),
        notification &&
          repo.upsertNotification(notification).catch((thrown: unknown) => {
            error(`like notification not written: ${String(thrown)}`);
          }),
      ]);
      const state: LikeState = { postId: post.$id, liked: true, likesCount };
      return res.json(state);
    });
  };
}

/** `DELETE /posts/:postId/like`: idempotent; the like row and its counters go in one transaction. */
export function unlikePost(repoFor: RepoFor, limiterFor: LimiterFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    return withPreparedWrite(repo, params.postId, async (atomically) => {
      const { post, userId } = await likeTarget(req, repo, limiterFor, params.postId, false);
      const outcome = await atomically(unlikeWrite(post, userId));
      // The post itself gone is a 404; the like row gone means it was not liked: a no-op.
      if (outcome.status === 'missing' && outcome.rowId === post.$id) throw postNotFound();
      const state: LikeState = {
        postId: post.$id,
        liked: false,
        likesCount: await likesCountNow(repo, post.$id),
      };
      return res.json(state);
    });
  };
}

/** One notification per person per action: the first of `comment`, `mention`, `reply` that names them. */
function onePerRecipient(candidates: readonly (NotificationWrite | null)[]): NotificationWrite[] {
  const seen = new Set<string>();
  return candidates.filter((n): n is NotificationWrite => {
    if (n === null || seen.has(n.data.recipientId)) return false;
    seen.add(n.data.recipientId);
    return true;
  });
}

/**
 * `POST /posts/:postId/comments`: the caller comments on a post. The comment, the post's
 * `commentsCount`, `stats.comments` and the commenter's `commentsCount` are one transaction, with
 * the notifications it causes: the post's author (`comment`), members it mentions (`mention`) and
 * the thread's latest earlier commenters (`reply`) — one each, never the commenter. The answer is the comment as stored.
 */
export function commentOnPost(repoFor: RepoFor, limiterFor: LimiterFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    return withPreparedWrite(repo, params.postId, async (atomically) => {
      const postRead = earlyRead(findOpenPost(repo, params.postId));
      const { userId } = await memberOf(req, repo, true);
      const input = parseInput(CommentCreate, req.bodyText);
      await limiterFor(req).consume(userId, 'comment');
      const post = await postRead;
      if (!post) throw postNotFound();
      const commentId = newRowId();
      const comment = { $id: commentId, authorId: userId, body: input.body };
      const [earlier, mentioned] = await Promise.all([
        repo.recentCommenters(post.$id, MAX_REPLY_RECIPIENTS * 5),
        repo.userIdsByHandles(mentionedHandles(input.body)),
      ]);
      const about = { postId: post.$id, commentId, text: input.body };
      const notifications = onePerRecipient([
        notifyComment(post, comment),
        ...notifyMentions(about, userId, mentioned),
        ...notifyReplies(post, comment, earlier),
      ]);
      const outcome = await atomically(
        commentWrite(
          commentId,
          {
            postId: post.$id,
            authorId: userId,
            body: input.body,
            hidden: false,
            hiddenReason: null,
          },
          notifications,
        ),
      );
      if (outcome.status !== 'done') throw postNotFound();
      const stored = await repo.getComment(commentId);
      if (!stored) throw new AppError('row_not_found', 'No comment with this id.');
      return res.json(stored, 201);
    });
  };
}

/**
 * `DELETE /comments/:commentId`: its author or an admin deletes a comment; the row and its three
 * counters go in one transaction.
 */
export function removeComment(repoFor: RepoFor): RouteHandler {
  return async ({ req, res, params }) => {
    const repo = repoFor(req);
    const member = await memberOf(req, repo, false);
    noBody(req);
    const comment = await findComment(repo, params.commentId);
    if (!comment) throw new AppError('row_not_found', 'No comment with this id.');
    if (!mayRemove(member, comment.authorId)) {
      throw new AppError(
        'user_unauthorized',
        'Only the author or an admin may delete this comment.',
      );
    }
    const outcome = await repo.atomically(uncommentWrite(comment));
    if (outcome.status !== 'done') throw new AppError('row_not_found', 'No comment with this id.');
    return res.empty();
  };
}
