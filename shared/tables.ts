import type { TableId } from './ids.ts';
import { CommentFields } from './schemas/comment.ts';
import { JobFields } from './schemas/job.ts';
import { LikeFields } from './schemas/like.ts';
import { PostFields } from './schemas/post.ts';
import { ProfileFields } from './schemas/profile.ts';
import { StatsFields } from './schemas/stats.ts';

/**
 * The stored fields of each table. appwrite.json's columns must agree with these (the drift test holds
 * them together), and functions validate what they write against them.
 */
export const TableFields = {
  profiles: ProfileFields,
  posts: PostFields,
  comments: CommentFields,
  likes: LikeFields,
  stats: StatsFields,
  jobs: JobFields,
} as const satisfies Record<TableId, unknown>;
