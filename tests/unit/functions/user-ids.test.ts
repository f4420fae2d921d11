import * as crypto from 'node:crypto';
import { describe, expect, test, vi } from 'vitest';
import { deriveUserId, isDerivedUserId, readIdSecret, USER_ID_LENGTH } from '#lib/user-ids.ts';

vi.mock('node:crypto', { spy: true });

const SECRET = 'a'.repeat(64);
const OTHER_SECRET = 'b'.repeat(64);

describe('derived user ids', () => {
  test('a derived id is 36 lower-case hex characters and verifies with its secret', () => {
    const id = deriveUserId(SECRET);
    expect(id).toMatch(/^[0-9a-f]{36}$/);
    expect(id).toHaveLength(USER_ID_LENGTH);
    expect(isDerivedUserId(SECRET, id)).toBe(true);
  });

  test('each call uses a fresh nonce', () => {
    const ids = new Set(Array.from({ length: 100 }, () => deriveUserId(SECRET)));
    expect(ids.size).toBe(100);
  });

  test('the same nonce gives the same id (deterministic tag)', () => {
    expect(deriveUserId(SECRET, '0123456789abcdef')).toBe(deriveUserId(SECRET, '0123456789abcdef'));
  });

  test('another secret does not verify it', () => {
    expect(isDerivedUserId(OTHER_SECRET, deriveUserId(SECRET))).toBe(false);
  });

  test.each([
    ['one tag character changed', (id: string) => id.slice(0, 35) + (id[35] === '0' ? '1' : '0')],
    ['one nonce character changed', (id: string) => (id[0] === '0' ? '1' : '0') + id.slice(1)],
    ['upper-cased', (id: string) => id.toUpperCase()],
    ['cut short', (id: string) => id.slice(0, 35)],
    ['one character longer', (id: string) => `${id}0`],
    ['an Appwrite unique() id', () => '6650b1c2d3e4f5a6b7c8'],
    ['36 hex characters made up', () => '0123456789abcdef0123456789abcdef0123'],
    ['empty', () => ''],
  ])('%s → not derived', (_name, tamper) => {
    expect(isDerivedUserId(SECRET, tamper(deriveUserId(SECRET)))).toBe(false);
  });

  test('the tag is compared with crypto.timingSafeEqual', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const id = deriveUserId(SECRET);
    isDerivedUserId(SECRET, id);
    isDerivedUserId(SECRET, `${id.slice(0, 35)}${id[35] === '0' ? '1' : '0'}`);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  test('a nonce that is not 16 hex characters is refused', () => {
    expect(() => deriveUserId(SECRET, 'xyz')).toThrow(/nonce/);
  });
});

describe('AGORA_ID_SECRET', () => {
  test('read when set', () => {
    expect(readIdSecret({ AGORA_ID_SECRET: SECRET })).toBe(SECRET);
  });

  test('missing → a message naming the variable and how to set it', () => {
    expect(() => readIdSecret({})).toThrow(/AGORA_ID_SECRET is missing.*Variables/);
  });

  test('too short → says so, without the value', () => {
    let message = '';
    try {
      readIdSecret({ AGORA_ID_SECRET: 'shortsecretvalue' });
    } catch (thrown) {
      message = (thrown as Error).message;
    }
    expect(message).toMatch(/shorter than 32 characters/);
    expect(message).not.toContain('shortsecretvalue');
  });
});
