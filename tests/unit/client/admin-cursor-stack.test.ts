import { describe, expect, it } from 'vitest';
import {
  back,
  currentCursor,
  firstPage,
  forward,
  hasPrevious,
  pageNumber,
} from '../../../client/src/lib/admin-cursor-stack.ts';

describe('cursor stack', () => {
  it('starts on page 1 with no cursor and no previous page', () => {
    const stack = firstPage();
    expect(currentCursor(stack)).toBeNull();
    expect(hasPrevious(stack)).toBe(false);
    expect(pageNumber(stack)).toBe(1);
  });

  it('walks forward by next cursors and back to the exact cursors it came through', () => {
    let stack = firstPage();
    stack = forward(stack, 'u25');
    stack = forward(stack, 'u50');
    expect(currentCursor(stack)).toBe('u50');
    expect(pageNumber(stack)).toBe(3);
    stack = back(stack);
    expect(currentCursor(stack)).toBe('u25');
    stack = back(stack);
    expect(currentCursor(stack)).toBeNull();
    expect(hasPrevious(stack)).toBe(false);
  });

  it('does not go back past the first page, and never mutates', () => {
    const first = firstPage();
    expect(back(first)).toEqual([null]);
    const second = forward(first, 'u25');
    back(second);
    expect(second).toEqual([null, 'u25']);
    expect(first).toEqual([null]);
  });
});
