import { describe, expect, it } from 'vitest';
import { rollback, settle, toggle } from '../../../client/src/lib/like-state.ts';

describe('optimistic like steps', () => {
  it('a click on an unliked post likes it and adds one', () => {
    expect(toggle({ liked: false, likesCount: 4 })).toEqual({ liked: true, likesCount: 5 });
  });

  it('a click on a liked post unlikes it and takes one off, never below 0', () => {
    expect(toggle({ liked: true, likesCount: 5 })).toEqual({ liked: false, likesCount: 4 });
    expect(toggle({ liked: true, likesCount: 0 })).toEqual({ liked: false, likesCount: 0 });
  });

  it('the server’s state settles it, even when others liked meanwhile', () => {
    expect(settle({ liked: true, likesCount: 5 }, { liked: true, likesCount: 9 })).toEqual({
      liked: true,
      likesCount: 9,
    });
  });

  it('an error rolls back to the view before the click', () => {
    const before = { liked: false, likesCount: 4 };
    const optimistic = toggle(before);
    expect(rollback(before)).toEqual(before);
    expect(rollback(before)).not.toEqual(optimistic);
  });
});
