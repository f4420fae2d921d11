import * as z from 'zod/mini';
import { AppError, describeError } from '../../_lib/app-error.ts';
import { readJson } from '../../_lib/body.ts';
import { callerOf } from '../../_lib/caller.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import {
  CASCADE_PAGE,
  countBy,
  inBatches,
  PARALLEL,
  removePostWithContent,
} from '../../_lib/post-cascade.ts';
import type { OnUserDeletedRepo } from './on-user-deleted-repo.ts';

/** What a handler needs per execution: the repository. */
export interface OnUserDeletedDeps {
  repoFor: (req: RuntimeRequest) => OnUserDeletedRepo;
}

/** The part of Appwrite's User model (the event body) this function reads; the rest is ignored. */
const UserEvent = z.object({ $id: z.string().check(z.minLength(1)) });

/** What was removed, as the execution's response (visible to whoever reads the execution with a key). */
export interface Outcome {
  userId: string;
  posts: number;
  comments: number;
  likes: number;
  profile: boolean;
  avatar: boolean;
  /** Export jobs removed, with their CSV files and download links. */
  jobs: number;
  /** Their notifications (rows only they could read). */
  notifications: number;
}

/**
 * Pages through the user's posts: each goes with its comments and likes (the cascade `DELETE
 * /posts/:postId` uses), counters moved by what was deleted. Each page is the first page again; a
 * page that deletes nothing ends the loop, so it cannot spin.
 */
async function removePosts(repo: OnUserDeletedRepo, userId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await repo.listPostsBy(userId, CASCADE_PAGE);
    const done = await inBatches(page, PARALLEL, (post) => removePostWithContent(repo, post));
    const removedHere = done.filter(Boolean).length;
    removed += removedHere;
    if (page.length < CASCADE_PAGE || removedHere === 0) return removed;
  }
}

/**
 * Pages through the user's comments on other people's posts: each page is deleted in one bulk call
 * by id, and each post's `commentsCount` and `stats.comments` go down by what that call deleted.
 * (Their own `commentsCount` goes with the profile.) A comment moderation hid is out of the counts
 * already and moves nothing.
 */
async function removeComments(repo: OnUserDeletedRepo, userId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await repo.listCommentsBy(userId, CASCADE_PAGE);
    if (page.length === 0) return removed;
    const hiddenComments = new Set(page.filter((c) => c.hidden).map((c) => c.$id));
    const deleted = await repo.deleteComments(page.map((comment) => comment.$id));
    const counted = deleted.filter((comment) => !hiddenComments.has(comment.$id));
    if (counted.length > 0) {
      const perPost = countBy(counted, (comment) => comment.postId);
      await inBatches(perPost, PARALLEL, ([postId, count]) =>
        repo.bump({ table: 'posts', rowId: postId, column: 'commentsCount' }, -count),
      );
      await repo.bump({ table: 'stats', column: 'comments' }, -counted.length);
    }
    removed += deleted.length;
    if (page.length < CASCADE_PAGE || deleted.length === 0) return removed;
  }
}

/**
 * Pages through the user's likes: each liked post's `likesCount`, its author's `likesReceived` and
 * `stats.likes` go down by what the page's bulk delete removed. The posts are read (in one call)
 * before their likes are deleted, so a post deleted meanwhile still names its author.
 */
async function removeLikes(repo: OnUserDeletedRepo, userId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await repo.listLikesBy(userId, CASCADE_PAGE);
    if (page.length === 0) return removed;
    const posts = await repo.getPosts([...new Set(page.map((like) => like.postId))]);
    const authors = new Map(posts.map((post) => [post.$id, post.authorId]));
    const deleted = await repo.deleteLikes(page.map((like) => like.$id));
    if (deleted.length > 0) {
      const perPost = countBy(deleted, (like) => like.postId);
      await inBatches(perPost, PARALLEL, async ([postId, count]) => {
        await repo.bump({ table: 'posts', rowId: postId, column: 'likesCount' }, -count);
        const authorId = authors.get(postId);
        if (authorId !== undefined) {
          await repo.bump({ table: 'profiles', rowId: authorId, column: 'likesReceived' }, -count);
        }
      });
      await repo.bump({ table: 'stats', column: 'likes' }, -deleted.length);
    }
    removed += deleted.length;
    if (page.length < CASCADE_PAGE || deleted.length === 0) return removed;
  }
}

