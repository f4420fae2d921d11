import { describe, expect, it } from 'vitest';
import {
  AVATAR_MAX_BYTES,
  checkAvatarFile,
  formatBytes,
} from '../../../client/src/lib/settings-avatar-check.ts';

describe('checkAvatarFile: what the avatars bucket would refuse, refused before uploading', () => {
  it.each([
    ['me.jpg', 'image/jpeg'],
    ['me.JPEG', 'image/jpeg'],
    ['me.png', 'image/png'],
    ['me.gif', 'image/gif'],
    ['me.webp', 'image/webp'],
  ])('accepts %s (%s)', (name, type) => {
    expect(checkAvatarFile({ name, type, size: 1000 })).toBeNull();
  });

  it('accepts exactly 2 MB and refuses one byte more, saying the sizes', () => {
    expect(
      checkAvatarFile({ name: 'a.png', type: 'image/png', size: AVATAR_MAX_BYTES }),
    ).toBeNull();
    const problem = checkAvatarFile({
      name: 'a.png',
      type: 'image/png',
      size: AVATAR_MAX_BYTES + 1,
    });
    expect(problem?.code).toBe('avatar_too_large');
    expect(problem?.message).toBe('That image is 2.0 MB; the limit is 2 MB.');
    expect(
      checkAvatarFile({ name: 'a.png', type: 'image/png', size: 3.4 * 1024 * 1024 })?.message,
    ).toBe('That image is 3.4 MB; the limit is 2 MB.');
  });

  it.each([
    ['notes.txt', 'text/plain'],
    ['vector.svg', 'image/svg+xml'],
    ['me', 'image/png'],
    ['me.png', ''],
    ['me.gif', 'image/png'],
    ['photo.heic', 'image/heic'],
  ])('refuses %s (%s) by type', (name, type) => {
    expect(checkAvatarFile({ name, type, size: 1000 })?.code).toBe('avatar_type');
  });

  it('refuses an empty file', () => {
    expect(checkAvatarFile({ name: 'a.png', type: 'image/png', size: 0 })?.code).toBe(
      'avatar_empty',
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [340 * 1024, '340 KB'],
    [2 * 1024 * 1024, '2 MB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
