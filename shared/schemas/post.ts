import * as z from 'zod/mini';
import { Limits } from '../limits.ts';
import { Counter, HiddenFlag, HiddenReason, Id, rule, text } from './common.ts';
import { rowOf } from './row.ts';

/** A tag: trimmed and lower-cased, then 1–24 characters of `a-z`, `0-9` and single inner hyphens. */
export const Tag = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(Limits.tag.min, { message: 'Required.' }),
    z.maxLength(Limits.tag.max, { message: `At most ${Limits.tag.max} characters.` }),
    rule(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'invalid_tag', 'Letters, digits and inner hyphens only.'),
  );

/** Up to five distinct tags. */
export const Tags = z.array(Tag).check(
  z.maxLength(Limits.tags.max, { message: `At most ${Limits.tags.max} tags.` }),
  z.refine((tags) => new Set(tags).size === tags.length, {
    message: 'Tags must be distinct.',
    params: { code: 'duplicate_tag' },
  }),
);

export const Title = text(Limits.title.min, Limits.title.max);
export const Body = text(Limits.body.min, Limits.body.max);

/**
 * What a `posts` row stores. The counters are kept by the `posts` function with atomic increments.
 * `hidden`/`hiddenReason` are set by the `moderation` function, which also takes the row's
 * `read("any")` away (only its author and admins can read a hidden post).
 */
export const PostFields = z.strictObject({
  authorId: Id,
  title: Title,
  body: Body,
  tags: Tags,
  likesCount: Counter,
  commentsCount: Counter,
  hidden: HiddenFlag,
  hiddenReason: HiddenReason,
});
export type PostFields = z.infer<typeof PostFields>;

/** A post as the feed reads it. */
export const Post = rowOf(PostFields);
export type Post = z.infer<typeof Post>;

/** Write a post. The author is the caller; an `authorId` in the body is an unknown key and refused. */
export const PostCreate = z.strictObject({
  title: Title,
  body: Body,
  tags: z._default(Tags, []),
});
export type PostCreate = z.infer<typeof PostCreate>;

/** Edit your post: any of title, body, tags; at least one. */
export const PostUpdate = z
  .strictObject({
    title: z.optional(Title),
    body: z.optional(Body),
    tags: z.optional(Tags),
  })
  .check(
    z.refine((input) => Object.values(input).some((value) => value !== undefined), {
      message: 'Nothing to update.',
      params: { code: 'empty_update' },
    }),
  );
export type PostUpdate = z.infer<typeof PostUpdate>;
