import * as z from 'zod/mini';
import { Id } from './common.ts';
import { rowOf } from './row.ts';

/**
 * What a `likes` row stores: one row per (post, user), made unique by an index so that two concurrent
 * clicks cannot count twice. Liking and unliking carry no body (`PUT`/`DELETE /posts/:postId/like`).
 */
export const LikeFields = z.strictObject({
  postId: Id,
  userId: Id,
});
export type LikeFields = z.infer<typeof LikeFields>;

export const Like = rowOf(LikeFields);
export type Like = z.infer<typeof Like>;

/** What like and unlike answer: where the caller's like stands now, and the post's count. */
export interface LikeState {
  postId: string;
  liked: boolean;
  likesCount: number;
}
