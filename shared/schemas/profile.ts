import * as z from 'zod/mini';
import { Limits } from '../limits.ts';
import { Counter, Handle, Id, Name, text } from './common.ts';
import { rowOf } from './row.ts';

/**
 * What a `profiles` row stores (row id = user id). Written only by functions: `on-user-created` makes
 * it, `profiles` edits it, `posts` keeps the counters.
 */
export const ProfileFields = z.strictObject({
  name: Name,
  /** Unique (index `handle`); `null` only on a profile made before handles (maintenance fills it). */
  handle: z._default(z.nullable(Handle), null),
  bio: z._default(z.nullable(text(0, Limits.bio.max)), null),
  avatarId: z._default(z.nullable(Id), null),
  postsCount: Counter,
  commentsCount: Counter,
  likesReceived: Counter,
});
export type ProfileFields = z.infer<typeof ProfileFields>;

/** A profile as the browser reads it. */
export const Profile = rowOf(ProfileFields);
export type Profile = z.infer<typeof Profile>;

/** Edit your own profile: name and/or bio; at least one. An empty bio clears it. */
export const ProfileUpdate = z
  .strictObject({
    name: z.optional(Name),
    bio: z.optional(text(0, Limits.bio.max)),
  })
  .check(
    z.refine((input) => input.name !== undefined || input.bio !== undefined, {
      message: 'Nothing to update.',
      params: { code: 'empty_update' },
    }),
  );
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

/** Link an uploaded file in the `avatars` bucket as your avatar. The function checks you own it. */
export const AvatarSet = z.strictObject({ fileId: Id });
export type AvatarSet = z.infer<typeof AvatarSet>;

/**
 * What an avatar may be: an image Appwrite recognised as one of these types (by its bytes, not its
 * name), at most 2 MiB — the `avatars` bucket's own `maximumFileSize` in appwrite.json. SVG is not
 * among them: an SVG served from our storage domain can carry script.
 */
export const AvatarRules = {
  mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  maxBytes: 2 * 1024 * 1024,
} as const;
