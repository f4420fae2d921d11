import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { fieldsFromIssues } from '#shared/errors.ts';
import { Registration } from '#shared/schemas/account.ts';
import {
  AdminSetAdmin,
  AdminSetBlocked,
  AdminUserCreate,
  AdminUserList,
} from '#shared/schemas/admin.ts';
import { CommentCreate } from '#shared/schemas/comment.ts';
import { Handle, handleFromName, mentionedHandles } from '#shared/schemas/common.ts';
import { ExportRequest } from '#shared/schemas/job.ts';
import { PostCreate, PostUpdate } from '#shared/schemas/post.ts';
import { AvatarSet, ProfileUpdate } from '#shared/schemas/profile.ts';

/**
 * Each input schema as a table: an input, then either the parsed value (`ok`) or the exact failing
 * fields with their codes. Exact sets, so a rule that stops firing, or starts firing on a neighbour,
 * fails the row.
 */
type Row = [
  name: string,
  input: unknown,
  expected: { ok: unknown } | { fields: Record<string, string> },
];

function runTable(schema: z.ZodMiniType, rows: Row[]) {
  for (const [name, input, expected] of rows) {
    it(name, () => {
      const result = schema.safeParse(input);
      if ('ok' in expected) {
        expect(result.error?.issues).toBeUndefined();
        expect(result.data).toEqual(expected.ok);
      } else {
        expect(result.success).toBe(false);
        const fields = fieldsFromIssues(result.error?.issues ?? []);
        const codes = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.code]));
        expect(codes).toEqual(expected.fields);
      }
    });
  }
}

const good = { email: 'ada@example.com', password: 'Sup3rsecret', name: 'Ada Lovelace' };

describe('Registration', () => {
  runTable(Registration, [
    ['a valid sign-up', good, { ok: good }],
    [
      'email trimmed and lower-cased, name trimmed',
      { ...good, email: '  Ada@Example.COM ', name: '  Ada  ' },
      { ok: { ...good, name: 'Ada' } },
    ],
    [
      'password of exactly 8 characters',
      { ...good, password: 'Abcdefg1' },
      { ok: { ...good, password: 'Abcdefg1' } },
    ],
    [
      'password of exactly 128 characters',
      { ...good, password: `Aa1${'x'.repeat(125)}` },
      { ok: { ...good, password: `Aa1${'x'.repeat(125)}` } },
    ],
    [
      'password of 7 characters',
      { ...good, password: 'Abcdef1' },
      { fields: { password: 'too_small' } },
    ],
    [
      'password of 129 characters',
      { ...good, password: `Aa1${'x'.repeat(126)}` },
      { fields: { password: 'too_big' } },
    ],
    [
      'password without an upper-case letter',
      { ...good, password: 'supersecret1' },
      { fields: { password: 'password_uppercase' } },
    ],
    [
      'password without a lower-case letter',
      { ...good, password: 'SUPERSECRET1' },
      { fields: { password: 'password_lowercase' } },
    ],
    [
      'password without a digit',
      { ...good, password: 'Supersecret' },
      { fields: { password: 'password_digit' } },
    ],
    [
      'password not a string',
      { ...good, password: 12345678 },
      { fields: { password: 'invalid_type' } },
    ],
    ['name blank after trimming', { ...good, name: '   ' }, { fields: { name: 'too_small' } }],
    ['name of 129 characters', { ...good, name: 'n'.repeat(129) }, { fields: { name: 'too_big' } }],
    [
      'name of 128 characters',
      { ...good, name: 'n'.repeat(128) },
      { ok: { ...good, name: 'n'.repeat(128) } },
    ],
    ['email not an email', { ...good, email: 'ada@' }, { fields: { email: 'invalid_format' } }],
    [
      'email missing',
      { password: good.password, name: good.name },
      { fields: { email: 'invalid_type' } },
    ],
    ['an unknown key', { ...good, labels: ['admin'] }, { fields: { labels: 'unrecognized_keys' } }],
    ['not an object', 'ada', { fields: { '': 'invalid_type' } }],
  ]);
});

const post = { title: 'Hello board', body: 'First post.', tags: ['intro'] };

