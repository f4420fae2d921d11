import { describe, expect, it } from 'vitest';
import { passwordChecklist } from '../../../client/src/lib/admin-password-checklist.ts';

const unmet = (password: string) =>
  passwordChecklist(password)
    .filter((rule) => !rule.met)
    .map((rule) => rule.code);

describe('passwordChecklist follows the shared Password schema', () => {
  it('an empty password meets only the upper bound', () => {
    expect(unmet('')).toEqual([
      'too_small',
      'password_uppercase',
      'password_lowercase',
      'password_digit',
    ]);
  });

  it('ticks rules off one by one', () => {
    expect(unmet('abc')).toEqual(['too_small', 'password_uppercase', 'password_digit']);
    expect(unmet('abcdefgH')).toEqual(['password_digit']);
    expect(unmet('Agora-admin-1')).toEqual([]);
  });

  it('flags a password over the maximum', () => {
    expect(unmet(`Aa1${'x'.repeat(200)}`)).toEqual(['too_big']);
  });
});
