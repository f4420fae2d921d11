import { describe, expect, it } from 'vitest';
import {
  errorFor,
  formErrors,
  parseTags,
  passwordChecklist,
  tagErrors,
  validate,
} from '../../../client/src/lib/forms.ts';
import { Registration } from '../../../shared/schemas/account.ts';
import { PostCreate } from '../../../shared/schemas/post.ts';

describe('validate with the shared schemas', () => {
  it('gives one message per bad field before any request', () => {
    const checked = validate(Registration, { name: ' ', email: 'nope', password: 'short' });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual(['email', 'name', 'password']);
    expect(checked.errors.email).toBe('Not a valid email address.');
  });

  it('passes the parsed data (trimmed, lower-cased) when valid', () => {
    const checked = validate(Registration, {
      name: ' Ann ',
      email: ' Ann@Example.COM ',
      password: 'Secr3tPassw0rd',
    });
    expect(checked).toEqual({
      ok: true,
      data: { name: 'Ann', email: 'ann@example.com', password: 'Secr3tPassw0rd' },
    });
  });

  it('puts a bad tag’s error under tags.N, which errorFor("tags") finds', () => {
    const checked = validate(PostCreate, { title: 't', body: 'b', tags: ['ok', 'not ok!'] });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(errorFor(checked.errors, 'tags')).toBe(
      'Tags use letters, digits and inner hyphens only.',
    );
  });
});

describe('formErrors (server fields land on the right input)', () => {
  it('maps each path to words', () => {
    expect(
      formErrors({
        password: { code: 'password_uppercase', message: 'Needs an upper-case letter.' },
        email: { code: 'invalid_format', message: 'Not a valid email address.' },
      }),
    ).toEqual({ password: 'Needs an upper-case letter.', email: 'Not a valid email address.' });
  });
});

describe('passwordChecklist', () => {
  const met = (password: string) =>
    Object.fromEntries(passwordChecklist(password).map((rule) => [rule.code, rule.met]));

  it('ticks each rule on its own', () => {
    expect(met('')).toEqual({
      too_small: false,
      password_uppercase: false,
      password_lowercase: false,
      password_digit: false,
      too_big: true,
    });
    expect(met('abc')).toMatchObject({ password_lowercase: true, too_small: false });
    expect(met('ABCDEFGH1')).toEqual({
      too_small: true,
      password_uppercase: true,
      password_lowercase: false,
      password_digit: true,
      too_big: true,
    });
    expect(Object.values(met('Secr3tPassw0rd')).every(Boolean)).toBe(true);
  });

  it('flags a password over the maximum, and only that', () => {
    const unmet = passwordChecklist(`Aa1${'x'.repeat(200)}`).filter((rule) => !rule.met);
    expect(unmet.map((rule) => rule.code)).toEqual(['too_big']);
  });
});

describe('tags', () => {
  it('parses commas and spaces, lower-cases, drops # and blanks', () => {
    expect(parseTags(' Svelte, #web-dev  realtime,,')).toEqual(['svelte', 'web-dev', 'realtime']);
  });

  it('reports the shared Tags rules', () => {
    expect(tagErrors(['a', 'b'])).toBeUndefined();
    expect(tagErrors(['a', 'a'])).toBe('Each tag only once.');
    expect(tagErrors(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('At most 5 tags.');
  });
});
