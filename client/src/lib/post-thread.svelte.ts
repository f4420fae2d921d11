import { createSubscriber } from 'svelte/reactivity';
import { Channel } from '#shared/channels.ts';
import { TableId } from '#shared/ids.ts';
import type { Comment } from '#shared/schemas/comment.ts';
import { CommentCreate } from '#shared/schemas/comment.ts';
import type { Post } from '#shared/schemas/post.ts';
import { addComment, listComments, removeComment, toComment } from './api/comments.ts';
import { getPost, removePost, toPost } from './api/posts.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { authors } from './authors.svelte.ts';
import { type FormErrors, formErrors, validate } from './forms.ts';
import { Likes } from './likes.svelte.ts';
import { eventAction, subscribe } from './realtime.svelte.ts';
import { applyRowEvent } from './row-list.ts';
import { session } from './session.svelte.ts';
import { toasts } from './toasts.svelte.ts';

/**
 * One post with its comments, live: constructed by the Post page. Reading `thread.post` or
 * `thread.comments` keeps a subscription to this post's row and to the `comments` table (filtered to
 * this post) open; after a reconnect both are refetched. Adding a comment shows it as soon as the
 * function answers (Realtime then only confirms it); deleting removes it at once and puts it back
 * with a toast if the server refuses.
 */
export class PostThread {
  #post = $state.raw<Post | null>(null);
  #comments = $state.raw<Comment[]>([]);
  loading = $state(true);
  error = $state.raw<ApiError | null>(null);
  /** The post was deleted while open. */
  gone = $state(false);
  draft = $state('');
  draftError = $state('');
  sending = $state(false);
  readonly likes = new Likes((_postId, likesCount) => {
    if (this.#post) this.#post = { ...this.#post, likesCount };
  });
  readonly postId: string;

  #subscribe = createSubscriber(() =>
    subscribe<unknown>(
      [Channel.row(TableId.posts, this.postId), Channel.rows(TableId.comments)],
      (event) => {
        const action = eventAction(event);
        if (!action) return;
        const post = toPost(event.payload);
        if (post && post.$id === this.postId) {
          if (action === 'delete') this.gone = true;
          else if (!this.#post || this.#post.$updatedAt <= post.$updatedAt) this.#post = post;
          return;
        }
        const comment = toComment(event.payload);
        if (!comment) return;
        this.#comments = applyRowEvent(this.#comments, action, comment, {
          order: 'oldest-first',
          keep: (row) => row.postId === this.postId,
        });
        if (action === 'create') void authors.load([comment.authorId]);
      },
      { onReconnect: () => void this.load(false) },
    ),
  );

  constructor(postId: string) {
    this.postId = postId;
  }

  get post(): Post | null {
    this.#subscribe();
    return this.#post;
  }

  get comments(): Comment[] {
    this.#subscribe();
    return this.#comments;
  }

  /** Whether the signed-in user may delete this comment (its author, or an admin). */
  canDelete(comment: Comment): boolean {
    return session.user !== null && (comment.authorId === session.user.$id || session.isAdmin);
  }

  get isMine(): boolean {
    return session.user !== null && this.#post?.authorId === session.user.$id;
  }

  async load(showLoading = true): Promise<void> {
    if (showLoading) this.loading = true;
    try {
      const [post, comments] = await Promise.all([getPost(this.postId), listComments(this.postId)]);
      this.#post = post;
      this.#comments = comments;
      this.error = null;
      await Promise.all([
        authors.load([post.authorId, ...comments.map((comment) => comment.authorId)]),
        this.likes.load([post.$id]),
      ]);
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.status === 404) this.gone = true;
      else this.error = apiError;
    } finally {
      this.loading = false;
    }
  }

  /**
   * Applies the Like a guest clicked before signing in (the page was opened with `?like=1`): reads
   * whether they like it already, and likes it if not — once; a like is never turned into an unlike.
   */
  async applyPendingLike(): Promise<void> {
    const post = this.#post;
    if (!session.user || !post) return;
    await this.likes.load([post.$id]);
    const current = this.#post ?? post;
    if (!this.likes.view(current).liked) await this.likes.toggle(current);
  }

  /** Posts the draft; true when sent. */
  async comment(): Promise<boolean> {
    this.draftError = '';
    const checked = validate(CommentCreate, { body: this.draft });
    if (!checked.ok) {
      this.draftError = checked.errors.body ?? Object.values(checked.errors)[0] ?? '';
      return false;
    }
    this.sending = true;
    try {
      const comment = await addComment(this.postId, checked.data);
      const parsed = toComment(comment);
      if (parsed) {
        this.#comments = applyRowEvent(this.#comments, 'create', parsed, { order: 'oldest-first' });
        void authors.load([parsed.authorId]);
      }
      this.draft = '';
      return true;
    } catch (error) {
      const apiError = toApiError(error);
      const fields: FormErrors = formErrors(apiError.fields);
      if (fields.body) this.draftError = fields.body;
      else toasts.error(apiError);
      return false;
    } finally {
      this.sending = false;
    }
  }

  async deleteComment(comment: Comment): Promise<void> {
    const before = this.#comments;
    this.#comments = before.filter((item) => item.$id !== comment.$id);
    try {
      await removeComment(comment.$id);
      toasts.success('Comment deleted.');
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.status === 404) return;
      this.#comments = before;
      toasts.error(apiError);
    }
  }

  /** Deletes the post; true when gone. */
  async deletePost(): Promise<boolean> {
    try {
      await removePost(this.postId);
      return true;
    } catch (error) {
      toasts.error(error);
      return false;
    }
  }
}
