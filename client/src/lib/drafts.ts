/**
 * The compose page's draft — title, body, tags and the tag being typed — kept per member in this
 * browser's localStorage (`agora:draft:<userId>`), so leaving the page, a reload or a crash loses
 * nothing; publishing or "Discard draft" removes it. Another member signing in on the same browser
 * sees their own draft, never this one. A storage that refuses (private mode, a full quota) only
 * means the draft is not kept.
 */
export interface Draft {
  title: string;
  body: string;
  tags: string[];
  pendingTag: string;
}

/** One member's draft slot. */
export interface DraftStore {
  load(): Draft | null;
  /** Keeps the draft; an empty one is removed. */
  save(draft: Draft): void;
  clear(): void;
}

export const draftKey = (userId: string) => `agora:draft:${userId}`;

export function draftStore(
  userId: string,
  storage: Storage | undefined = globalThis.localStorage,
): DraftStore {
  const key = draftKey(userId);
  return {
    load() {
      try {
        return parse(storage?.getItem(key) ?? null);
      } catch {
        return null;
      }
    },
    save(draft) {
      try {
        if (isEmpty(draft)) storage?.removeItem(key);
        else storage?.setItem(key, JSON.stringify(draft));
      } catch {
        // Not kept; the page still works.
      }
    },
    clear() {
      try {
        storage?.removeItem(key);
      } catch {
        // Nothing to clear.
      }
    },
  };
}

export function isEmpty(draft: Draft): boolean {
  return (
    !draft.title.trim() && !draft.body.trim() && draft.tags.length === 0 && !draft.pendingTag.trim()
  );
}

/** A stored draft, or null when there is none or it is not one (hand-edited, an older shape). */
function parse(text: string | null): Draft | null {
  if (!text) return null;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) return null;
  const { title, body, tags, pendingTag } = value as Record<string, unknown>;
  if (typeof title !== 'string' || typeof body !== 'string') return null;
  return {
    title,
    body,
    tags: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [],
    pendingTag: typeof pendingTag === 'string' ? pendingTag : '',
  };
}
