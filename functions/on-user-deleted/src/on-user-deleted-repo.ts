import { type Client, Query, Storage, TablesDB, Tokens, Users } from 'node-appwrite';
import { orNull } from '#lib/appwrite-errors.ts';
import { registrationStore } from '#lib/registrations.ts';
import { withRetry } from '#lib/retry.ts';
import { BucketId, DATABASE_ID, TableId } from '#shared/ids.ts';
import type { CommentRow, PostCascadeRepo } from '../../_lib/post-cascade.ts';
import { createPostsRepo } from '../../posts/src/posts-repo.ts';

/** A post as the cleanup needs it; a `hidden` one is already out of the counts (moderation). */
export interface PostRef {
  $id: string;
  authorId: string;
  hidden?: boolean;
}

/** A like row as the cleanup needs it. */
export interface LikeRef {
  $id: string;
  postId: string;
}

/** An export job as the cleanup needs it: the row, and the CSV file it made, if any. */
export interface JobRef {
  $id: string;
  fileId: string | null;
}

/**
 * What `on-user-deleted` asks of Appwrite: the post cascade's operations (the `posts` function's own
 * node-appwrite implementation) plus reads by user, bulk deletes by id, and the profile's removal.
 */
export interface OnUserDeletedRepo extends PostCascadeRepo {
  /** Whether the user still exists (Users API, scope `users.read`). */
  userExists(userId: string): Promise<boolean>;
  /** The first page of the user's posts. */
  listPostsBy(userId: string, limit: number): Promise<PostRef[]>;
  /** The first page of the user's comments (on anyone's posts). */
  listCommentsBy(userId: string, limit: number): Promise<CommentRow[]>;
  /** The first page of the user's likes. */
  listLikesBy(userId: string, limit: number): Promise<LikeRef[]>;
  /** The posts among `postIds` that exist (at most 100 ids). */
  getPosts(postIds: readonly string[]): Promise<PostRef[]>;
  /**
   * Deletes the comments with these ids in one bulk call (at most 100) and returns the ones this call
   * deleted — a comment someone else deleted first is not among them.
   */
  deleteComments(commentIds: readonly string[]): Promise<{ $id: string; postId: string }[]>;
  /** Deletes the likes with these ids in one bulk call, as `deleteComments`. */
  deleteLikes(likeIds: readonly string[]): Promise<LikeRef[]>;
  /** The profile's avatar file id; `undefined` when there is no profile. */
  getAvatarId(userId: string): Promise<string | null | undefined>;
  /** `true` when this call deleted the profile row, `false` when it was already gone. */
  deleteProfile(userId: string): Promise<boolean>;
  /** `true` when this call deleted the file, `false` when it was already gone. */
  deleteAvatarFile(fileId: string): Promise<boolean>;
  /** The first page of the jobs the user asked for (index `by_requester`). */
  listJobsBy(userId: string, limit: number): Promise<JobRef[]>;
  /** `true` when this call deleted the job row, `false` when it was already gone. */
  deleteJob(jobId: string): Promise<boolean>;
  /**
   * Revokes every file token of an export (its cookie-free download links), then deletes the file;
   * `true` when this call deleted it (scopes `tokens.read`, `tokens.write`, `files.write`).
   */
  deleteExportFile(fileId: string): Promise<boolean>;
  /** Removes the id's open registration, if the gate never consumed it; already gone is fine. */
  removeRegistration(userId: string): Promise<void>;
  /** Deletes every notification addressed to the user; how many went. */
  deleteNotificationsOf(userId: string): Promise<number>;
}

/**
 * The repository over `node-appwrite`, with the execution's client. Every read here and every delete
 * by id is idempotent, so each is retried on transient failures (`withRetry`); the counters move
 * through the posts repository's `bump`, which is never retried.
 */
