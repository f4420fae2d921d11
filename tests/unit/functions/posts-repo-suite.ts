/**
 * The behaviour every `PostsRepo` must have, as one suite: the in-memory fake runs it in the unit
 * tests (posts-fake-repo.test.ts) and the node-appwrite repository runs it against the local Appwrite
 * (tests/contract/functions-posts.test.ts), so the fake cannot drift from what Appwrite does.
 */
import { describe, expect, test } from 'vitest';
import type { PostsRepo } from '../../../functions/posts/src/posts-repo.ts';

export interface RepoUnderTest {
  repo: PostsRepo;
  /** A user with the `admin` label. */
  adminId: string;
  /** A user without it. */
  userId: string;
  /** A user whose `profiles` row exists. */
  profiledUserId: string;
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
      expect(await repo.countLikes(post.$id)).toBe(2);
      expect(await repo.deleteLike(post.$id, userId)).toBe(true);
      expect(await repo.countLikes(post.$id)).toBe(1);
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
