import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../../client/src/lib/appwrite.ts', () => ({
  account: { get: async () => null, updateName: async () => null },
  tables: { getRow: async () => null, listRows: async () => ({ rows: [], total: 0 }) },
  storage: {},
  functions: {},
  realtime: {},
  client: {},
}));

const { default: SignIn } = await import('../../../client/src/pages/SignIn.svelte');
const { default: TagInput } = await import('../../../client/src/components/TagInput.svelte');
const { default: LikeButton } = await import('../../../client/src/components/LikeButton.svelte');
const { default: CommentsLink } = await import(
  '../../../client/src/components/CommentsLink.svelte'
);
const { default: VerifyNotice } = await import(
  '../../../client/src/components/VerifyNotice.svelte'
);
const { session } = await import('../../../client/src/lib/session.svelte.ts');
const { verificationMail } = await import('../../../client/src/lib/verification.svelte.ts');

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

// biome-ignore lint/suspicious/noExplicitAny: any component with its props
function show(component: any, props: Record<string, unknown> = {}): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(component, { target, props });
  flushSync();
  cleanups.push(() => {
    void unmount(app);
    target.remove();
  });
  return target;
}

/** The keyboard's Tab order: focusable elements in document order (none uses a tabindex > 0). */
function tabOrder(root: HTMLElement): string[] {
  return [...root.querySelectorAll<HTMLElement>('a[href], button, input, textarea, select')]
    .filter((element) => !element.hasAttribute('disabled') && element.tabIndex >= 0)
    .map((element) => element.id || element.textContent?.trim() || element.tagName);
}

describe('sign-in by keyboard', () => {
  it('Email → Password → Sign in, then "Forgot password?"; Enter in Password submits', () => {
    const page = show(SignIn);
    const form = page.querySelector('form') as HTMLFormElement;
    expect(tabOrder(form)).toEqual([
      'signin-email',
      'signin-password',
      'Sign in',
      'Forgot password?',
    ]);
    // The submit button is the form's first button, so Enter in a field submits (not a link).
    expect(form.querySelector('button')?.getAttribute('type')).toBe('submit');
  });
});

describe('TagInput: invalid tags are not chips', () => {
  function typeTag(box: HTMLElement, text: string) {
    const input = box.querySelector('input') as HTMLInputElement;
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }),
    );
    flushSync();
    return input;
  }

  it('bad_tag and émoji🚀 stay in the box with the rule’s message; a good tag becomes a chip', () => {
    const props = $state({ tags: [] as string[], pending: '', problem: '', id: 'tags' });
    const box = show(TagInput, props);
    let input = typeTag(box, 'bad_tag');
    expect(box.querySelectorAll('.chip')).toHaveLength(0);
    expect(input.value).toBe('bad_tag');
    expect(props.problem).toBe('“bad_tag”: Tags use letters, digits and inner hyphens only.');
    input = typeTag(box, 'émoji🚀');
    expect(box.querySelectorAll('.chip')).toHaveLength(0);
    expect(props.problem).toContain('émoji🚀');
    typeTag(box, 'svelte');
    expect(
      [...box.querySelectorAll('.chip')].map((chip) => chip.textContent?.trim().slice(0, 7)),
    ).toEqual(['#svelte']);
    expect(props.tags).toEqual(['svelte']);
    expect(props.problem).toBe('');
  });
});

describe('zero counts are not shown', () => {
  it('no "0 likes" and no "0 comments"; the controls keep their names', () => {
    const like = show(LikeButton, {
      view: { liked: false, likesCount: 0 },
      onToggle: () => undefined,
    });
    expect(like.textContent).not.toMatch(/\d/);
    expect(like.querySelector('button')?.textContent).toContain('Like');
    const comments = show(CommentsLink, { postId: 'p1', count: 0 });
    expect(comments.textContent?.trim()).toBe('Comments');
    const some = show(CommentsLink, { postId: 'p1', count: 2 });
    expect(some.textContent?.trim()).toBe('2 comments');
  });
});

describe('the verification notice right after sign-up', () => {
  it('says the link was sent instead of offering to send one', () => {
    session.user = { $id: 'u1', email: 'nora@example.com', emailVerification: false } as never;
    const before = show(VerifyNotice);
    expect(before.textContent).toContain('Send the verification email');
    verificationMail.sent('nora@example.com');
    const after = show(VerifyNotice);
    expect(after.textContent).toContain('We sent a verification link to nora@example.com');
    expect(after.querySelector('a')).toBeNull();
    session.user = null;
  });
});
