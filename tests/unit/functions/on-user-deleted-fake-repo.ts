/**
 * An in-memory `OnUserDeletedRepo`: the posts fake (held to the shared repository suite) plus users,
 * avatars and reads by user; and `recount`, the counters as the rows say they should be.
 */
import type { OnUserDeletedRepo } from '../../../functions/on-user-deleted/src/on-user-deleted-repo.ts';
import type { StatsFields } from '../../../shared/schemas/stats.ts';
import { FakePostsRepo, type FakeProfile } from './posts-fake-repo.ts';

export class FakeOnUserDeletedRepo extends FakePostsRepo implements OnUserDeletedRepo {
  /** Users that still exist in Appwrite. */
  readonly users = new Set<string>();
  /** Profile avatar links: user id → file id. */
  readonly avatars = new Map<string, string>();
  /** Files in the `avatars` bucket. */
  readonly files = new Set<string>();
  failAvatarDeletes = false;
  /** Export jobs: job id → who asked and the CSV file it made. */
  readonly jobs = new Map<string, { requestedBy: string; fileId: string | null }>();
  /** Files in the `exports` bucket, each with its live file tokens. */
  readonly exportFiles = new Map<string, Set<string>>();
  /** Open registrations (ids issued, not yet consumed by the gate). */
  readonly registrations = new Set<string>();

  async listJobsBy(userId: string, limit: number) {
    return [...this.jobs.entries()]
      .filter(([, job]) => job.requestedBy === userId)
      .map(([$id, job]) => ({ $id, fileId: job.fileId }))
      .slice(0, limit);
  }
  async deleteJob(jobId: string) {
    if (!this.jobs.has(jobId)) return false;
    this.writes.push(`deleteJob ${jobId}`);
    return this.jobs.delete(jobId);
  }
  async deleteExportFile(fileId: string) {
    const tokens = this.exportFiles.get(fileId);
    if (!tokens) return false;
    this.writes.push(`deleteExportFile ${fileId} (${tokens.size} tokens)`);
    tokens.clear();
    return this.exportFiles.delete(fileId);
  }
  /** Notification recipients, one entry per row. */
  readonly addressedTo: string[] = [];

  async deleteNotificationsOf(userId: string) {
    const before = this.addressedTo.length;
    const kept = this.addressedTo.filter((recipient) => recipient !== userId);
    this.addressedTo.splice(0, this.addressedTo.length, ...kept);
    const removed = before - kept.length;
    if (removed > 0) this.writes.push(`deleteNotificationsOf ${userId} (${removed})`);
    return removed;
  }

  async removeRegistration(userId: string) {
    if (this.registrations.delete(userId)) this.writes.push(`removeRegistration ${userId}`);
  }

  async userExists(userId: string) {
    return this.users.has(userId);
  }
  async listPostsBy(userId: string, limit: number) {
    return [...this.posts.values()].filter((p) => p.authorId === userId).slice(0, limit);
  }
  async listCommentsBy(userId: string, limit: number) {
    return [...this.comments.values()].filter((c) => c.authorId === userId).slice(0, limit);
  }
  async listLikesBy(userId: string, limit: number) {
    return [...this.likes.entries()]
      .filter(([, like]) => like.userId === userId)
      .map(([$id, like]) => ({ $id, postId: like.postId }))
      .slice(0, limit);
  }
  async getPosts(postIds: readonly string[]) {
    return postIds.flatMap((id) => {
      const post = this.posts.get(id);
      return post ? [{ $id: post.$id, authorId: post.authorId, hidden: post.hidden === true }] : [];
    });
  }
  async deleteComments(commentIds: readonly string[]) {
    this.writes.push(`deleteComments ${commentIds.length}`);
    return commentIds.flatMap((id) => {
      const comment = this.comments.get(id);
      if (!comment) return [];
      this.comments.delete(id);
      return [{ $id: id, postId: comment.postId }];
    });
  }
  async deleteLikes(likeIds: readonly string[]) {
    this.writes.push(`deleteLikes ${likeIds.length}`);
    return likeIds.flatMap((id) => {
      const like = this.likes.get(id);
      if (!like) return [];
      this.likes.delete(id);
      return [{ $id: id, postId: like.postId }];
    });
  }
  async getAvatarId(userId: string) {
    if (!this.profiles.has(userId)) return undefined;
    return this.avatars.get(userId) ?? null;
  }
  async deleteProfile(userId: string) {
    this.writes.push(`deleteProfile ${userId}`);
    this.avatars.delete(userId);
    return this.profiles.delete(userId);
  }
  async deleteAvatarFile(fileId: string) {
    this.writes.push(`deleteAvatarFile ${fileId}`);
    if (this.failAvatarDeletes) throw new Error('storage is down');
    return this.files.delete(fileId);
  }
}

/** What every counter should be, counted from the rows. */
export function recount(repo: FakePostsRepo): {
  stats: StatsFields;
  posts: Record<string, { likesCount: number; commentsCount: number }>;
  profiles: Record<string, FakeProfile>;
} {
  const posts: Record<string, { likesCount: number; commentsCount: number }> = {};
  for (const post of repo.posts.values()) posts[post.$id] = { likesCount: 0, commentsCount: 0 };
  const profiles: Record<string, FakeProfile> = {};
  for (const id of repo.profiles.keys()) {
    profiles[id] = { postsCount: 0, commentsCount: 0, likesReceived: 0 };
  }
  for (const post of repo.posts.values()) {
    const author = profiles[post.authorId];
    if (author) author.postsCount += 1;
  }
  for (const comment of repo.comments.values()) {
    const post = posts[comment.postId];
    if (post) post.commentsCount += 1;
    const author = profiles[comment.authorId];
    if (author) author.commentsCount += 1;
  }
  for (const like of repo.likes.values()) {
    const post = posts[like.postId];
    if (post) post.likesCount += 1;
    const postAuthor = repo.posts.get(like.postId)?.authorId;
    const author = postAuthor === undefined ? undefined : profiles[postAuthor];
    if (author) author.likesReceived += 1;
  }
  return {
    stats: {
      users: repo.profiles.size,
      posts: repo.posts.size,
      comments: repo.comments.size,
      likes: repo.likes.size,
    },
    posts,
    profiles,
  };
}

/** The counters as stored, in `recount`'s shape. */
export function storedCounters(repo: FakePostsRepo): ReturnType<typeof recount> {
  const posts: Record<string, { likesCount: number; commentsCount: number }> = {};
  for (const post of repo.posts.values()) {
    posts[post.$id] = { likesCount: post.likesCount, commentsCount: post.commentsCount };
  }
  return {
    stats: repo.stats ?? { users: 0, posts: 0, comments: 0, likes: 0 },
    posts,
    profiles: Object.fromEntries(repo.profiles.entries()),
  };
}

/** Sets every counter to what the rows say (a consistent starting point). */
export function settleCounters(repo: FakePostsRepo): void {
  const truth = recount(repo);
  repo.stats = { ...truth.stats };
  for (const [id, counts] of Object.entries(truth.posts)) {
    const post = repo.posts.get(id);
    if (post) Object.assign(post, counts);
  }
  for (const [id, counts] of Object.entries(truth.profiles)) {
    const profile = repo.profiles.get(id);
    if (profile) Object.assign(profile, counts);
  }
}
