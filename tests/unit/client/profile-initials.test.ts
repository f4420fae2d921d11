import { describe, expect, it } from 'vitest';
import { avatarHue, initials } from '../../../client/src/lib/profile-initials.ts';

describe('initials', () => {
  it.each([
    ['Ada Lovelace', 'AL'],
    ['plato', 'P'],
    ['  grace   brewster murray hopper ', 'GH'],
    ['émile zola', 'ÉZ'],
    ['', '?'],
    ['   ', '?'],
  ])('%j → %s', (name, expected) => {
    expect(initials(name)).toBe(expected);
  });

  it('keeps an emoji whole instead of half a surrogate pair', () => {
    expect(initials('🦊 fox')).toBe('🦊F');
  });
});

describe('avatarHue', () => {
  it('is stable per id and within 0–359', () => {
    expect(avatarHue('user-1')).toBe(avatarHue('user-1'));
    for (const id of ['a', 'user-1', 'x'.repeat(36)]) {
      expect(avatarHue(id)).toBeGreaterThanOrEqual(0);
      expect(avatarHue(id)).toBeLessThan(360);
    }
    expect(avatarHue('user-1')).not.toBe(avatarHue('user-2'));
  });
});
