import { AppwriteError } from '../../core/platform/errors.ts';
import { stringArray } from '../platform/params.ts';

/** Appwrite's `APP_LIMIT_ARRAY_PARAMS_SIZE`: at most this many roles. */
const MAX_ROLES = 100;

/**
 * The `roles` param of team creation (each at most 36 characters) and of memberships (81: Appwrite
 * leaves room for `project-<projectId>-<role>`): an array of utopia-php/database `Key`s — letters,
 * digits, `.`, `-`, `_`, not starting with a special character. `fallback` when absent (team
 * creation defaults to `["owner"]`; memberships require it). 400 `general_argument_invalid`.
 */
export function checkRoles(
  source: unknown,
  maxLength: number,
  fallback: string[] | null,
): string[] {
  const roles = stringArray(source, 'roles', fallback);
  const key = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${maxLength - 1}}$`);
  if (roles.length > MAX_ROLES || roles.some((role) => !key.test(role))) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`roles\` param: at most ${MAX_ROLES} roles of at most ${maxLength} characters (letters, digits, period, hyphen, underscore; not starting with a special character).`,
    );
  }
  return roles;
}