export function createOnUserDeletedRepo(client: Client): OnUserDeletedRepo {
  const posts = createPostsRepo(client);
  const tables = new TablesDB(client);
  const storage = new Storage(client);
  const users = new Users(client);
  const tokens = new Tokens(client);
  const registrations = registrationStore(tables);
  const databaseId = DATABASE_ID;

  const firstPage = (tableId: string, queries: string[]) =>
    withRetry(() => tables.listRows({ databaseId, tableId, queries, total: false }));

  /** Bulk-deletes rows by id (Appwrite answers with the rows it deleted). */
  const bulkDelete = async (tableId: string, ids: readonly string[]) => {
    if (ids.length === 0) return [];
    const list = await withRetry(() =>
      tables.deleteRows({
        databaseId,
        tableId,
        queries: [Query.equal('$id', [...ids]), Query.limit(ids.length)],
      }),
    );
    return list.rows;
  };

  return {
    async deleteNotificationsOf(userId) {
      // A bulk delete by query: a repeat after a lost answer finds none left, so it is retried.
      const list = await withRetry(() =>
        tables.deleteRows({
          databaseId,
          tableId: TableId.notifications,
          queries: [Query.equal('recipientId', userId)],
        }),
      );
      return list.total;
    },
    deletePost: (postId) => withRetry(() => posts.deletePost(postId)),
    listComments: (postId, limit) => withRetry(() => posts.listComments(postId, limit)),
    deleteComment: (commentId) => withRetry(() => posts.deleteComment(commentId)),
    listLikeIds: (postId, limit) => withRetry(() => posts.listLikeIds(postId, limit)),
    deleteLikeById: (likeId) => withRetry(() => posts.deleteLikeById(likeId)),
    bump: (counter, delta) => posts.bump(counter, delta),
    // Not retried: a staged operation sent twice would count twice (posts-transactions.ts repairs).
    atomically: (write) => posts.atomically(write),

    async userExists(userId) {
      return (await withRetry(() => orNull(() => users.get({ userId })))) !== null;
    },
    async listPostsBy(userId, limit) {
      const list = await firstPage(TableId.posts, [
        Query.equal('authorId', userId),
        Query.limit(limit),
        Query.select(['$id', 'authorId', 'hidden']),
      ]);
      return list.rows.map((row) => ({
        $id: row.$id,
        authorId: String(row.authorId),
        hidden: row.hidden === true,
      }));
    },
    async listCommentsBy(userId, limit) {
      const list = await firstPage(TableId.comments, [
        Query.equal('authorId', userId),
        Query.limit(limit),
      ]);
      return list.rows.map((row) => ({
        $id: row.$id,
        $createdAt: row.$createdAt,
        $updatedAt: row.$updatedAt,
        postId: String(row.postId),
        authorId: String(row.authorId),
        body: String(row.body),
        hidden: row.hidden === true,
      }));
    },
    async listLikesBy(userId, limit) {
      const list = await firstPage(TableId.likes, [
        Query.equal('userId', userId),
        Query.limit(limit),
        Query.select(['$id', 'postId']),
      ]);
      return list.rows.map((row) => ({ $id: row.$id, postId: String(row.postId) }));
    },
    async getPosts(postIds) {
      if (postIds.length === 0) return [];
      const list = await firstPage(TableId.posts, [
        Query.equal('$id', [...postIds]),
        Query.limit(postIds.length),
        Query.select(['$id', 'authorId', 'hidden']),
      ]);
      return list.rows.map((row) => ({
        $id: row.$id,
        authorId: String(row.authorId),
        hidden: row.hidden === true,
      }));
    },
    async deleteComments(commentIds) {
      // By fixed ids, so a retry after a lost answer deletes nothing new (and counts nothing twice).
      const list = await bulkDelete(TableId.comments, commentIds);
      return list.map((row) => ({ $id: row.$id, postId: String(row.postId) }));
    },
    async deleteLikes(likeIds) {
      const list = await bulkDelete(TableId.likes, likeIds);
      return list.map((row) => ({ $id: row.$id, postId: String(row.postId) }));
    },
    async getAvatarId(userId) {
      const row = await withRetry(() =>
        orNull(() =>
          tables.getRow({
            databaseId,
            tableId: TableId.profiles,
            rowId: userId,
            queries: [Query.select(['avatarId'])],
          }),
        ),
      );
      if (row === null) return undefined;
      const avatarId = (row as Record<string, unknown>).avatarId;
      return typeof avatarId === 'string' && avatarId !== '' ? avatarId : null;
    },
    async deleteProfile(userId) {
      const deleted = await withRetry(() =>
        orNull(() => tables.deleteRow({ databaseId, tableId: TableId.profiles, rowId: userId })),
      );
      return deleted !== null;
    },
    async deleteAvatarFile(fileId) {
      const deleted = await withRetry(() =>
        orNull(() => storage.deleteFile({ bucketId: BucketId.avatars, fileId })),
      );
      return deleted !== null;
    },
    async listJobsBy(userId, limit) {
      const list = await firstPage(TableId.jobs, [
        Query.equal('requestedBy', userId),
        Query.limit(limit),
        Query.select(['$id', 'fileId']),
      ]);
      return list.rows.map((row) => {
        const fileId = (row as Record<string, unknown>).fileId;
        return {
          $id: row.$id,
          fileId: typeof fileId === 'string' && fileId !== '' ? fileId : null,
        };
      });
    },
    async deleteJob(jobId) {
      const deleted = await withRetry(() =>
        orNull(() => tables.deleteRow({ databaseId, tableId: TableId.jobs, rowId: jobId })),
      );
      return deleted !== null;
    },
    async deleteExportFile(fileId) {
      const bucketId = BucketId.exports;
      // Appwrite keeps a file's tokens in their own collection: revoke them by name rather than
      // trusting the file's deletion to take them along. An export has one; a page of 100 is plenty,
      // and each run of this function starts again from the first page.
      const list = await withRetry(() =>
        orNull(() => tokens.list({ bucketId, fileId, queries: [Query.limit(100)] })),
      );
      for (const token of list?.tokens ?? []) {
        await withRetry(() => orNull(() => tokens.delete({ tokenId: token.$id })));
      }
      const deleted = await withRetry(() => orNull(() => storage.deleteFile({ bucketId, fileId })));
      return deleted !== null;
    },
    removeRegistration: (userId) => registrations.remove(userId),
  };
}
