/**
 * Paging by cursor, backwards too. Appwrite counts a list's `total` only up to 5,000 and the admin
 * function pages users by cursor, so "previous" cannot be an offset: the table keeps the cursor that
 * opened each page it has seen. The first page's cursor is `null`. Immutable, so a `$state.raw` field
 * can hold it and every step is a new value.
 */
export type CursorStack = readonly (string | null)[];

/** A stack standing on the first page (also what a new search resets to). */
export function firstPage(): CursorStack {
  return [null];
}

/** The cursor to request the page being shown with. */
export function currentCursor(stack: CursorStack): string | null {
  return stack[stack.length - 1] ?? null;
}

/** One page on, opened by the current page's `nextCursor`. */
export function forward(stack: CursorStack, nextCursor: string): CursorStack {
  return [...stack, nextCursor];
}

/** One page back; on the first page, the same stack. */
export function back(stack: CursorStack): CursorStack {
  return stack.length > 1 ? stack.slice(0, -1) : stack;
}

/** Whether there is a page before this one. */
export function hasPrevious(stack: CursorStack): boolean {
  return stack.length > 1;
}

/** The 1-based number of the page being shown. */
export function pageNumber(stack: CursorStack): number {
  return stack.length;
}
