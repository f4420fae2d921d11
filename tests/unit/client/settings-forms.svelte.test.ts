import { describe, expect, it, vi } from 'vitest';
import type { Profile } from '#shared/schemas/profile.ts';
import { ApiError } from '../../../client/src/lib/api-error.ts';
import { confirmsEmail } from '../../../client/src/lib/settings-account.ts';
import { ProfileForm } from '../../../client/src/lib/settings-profile-form.svelte.ts';

const profile = (extra: Partial<Profile> = {}): Profile => ({
  $id: 'u1',
  $sequence: '1',
  $tableId: 'profiles',
  $databaseId: 'agora',
  $createdAt: '2026-11-01T10:00:00.000+00:00',
  $updatedAt: '2026-11-01T10:00:00.000+00:00',
  $permissions: [],
  name: 'Ada',
  handle: 'ada',
  bio: null,
  avatarId: null,
  postsCount: 0,
  commentsCount: 0,
  likesReceived: 0,
  ...extra,
});

describe('ProfileForm: the shared ProfileUpdate schema before any request', () => {
  it('sends only what changed, and is clean again after saving', async () => {
    const update = vi.fn(async (input: { name?: string; bio?: string }) =>
      profile({ name: input.name ?? 'Ada', bio: input.bio ?? null }),
    );
    const form = new ProfileForm(profile(), update);
    expect(form.dirty).toBe(false);
    form.bio = 'Mathematician.';
    expect(form.dirty).toBe(true);
    const saved = await form.submit();
    expect(update).toHaveBeenCalledWith({ bio: 'Mathematician.' });
    expect(saved?.bio).toBe('Mathematician.');
    expect(form.dirty).toBe(false);
  });

  it('a blank name is a field error, and nothing is sent', async () => {
    const update = vi.fn();
    const form = new ProfileForm(profile(), update);
    form.name = '   ';
    expect(await form.submit()).toBeNull();
    expect(form.fields.name?.message).toBe('Required.');
    expect(update).not.toHaveBeenCalled();
  });

  it('a bio over 280 characters is a field error, and nothing is sent', async () => {
    const update = vi.fn();
    const form = new ProfileForm(profile(), update);
    form.bio = 'x'.repeat(281);
    expect(await form.submit()).toBeNull();
    expect(form.fields.bio?.code).toBe('too_big');
    expect(update).not.toHaveBeenCalled();
  });

  it('saving with no change says so without a request', async () => {
    const update = vi.fn();
    const form = new ProfileForm(profile(), update);
    expect(await form.submit()).toBeNull();
    expect(form.fields['']?.code).toBe('empty_update');
    expect(update).not.toHaveBeenCalled();
  });

  it("puts the server's field errors under their fields, and throws other errors", async () => {
    const form = new ProfileForm(
      profile(),
      vi.fn(async () => {
        throw new ApiError('general_argument_invalid', 'bad', 400, {
          name: { code: 'too_big', message: 'At most 128 characters.' },
        });
      }),
    );
    form.name = 'Ada L.';
    expect(await form.submit()).toBeNull();
    expect(form.fields.name?.message).toBe('At most 128 characters.');

    const failing = new ProfileForm(
      profile(),
      vi.fn(async () => {
        throw new ApiError('general_server_error', 'x', 500);
      }),
    );
    failing.name = 'Ada L.';
    await expect(failing.submit()).rejects.toMatchObject({ type: 'general_server_error' });
    expect(failing.busy).toBe(false);
  });
});

describe('confirmsEmail: typing your email to delete your account', () => {
  it.each([
    ['ada@example.com', true],
    ['  ADA@example.com ', true],
    ['ada@example.co', false],
    ['', false],
  ])('%j → %s', (typed, expected) => {
    expect(confirmsEmail(typed, 'ada@example.com')).toBe(expected);
  });
});