/**
 * Pages through the export jobs the user asked for: each job's CSV (every user's email) and its
 * download links go, then the row. Nothing of it may outlive its reader: a row or file readable by
 * `user:<id>` would be readable by whoever holds that id next.
 */
async function removeJobs(repo: OnUserDeletedRepo, userId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await repo.listJobsBy(userId, CASCADE_PAGE);
    const done = await inBatches(page, PARALLEL, async (job) => {
      if (job.fileId !== null) await repo.deleteExportFile(job.fileId);
      return repo.deleteJob(job.$id);
    });
    const removedHere = done.filter(Boolean).length;
    removed += removedHere;
    if (page.length < CASCADE_PAGE || removedHere === 0) return removed;
  }
}

/**
 * `POST /` for the `users.*.delete` event: removes everything the user made (see README.md for the
 * decision) and finally their profile row and avatar file, with `stats.users` − 1 — moved only by the
 * call that deleted the profile, so a replayed event finds nothing and moves no counter. A user who
 * still exists (a forged or misrouted event, a wrong id in a key run) is left alone. Run it again
 * with a key to finish a cleanup the timeout cut short: it picks up where the last run stopped.
 */
export function onUserDeleted({ repoFor }: OnUserDeletedDeps): RouteHandler {
  return async ({ req, res, log, error }) => {
    // The event, or a server-side run with a key (to finish a cleanup the timeout cut short). A user's
    // execution carries their id; `execute: []` already refuses one, and so does this.
    const trigger = req.headers['x-appwrite-trigger'];
    if (!(trigger === 'event' || (trigger === 'http' && callerOf(req).userId === null))) {
      throw new AppError(
        'user_unauthorized',
        'This function runs on the users.*.delete event, or with an API key.',
      );
    }
    const parsed = UserEvent.safeParse(readJson(req.bodyText));
    if (!parsed.success) {
      throw new AppError('general_argument_invalid', 'The event body is not a user.');
    }
    const userId = parsed.data.$id;
    const repo = repoFor(req);
    if (await repo.userExists(userId)) {
      throw new AppError('user_already_exists', 'This user still exists; nothing was removed.');
    }
    // First what a stranger could read under this id, then the id's open registration, if any.
    const jobs = await removeJobs(repo, userId);
    await repo.removeRegistration(userId);
    const posts = await removePosts(repo, userId);
    const comments = await removeComments(repo, userId);
    const likes = await removeLikes(repo, userId);
    const notifications = await repo.deleteNotificationsOf(userId);

    const avatarId = await repo.getAvatarId(userId);
    let avatar = false;
    if (avatarId) {
      try {
        avatar = await repo.deleteAvatarFile(avatarId);
      } catch (thrown) {
        // The profile goes anyway; maintenance removes files no profile links.
        error(`Could not delete avatar ${avatarId}; maintenance will: ${describeError(thrown)}`);
      }
    }
    const profile = avatarId !== undefined && (await repo.deleteProfile(userId));
    if (profile) await repo.bump({ table: 'stats', column: 'users' }, -1);

    const outcome: Outcome = {
      userId,
      posts,
      comments,
      likes,
      profile,
      avatar,
      jobs,
      notifications,
    };
    log(
      `Removed for ${userId}: ${posts} posts, ${comments} comments, ${likes} likes, profile ${profile}, avatar ${avatar}, ${jobs} export jobs, ${notifications} notifications.`,
    );
    return res.json(outcome);
  };
}
