import { TablesDB } from 'node-appwrite';
import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { rateLimiterFor } from '../../_lib/rate-limit.ts';
import { readAllNotifications, readNotification } from './notifications-handlers.ts';
import {
  commentOnPost,
  createPost,
  type LimiterFor,
  likePost,
  type RepoFor,
  removeComment,
  removePost,
  unlikePost,
  updatePost,
} from './posts-handlers.ts';
import { createPostsRepo } from './posts-repo.ts';

const repoFor: RepoFor = (req) => createPostsRepo(appwriteClient(req));
/** Posting, commenting and liking are rate-limited per user (AGORA_RATE_LIMITS, see README). */
const limiterFor: LimiterFor = (req) => rateLimiterFor(new TablesDB(appwriteClient(req)));

/**
 * The `posts` function: posts, likes and comments, with their counters kept atomically, and the
 * notifications they cause (marked read here too).
 */
export default createHandler({
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