describe('PostCreate', () => {
  runTable(PostCreate, [
    ['a valid post', post, { ok: post }],
    [
      'tags default to none',
      { title: 'T', body: 'B' },
      { ok: { title: 'T', body: 'B', tags: [] } },
    ],
    [
      'title and body trimmed, tags trimmed and lower-cased',
      { title: ' T ', body: ' B ', tags: [' Svelte '] },
      { ok: { title: 'T', body: 'B', tags: ['svelte'] } },
    ],
    ['blank title', { ...post, title: '  ' }, { fields: { title: 'too_small' } }],
    [
      'title of 121 characters',
      { ...post, title: 't'.repeat(121) },
      { fields: { title: 'too_big' } },
    ],
    [
      'body of 5001 characters',
      { ...post, body: 'b'.repeat(5001) },
      { fields: { body: 'too_big' } },
    ],
    [
      'six tags',
      { ...post, tags: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { fields: { tags: 'too_big' } },
    ],
    [
      'a tag with a space',
      { ...post, tags: ['two words'] },
      { fields: { 'tags.0': 'invalid_tag' } },
    ],
    [
      'a tag of 25 characters',
      { ...post, tags: ['ok', 't'.repeat(25)] },
      { fields: { 'tags.1': 'too_big' } },
    ],
    [
      'the same tag twice, differing in case',
      { ...post, tags: ['News', 'news'] },
      { fields: { tags: 'duplicate_tag' } },
    ],
    [
      'an authorId smuggled in',
      { ...post, authorId: 'someone-else' },
      { fields: { authorId: 'unrecognized_keys' } },
    ],
  ]);
});

describe('PostUpdate', () => {
  runTable(PostUpdate, [
    ['only a title', { title: 'New' }, { ok: { title: 'New' } }],
    ['only tags (cleared)', { tags: [] }, { ok: { tags: [] } }],
    ['nothing to update', {}, { fields: { '': 'empty_update' } }],
    [
      'a counter smuggled in',
      { likesCount: 1000 },
      { fields: { likesCount: 'unrecognized_keys', '': 'empty_update' } },
    ],
    ['blank body', { body: ' ' }, { fields: { body: 'too_small' } }],
  ]);
});

describe('CommentCreate', () => {
  runTable(CommentCreate, [
    ['a comment', { body: 'Nice!' }, { ok: { body: 'Nice!' } }],
    ['blank', { body: '\n\t ' }, { fields: { body: 'too_small' } }],
    ['1001 characters', { body: 'c'.repeat(1001) }, { fields: { body: 'too_big' } }],
    [
      'a postId in the body',
      { body: 'x', postId: 'p1' },
      { fields: { postId: 'unrecognized_keys' } },
    ],
  ]);
});

describe('ProfileUpdate and AvatarSet', () => {
  runTable(ProfileUpdate, [
    ['a new name', { name: ' Grace ' }, { ok: { name: 'Grace' } }],
    ['a cleared bio', { bio: '' }, { ok: { bio: '' } }],
    ['bio of 281 characters', { bio: 'b'.repeat(281) }, { fields: { bio: 'too_big' } }],
    ['nothing', {}, { fields: { '': 'empty_update' } }],
    [
      'avatarId set directly',
      { avatarId: 'f1' },
      { fields: { avatarId: 'unrecognized_keys', '': 'empty_update' } },
    ],
  ]);
  runTable(AvatarSet, [
    ['a file id', { fileId: '6650d3a1000c2f1e9b7a' }, { ok: { fileId: '6650d3a1000c2f1e9b7a' } }],
    ['a path in place of an id', { fileId: '../exports/x' }, { fields: { fileId: 'invalid_id' } }],
    ['an id of 37 characters', { fileId: 'f'.repeat(37) }, { fields: { fileId: 'too_big' } }],
  ]);
});

describe('admin inputs', () => {
  runTable(AdminUserCreate, [
    ['a user', good, { ok: { ...good, admin: false } }],
    ['an admin', { ...good, admin: true }, { ok: { ...good, admin: true } }],
    [
      'a weak password',
      { ...good, password: 'password' },
      { fields: { password: 'password_uppercase' } },
    ],
    ['admin as a string', { ...good, admin: 'yes' }, { fields: { admin: 'invalid_type' } }],
  ]);
  runTable(AdminSetAdmin, [
    ['grant', { admin: true }, { ok: { admin: true } }],
    ['missing', {}, { fields: { admin: 'invalid_type' } }],
  ]);
  runTable(AdminSetBlocked, [
    ['block', { blocked: true }, { ok: { blocked: true } }],
    [
      'an extra key',
      { blocked: false, reason: 'spam' },
      { fields: { reason: 'unrecognized_keys' } },
    ],
  ]);
  runTable(AdminUserList, [
    ['defaults', {}, { ok: { limit: 25 } }],
    [
      'from a query string',
      { search: ' ada ', cursor: 'u1', limit: '50' },
      { ok: { search: 'ada', cursor: 'u1', limit: 50 } },
    ],
    ['limit 0', { limit: '0' }, { fields: { limit: 'too_small' } }],
    ['limit 101', { limit: 101 }, { fields: { limit: 'too_big' } }],
    ['limit not a number', { limit: '1e3' }, { fields: { limit: 'invalid_format' } }],
    ['a forged cursor', { cursor: 'x" OR 1=1' }, { fields: { cursor: 'invalid_id' } }],
  ]);
  runTable(ExportRequest, [
    ['everyone', {}, { ok: {} }],
    ['a search', { search: 'example.com' }, { ok: { search: 'example.com' } }],
    ['an unknown key', { format: 'xlsx' }, { fields: { format: 'unrecognized_keys' } }],
  ]);
});

describe('handles and mentions', () => {
  it('a handle is trimmed and lower-cased, 3–20 of a-z, 0-9 and _', () => {
    expect(Handle.parse(' Ada_L ')).toBe('ada_l');
    for (const [bad, code] of [
      ['ab', 'too_small'],
      ['a'.repeat(21), 'too_big'],
      ['ada-l', 'invalid_handle'],
      ['émile', 'invalid_handle'],
    ] as const) {
      const parsed = Handle.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
      expect(fieldsFromIssues(parsed.error?.issues ?? [])['']?.code, bad).toBe(code);
    }
  });

  it('a handle derived from a name is always a valid one', () => {
    for (const name of [
      'Ada Lovelace',
      'Émile Zola',
      '李',
      'x',
      '  ',
      'A'.repeat(60),
      'o’Brien!',
    ]) {
      expect(Handle.safeParse(handleFromName(name)).success, name).toBe(true);
    }
    expect(handleFromName('Émile Zola')).toBe('emile_zola');
  });

  it('mentions: @handle after a space or punctuation, not inside an email; distinct; at most 10', () => {
    expect(mentionedHandles('@ada, hi @Grace_H and (@linus) — mail bob@example.com @ab')).toEqual([
      'ada',
      'grace_h',
      'linus',
    ]);
    expect(mentionedHandles('@ada @ADA')).toEqual(['ada']);
    const many = Array.from({ length: 15 }, (_, i) => `@user${i}`).join(' ');
    expect(mentionedHandles(many)).toHaveLength(10);
  });
});
