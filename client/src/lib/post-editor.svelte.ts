import type { Post } from '#shared/schemas/post.ts';
import { PostCreate, PostUpdate } from '#shared/schemas/post.ts';
import { createPost, getPost, updatePost } from './api/posts.ts';
import { toApiError } from './api-error.ts';
import type { DraftStore } from './drafts.ts';
import { messageFor } from './error-messages.ts';
import { type FormErrors, formErrors, parseTags, validate } from './forms.ts';

/**
 * The compose / edit form's state: fields, field errors from the shared `PostCreate` / `PostUpdate`
 * schemas before any request, the server's `fields` after, and the save itself. Editing loads the
 * post first and sends only what changed. Composing keeps a draft (`drafts`, lib/drafts.ts): it is
 * restored on construction, `keep()` stores the fields as they change, and publishing or
 * `discard()` removes it.
 */
export class PostEditor {
  title = $state('');
  body = $state('');
  tags = $state<string[]>([]);
  /** Tag text typed but not yet a chip; counted on save. */
  pendingTag = $state('');
  errors = $state<FormErrors>({});
  problem = $state('');
  saving = $state(false);
  loading = $state(false);
  /** The post being edited (null when composing). */
  original = $state.raw<Post | null>(null);
  #touched = false;

  /** A draft was restored when the page opened. */
  restored = $state(false);

  readonly postId: string | null;
  readonly #drafts: DraftStore | null;

  constructor(postId: string | null, drafts: DraftStore | null = null) {
    this.postId = postId;
    this.#drafts = postId === null ? drafts : null;
    const draft = this.#drafts?.load();
    if (draft) {
      this.title = draft.title;
      this.body = draft.body;
      this.tags = [...draft.tags];
      this.pendingTag = draft.pendingTag;
      this.restored = true;
    }
  }

  /** Stores the fields as the draft (composing only; an empty form removes it). */
  keep(): void {
    this.#drafts?.save({
      title: this.title,
      body: this.body,
      tags: [...this.tags],
      pendingTag: this.pendingTag,
    });
  }

  /** Empties the form and forgets the draft. */
  discard(): void {
    this.title = '';
    this.body = '';
    this.tags = [];
    this.pendingTag = '';
    this.errors = {};
    this.problem = '';
    this.restored = false;
    this.#touched = false;
    this.#drafts?.clear();
  }

  get editing(): boolean {
    return this.postId !== null;
  }

  async load(): Promise<void> {
    if (!this.postId) return;
    this.loading = true;
    try {
      const post = await getPost(this.postId);
      this.original = post;
      this.title = post.title;
      this.body = post.body;
      this.tags = [...post.tags];
    } catch (error) {
      this.problem = messageFor(toApiError(error));
    } finally {
      this.loading = false;
    }
  }

  /** All tags, the typed remainder included. */
  allTags(): string[] {
    const extra = parseTags(this.pendingTag).filter((tag) => !this.tags.includes(tag));
    return [...this.tags, ...extra];
  }

  /** The input as the function will receive it. */
  input(): Record<string, unknown> {
    const full = { title: this.title, body: this.body, tags: this.allTags() };
    const original = this.original;
    if (!original) return full;
    const changed: Record<string, unknown> = {};
    if (full.title.trim() !== original.title) changed.title = full.title;
    if (full.body.trim() !== original.body) changed.body = full.body;
    if (full.tags.join(',') !== original.tags.join(',')) changed.tags = full.tags;
    return changed;
  }

  /** Re-checks after the first save attempt, as the person types. */
  recheck(): void {
    if (!this.#touched) return;
    const checked = this.#check();
    this.errors = checked.ok ? {} : checked.errors;
  }

  /** Validates and saves; the saved post, or null (errors are then set). */
  async save(): Promise<Post | null> {
    this.#touched = true;
    this.problem = '';
    const checked = this.#check();
    if (!checked.ok) {
      this.errors = checked.errors;
      return null;
    }
    this.errors = {};
    this.saving = true;
    try {
      const post = this.postId
        ? await updatePost(this.postId, checked.data)
        : await createPost(checked.data as PostCreate);
      this.#drafts?.clear();
      return post;
    } catch (error) {
      const apiError = toApiError(error);
      if (Object.keys(apiError.fields).length > 0) this.errors = formErrors(apiError.fields);
      else this.problem = messageFor(apiError);
      return null;
    } finally {
      this.saving = false;
    }
  }

  #check() {
    // The editor validates the whole post (so an emptied title is caught) and sends what changed.
    const whole = validate(PostCreate, {
      title: this.title,
      body: this.body,
      tags: this.allTags(),
    });
    if (!whole.ok || !this.postId) return whole;
    const changed = validate(PostUpdate, this.input());
    if (!changed.ok && changed.errors[''])
      return { ok: false as const, errors: { form: changed.errors[''] } };
    return changed;
  }
}
