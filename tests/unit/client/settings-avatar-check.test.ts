import { describe, expect, it } from 'vitest';
import {
  AVATAR_MAX_BYTES,
  checkAvatarBytes,
  checkAvatarFile,
  formatBytes,
  imageTypeOf,
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

describe('checkAvatarBytes: the content, not only the name', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
  const text = new TextEncoder().encode('just some notes, not a picture');

  it('a text file named .png is refused in plain words, before any upload', () => {
    const problem = checkAvatarBytes(text, { name: 'notes.png', type: 'image/png', size: 30 });
    expect(problem).toEqual({
      code: 'avatar_not_image',
      message:
        '“notes.png” isn’t a picture, whatever its name says. Choose a JPG, PNG, GIF or WebP image.',
    });
  });

  it('a real PNG passes; a JPEG named .png is told its real type', () => {
    expect(checkAvatarBytes(png, { name: 'me.png', type: 'image/png', size: 12 })).toBeNull();
    expect(imageTypeOf(jpeg)).toBe('image/jpeg');
    expect(checkAvatarBytes(jpeg, { name: 'me.png', type: 'image/png', size: 12 })?.message).toBe(
      'That file is really a JPEG image: give it a .jpg name, or choose another.',
    );
  });
});
