import type * as z from 'zod/mini';
import { type FieldErrors, fieldsFromIssues } from '#shared/errors.ts';
import { Limits } from '#shared/limits.ts';
import { Password } from '#shared/schemas/common.ts';
import { Tag, Tags } from '#shared/schemas/post.ts';
import { fieldMessage } from './error-messages.ts';

/**
 * Form helpers over the shared Zod schemas: the same schema the function parses with checks the form
 * first, so the field errors a person sees before sending are the ones the server would answer.
 *
 *   const checked = validate(PostCreate, { title, body, tags });
 *   if (!checked.ok) errors = checked.errors;   // { title: 'Required.' } — keyed by field path
 */
export type FormErrors = Record<string, string>;

export type Checked<T> = { ok: true; data: T } | { ok: false; errors: FormErrors };

export function validate<S extends z.ZodMiniType>(schema: S, value: unknown): Checked<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data as z.output<S> };
  return { ok: false, errors: formErrors(fieldsFromIssues(parsed.error.issues)) };
}

/** Server `fields` (or shared-schema fields) → one message per field path, in plain words. */
export function formErrors(fields: FieldErrors): FormErrors {
  const errors: FormErrors = {};
  for (const [path, error] of Object.entries(fields)) errors[path] = fieldMessage(error);
  return errors;
}

/**
 * The error for a field and its sub-paths: `tags` collects `tags.2` too (a tag list shows one
 * message).
 */
export function errorFor(errors: FormErrors, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const nested = Object.keys(errors).find((path) => path.startsWith(`${field}.`));
  return nested ? errors[nested] : undefined;
}

/** The password policy's rules, in the order the checklist shows them. */
const PASSWORD_RULES = [
  { code: 'too_small', label: `At least ${Limits.password.min} characters` },
  { code: 'password_uppercase', label: 'An upper-case letter' },
  { code: 'password_lowercase', label: 'A lower-case letter' },
  { code: 'password_digit', label: 'A digit' },
  { code: 'too_big', label: `At most ${Limits.password.max} characters` },
] as const;

/** One line of the live password checklist. */
export interface PasswordRule {
  code: (typeof PASSWORD_RULES)[number]['code'];
  label: string;
  met: boolean;
}

/**
 * The password policy as a checklist, computed with the shared `Password` schema itself (each rule
 * reports on its own), so the list and the server can never disagree.
 */
export function passwordChecklist(password: string): PasswordRule[] {
  const parsed = Password.safeParse(password);
  const failing = new Set(
    parsed.success
      ? []
      : parsed.error.issues.map((issue) =>
          issue.code === 'custom' && typeof issue.params?.code === 'string'
            ? issue.params.code
            : issue.code,
        ),
  );
  return PASSWORD_RULES.map((rule) => ({ ...rule, met: !failing.has(rule.code) }));
}

/**
 * Tags typed in one input ("svelte, web dev" or with spaces), normalised as the shared `Tag` does
 * (trimmed, lower-case); blanks dropped, order kept. Validation (length, characters, at most 5,
 * distinct) is the shared `Tags` schema's job — see `tagErrors`.
 */
export function parseTags(input: string): string[] {
  return input
    .split(/[,\s]+/)
    .map((tag) => tag.trim().replace(/^#/, '').toLowerCase())
    .filter(Boolean);
}

/**
 * Why one typed tag cannot be a chip — the shared `Tag` rule's words, naming the tag — or
 * undefined when it can: `bad_tag` and `émoji🚀` are refused before they look accepted.
 */
export function tagProblem(tag: string): string | undefined {
  const checked = validate(Tag, tag);
  if (checked.ok) return undefined;
  return `“${tag}”: ${Object.values(checked.errors)[0] ?? 'not a valid tag.'}`;
}

/** The first problem with a tag list, in words, or undefined when the shared schema accepts it. */
export function tagErrors(tags: string[]): string | undefined {
  const checked = validate(Tags, tags);
  return checked.ok ? undefined : Object.values(checked.errors)[0];
}
