import * as z from 'zod/mini';
import { Limits } from '../limits.ts';
import { HiddenFlag, HiddenReason, Id, text } from './common.ts';
import { rowOf } from './row.ts';

export const CommentBody = text(Limits.comment.min, Limits.comment.max);

/** What a `comments` row stores; `hidden`/`hiddenReason` as on a post (shared/schemas/post.ts). */
export const CommentFields = z.strictObject({
  postId: Id,
  authorId: Id,
  body: CommentBody,
  hidden: HiddenFlag,
  hiddenReason: HiddenReason,
});
export type CommentFields = z.infer<typeof CommentFields>;

/** A comment as a post's thread reads it. */
export const Comment = rowOf(CommentFields);
export type Comment = z.infer<typeof Comment>;

/** Comment on a post; the post comes from the route (`POST /posts/:postId/comments`). */
export const CommentCreate = z.strictObject({ body: CommentBody });
export type CommentCreate = z.infer<typeof CommentCreate>;
