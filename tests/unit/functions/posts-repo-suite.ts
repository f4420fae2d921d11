/**
 * The behaviour every `PostsRepo` must have, as one suite: the in-memory fake runs it in the unit
 * tests (posts-fake-repo.test.ts) and the node-appwrite repository runs it against the local Appwrite
 * (tests/contract/functions-posts.test.ts), so the fake cannot drift from what Appwrite does.
 */
import { describe, expect, test, vi } from 'vitest';
import { cascadeWrite, removePostWithContent } from '../../../functions/_lib/post-cascade.ts';
import {
  commentWrite,
  likeRowId,
  likeWrite,
  newRowId,
  uncommentWrite,
  unlikeWrite,
} from '../../../functions/_lib/post-writes.ts';
import type { CounterRef, PostsRepo } from '../../../functions/posts/src/posts-repo.ts';

export interface RepoUnderTest {
  repo: PostsRepo;
  /** A user with the `admin` label. */
  adminId: string;
  /** A user without it. */
  userId: string;
  /** A user whose `profiles` row exists. */
  profiledUserId: string;
  /** A counter as stored, read beside the repository (`null` when its row is missing). */
  read: (counter: CounterRef) => Promise<number | null>;
  /** How many transactions are open (pending), read beside the repository. */
  openTransactions: () => Promise<number>;
}

