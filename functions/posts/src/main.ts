import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import {
  commentOnPost,
  createPost,
  likePost,
  type RepoFor,
  removeComment,
  removePost,
  unlikePost,
  updatePost,
} from './posts-handlers.ts';
import { createPostsRepo } from './posts-repo.ts';

const repoFor: RepoFor = (req) => createPostsRepo(appwriteClient(req));

/** The `posts` function: posts, likes and comments, with their counters kept atomically. */
export default createHandler({
  [Route.posts.create]: createPost(repoFor),
  [Route.posts.update]: updatePost(repoFor),
  [Route.posts.remove]: removePost(repoFor),
  [Route.posts.like]: likePost(repoFor),
  [Route.posts.unlike]: unlikePost(repoFor),
  [Route.posts.comment]: commentOnPost(repoFor),
  [Route.posts.removeComment]: removeComment(repoFor),
});