export function postsRepoSuite(name: string, setup: () => Promise<RepoUnderTest>): void {
  describe(`PostsRepo contract: ${name}`, () => {
    const newPost = (repo: PostsRepo, authorId: string) =>
      repo.createPost({
        authorId,
        title: 'A title',
        body: 'A body',
        tags: ['a'],
        likesCount: 0,
        commentsCount: 0,
      });

    test('a post round-trips; a missing one is null for get, update and delete', async () => {
      const { repo, userId } = await setup();
      const post = await newPost(repo, userId);
      expect(await repo.getPost(post.$id)).toEqual(post);
      const updated = await repo.updatePost(post.$id, { title: 'New title' });
      expect(updated).toMatchObject({ $id: post.$id, title: 'New title', body: 'A body' });
      expect(await repo.getPost('missing-post')).toBeNull();
      expect(await repo.updatePost('missing-post', { title: 'x' })).toBeNull();
      expect(await repo.deletePost(post.$id)).toBe(true);
      expect(await repo.deletePost(post.$id)).toBe(false);
      expect(await repo.getPost(post.$id)).toBeNull();
    });

    test('a like is created once and deleted once', async () => {
      const { repo, userId, adminId } = await setup();
      const post = await newPost(repo, userId);
      expect(await repo.createLike(post.$id, userId)).toBe(true);
      expect(await repo.createLike(post.$id, userId)).toBe(false);
      expect(await repo.createLike(post.$id, adminId)).toBe(true);
      expect((await repo.listLikeIds(post.$id, 10)).length).toBe(2);
      expect(await repo.deleteLike(post.$id, userId)).toBe(true);
      expect((await repo.listLikeIds(post.$id, 10)).length).toBe(1);
      expect(await repo.deleteLike(post.$id, userId)).toBe(false);
      const [left] = await repo.listLikeIds(post.$id, 10);
      expect(left).toBeDefined();
      expect(await repo.deleteLikeById(left ?? '')).toBe(true);
      expect(await repo.deleteLikeById(left ?? '')).toBe(false);
    });

    test('comments: create, get, list per post, delete once', async () => {
      const { repo, userId } = await setup();
      const post = await newPost(repo, userId);
      const other = await newPost(repo, userId);
      const comment = await repo.createComment({ postId: post.$id, authorId: userId, body: 'Hi' });
      await repo.createComment({ postId: other.$id, authorId: userId, body: 'Elsewhere' });
      expect(await repo.getComment(comment.$id)).toEqual(comment);
      expect((await repo.listComments(post.$id, 10)).map((c) => c.$id)).toEqual([comment.$id]);
      expect(await repo.deleteComment(comment.$id)).toBe(true);
      expect(await repo.deleteComment(comment.$id)).toBe(false);
      expect(await repo.getComment(comment.$id)).toBeNull();
    });

    test('counters move atomically, never below 0; missing rows are null; stats always exists', async () => {
      const { repo, userId, profiledUserId } = await setup();
      const post = await newPost(repo, userId);
      expect(await repo.bump({ table: 'posts', rowId: post.$id, column: 'likesCount' }, 1)).toBe(1);
      expect(await repo.bump({ table: 'posts', rowId: post.$id, column: 'likesCount' }, -3)).toBe(
        0,
      );
      expect(
        await repo.bump({ table: 'posts', rowId: 'missing-post', column: 'likesCount' }, 1),
      ).toBeNull();
      expect(
        await repo.bump({ table: 'profiles', rowId: 'missing-user', column: 'postsCount' }, 1),
      ).toBeNull();
      expect(
        await repo.bump({ table: 'profiles', rowId: profiledUserId, column: 'postsCount' }, 2),
      ).toBe(2);
      const likes = await repo.bump({ table: 'stats', column: 'likes' }, 1);
      expect(likes).toBeGreaterThanOrEqual(1);
      expect(await repo.bump({ table: 'stats', column: 'likes' }, -1)).toBe((likes ?? 0) - 1);
    });

    test('an atomic write moves its rows and counters together, or nothing', async () => {
      const { repo, userId, adminId, profiledUserId, read } = await setup();
      const post = { ...(await newPost(repo, profiledUserId)) };
      const likes = async () => (await repo.listLikeIds(post.$id, 10)).length;
      const counter = async () => (await repo.getPost(post.$id))?.likesCount;
      const received = () =>
        read({ table: 'profiles', rowId: profiledUserId, column: 'likesReceived' });
      const statsLikes = () => read({ table: 'stats', column: 'likes' });
      const stats0 = (await statsLikes()) ?? 0;

      expect(await repo.atomically(likeWrite(post, userId))).toEqual({ status: 'done' });
      expect([await likes(), await counter(), await received()]).toEqual([1, 1, 1]);
      expect(await statsLikes()).toBe(stats0 + 1);
      // A second like of the same (post, user) is refused whole.
      expect(await repo.atomically(likeWrite(post, userId))).toEqual({
        status: 'exists',
        rowId: likeRowId(post.$id, userId),
      });
      expect([await likes(), await counter(), await received()]).toEqual([1, 1, 1]);
      // A counter that drifted to 0 stops there; the row still goes.
      await repo.bump({ table: 'posts', rowId: post.$id, column: 'likesCount' }, -1);
      expect(await repo.atomically(unlikeWrite(post, userId))).toEqual({ status: 'done' });
      expect([await likes(), await counter(), await received()]).toEqual([0, 0, 0]);
      expect(await repo.atomically(unlikeWrite(post, userId))).toEqual({
        status: 'missing',
        rowId: likeRowId(post.$id, userId),
      });
      // An author without a profile row: the like still counts on the post.
      const orphan = { $id: post.$id, authorId: 'no-profile' };
      expect(await repo.atomically(likeWrite(orphan, adminId))).toEqual({ status: 'done' });
      expect([await likes(), await counter()]).toEqual([1, 1]);
      // A post that is gone: nothing is written, not even the like row.
      const gone = { $id: 'missing-post', authorId: profiledUserId };
      expect(await repo.atomically(likeWrite(gone, userId))).toEqual({
        status: 'missing',
        rowId: 'missing-post',
      });
      expect(await repo.listLikeIds('missing-post', 10)).toEqual([]);
      expect(await received()).toBe(0);
    });

    test('a prepared atomic write writes as `atomically` does; released unused, nothing stays open', async () => {
      const { repo, userId, profiledUserId, openTransactions } = await setup();
      const post = await newPost(repo, profiledUserId);
      const open0 = await openTransactions();
      const used = repo.prepareAtomic();
      expect(await used.atomically(likeWrite(post, userId))).toEqual({ status: 'done' });
      await used.release();
      expect(await repo.listLikeIds(post.$id, 10)).toEqual([likeRowId(post.$id, userId)]);
      expect((await repo.getPost(post.$id))?.likesCount).toBe(1);
      const again = repo.prepareAtomic();
      expect(await again.atomically(likeWrite(post, userId))).toEqual({
        status: 'exists',
        rowId: likeRowId(post.$id, userId),
      });
      const unused = repo.prepareAtomic();
      // It is being opened (its call is in flight): wait until it is.
      await vi.waitFor(async () => expect(await openTransactions()).toBe(open0 + 1));
      await unused.release();
      expect(await openTransactions()).toBe(open0);
      expect((await repo.getPost(post.$id))?.likesCount).toBe(1);
    });

    test('a comment and its counters are one write; deleting it takes them back', async () => {
      const { repo, profiledUserId, read } = await setup();
      const post = await newPost(repo, profiledUserId);
      const id = newRowId();
      const fields = { postId: post.$id, authorId: profiledUserId, body: 'Hi' };
      expect(await repo.atomically(commentWrite(id, fields))).toEqual({ status: 'done' });
      const comment = await repo.getComment(id);
      expect(comment).toMatchObject({ $id: id, ...fields });
      const commentsCount = () =>
        read({ table: 'profiles', rowId: profiledUserId, column: 'commentsCount' });
      expect([(await repo.getPost(post.$id))?.commentsCount, await commentsCount()]).toEqual([
        1, 1,
      ]);
      expect(
        await repo.atomically(commentWrite(newRowId(), { ...fields, postId: 'missing-post' })),
      ).toEqual({ status: 'missing', rowId: 'missing-post' });
      expect(await repo.atomically(uncommentWrite({ $id: id, ...fields }))).toEqual({
        status: 'done',
      });
      expect([(await repo.getPost(post.$id))?.commentsCount, await commentsCount()]).toEqual([
        0, 0,
      ]);
      expect(await repo.getComment(id)).toBeNull();
    });

    test('a post is deleted with its comments and likes, the counters following', async () => {
      const { repo, userId, adminId, profiledUserId, read } = await setup();
      const post = await newPost(repo, profiledUserId);
      await repo.bump({ table: 'profiles', rowId: profiledUserId, column: 'postsCount' }, 1);
      for (const by of [userId, adminId]) {
        await repo.atomically(likeWrite(post, by));
        await repo.atomically(
          commentWrite(newRowId(), { postId: post.$id, authorId: profiledUserId, body: 'c' }),
        );
      }
      const profile = (column: 'postsCount' | 'commentsCount' | 'likesReceived') =>
        read({ table: 'profiles', rowId: profiledUserId, column });
      expect([await profile('postsCount'), await profile('commentsCount')]).toEqual([1, 2]);
      expect(await profile('likesReceived')).toBe(2);
      // One step fits it all: the post, 2 comments, 2 likes and 5 counters.
      const comments = await repo.listComments(post.$id, 10);
      const likeIds = await repo.listLikeIds(post.$id, 10);
      expect(cascadeWrite(post, true, comments, likeIds).rows).toHaveLength(5);
      expect(await removePostWithContent(repo, post)).toBe(true);
      expect(await repo.getPost(post.$id)).toBeNull();
      expect(await repo.listComments(post.$id, 10)).toEqual([]);
      expect(await repo.listLikeIds(post.$id, 10)).toEqual([]);
      expect([
        await profile('postsCount'),
        await profile('commentsCount'),
        await profile('likesReceived'),
      ]).toEqual([0, 0, 0]);
      expect(await removePostWithContent(repo, post)).toBe(false);
    });

    test('getMember reads the labels and the email verification', async () => {
      const { repo, userId, adminId } = await setup();
      expect(await repo.getMember(adminId)).toEqual({
        userId: adminId,
        labels: ['member', 'admin'],
        emailVerification: true,
      });
      expect(await repo.getMember(userId)).toEqual({
        userId,
        labels: ['member'],
        emailVerification: true,
      });
    });
  });
}
