import { AppwriteError } from './errors.ts';
import type { Principal } from './principal.ts';

/** The four actions a permission grants; `write` is only an input alias. */
export type Action = 'read' | 'create' | 'update' | 'delete';

/** Actions a table may grant. */
export const TABLE_ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete'];

/** Actions a row may grant: `create` only exists at table level (Appwrite Documents/Create.php). */
export const ROW_ACTIONS: readonly Action[] = ['read', 'update', 'delete'];

/** One parsed permission. */
export interface Grant {
  action: Action;
  role: string;
}

const PERMISSION = /^(read|create|update|delete|write)\("([^"]*)"\)$/;
const ID = '[A-Za-z0-9][A-Za-z0-9._-]{0,35}';
const ROLE = new RegExp(
  `^(any|guests|users|users/(verified|unverified)|user:${ID}(/(verified|unverified))?|label:[A-Za-z0-9]{1,36}|team:${ID}(/[A-Za-z0-9._-]{1,81})?|member:${ID})$`,
);

/** Whether a role string is one Appwrite accepts (`team:` and `member:` parse but nobody holds them yet). */
export function isValidRole(role: string): boolean {
  return ROLE.test(role);
}

/**
 * Parses a `permissions` list and returns it as Appwrite stores it: `write` expanded to the allowed
 * subset of create/update/delete, in input order, without duplicates (utopia-php/database
 * `Permission::aggregate`). `null` stays `null` so callers can apply defaults. An invalid string or a
 * disallowed action is a 400 `general_argument_invalid`.
 */
export function parsePermissions(list: unknown, allowed: readonly Action[]): string[] | null {
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list) || list.length > 100) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `permissions` param: must be an array of at most 100 permission strings.',
    );
  }
  const out: string[] = [];
  for (const item of list) {
    const match = typeof item === 'string' ? PERMISSION.exec(item) : null;
    const role = match?.[2];
    const action = match?.[1];
    if (!match || role === undefined || action === undefined || !isValidRole(role)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`permissions\` param: ${JSON.stringify(item)} is not a valid permission.`,
      );
    }
    const actions =
      action === 'write'
        ? (['create', 'update', 'delete'] as const).filter((a) => allowed.includes(a))
        : [action as Action];
    for (const a of actions) {
      if (!allowed.includes(a)) {
        throw new AppwriteError(
          'general_argument_invalid',
          `Invalid \`permissions\` param: "${a}" is not allowed here; allowed: ${allowed.join(', ')}.`,
        );
      }
      const text = `${a}("${role}")`;
      if (!out.includes(text)) out.push(text);
    }
  }
  return out;
}

/** Splits stored permission strings into grants. */
export function grantsOf(permissions: readonly string[]): Grant[] {
  const grants: Grant[] = [];
  for (const p of permissions) {
    const m = PERMISSION.exec(p);
    if (m?.[1] && m[2] !== undefined) grants.push({ action: m[1] as Action, role: m[2] });
  }
  return grants;
}

/** The roles that count for a principal in checks: its own plus the implied `any`. */
export function effectiveRoles(principal: Principal): string[] {
  return principal.kind === 'key' ? ['any'] : ['any', ...principal.roles];
}

/** Whether any of `permissions` grants `action` to one of `roles`. */
export function allows(
  permissions: readonly string[],
  action: Action,
  roles: readonly string[],
): boolean {
  return grantsOf(permissions).some((g) => g.action === action && roles.includes(g.role));
}

/**
 * Who may read a row, as roles: the table's read roles plus, with rowSecurity, the row's own
 * (Appwrite's rule for Realtime delivery). Keys are not a role; they read everything anyway.
 */
export function readRolesOf(
  tablePermissions: readonly string[],
  rowSecurity: boolean,
  rowPermissions: readonly string[],
): string[] {
  const roles = grantsOf(tablePermissions)
    .filter((g) => g.action === 'read')
    .map((g) => g.role);
  if (rowSecurity) {
    for (const g of grantsOf(rowPermissions)) {
      if (g.action === 'read' && !roles.includes(g.role)) roles.push(g.role);
    }
  }
  return roles;
}

/**
 * The permissions a new row gets. A signed-in user who sends none gets read/update/delete on
 * `user:<id>` (Appwrite Documents/Create.php); anyone else gets none. A user (not a key) may only
 * grant roles they hold, else 401 `user_unauthorized`.
 */
export function rowPermissionsForWrite(
  principal: Principal,
  requested: string[] | null,
  creating: boolean,
): string[] | null {
  if (requested === null) {
    if (!creating) return null;
    if (principal.kind === 'user') {
      return ROW_ACTIONS.map((a) => `${a}("user:${principal.userId}")`);
    }
    return [];
  }
  if (principal.kind !== 'key') {
    const roles = effectiveRoles(principal);
    for (const grant of grantsOf(requested)) {
      if (!roles.includes(grant.role)) {
        throw new AppwriteError(
          'user_unauthorized',
          // Appwrite's own wording (Documents/Create.php, Storage createFile).
          `Permissions must be one of: (${roles.join(', ')})`,
        );
      }
    }
  }
  return requested;
}

/**
 * The SQL condition that a row (alias `r`, rowid `"$sequence"`) grants `action` to one of `roles`,
 * through the side table `permsTable` (`seq, action, role`, primary key in that order, so each
 * check is a few index probes). Values are bound parameters.
 */
export function rowGrantSql(
  permsTable: string,
  action: Action,
  roles: readonly string[],
): { sql: string; params: unknown[] } {
  const marks = roles.map(() => '?').join(', ');
  return {
    sql: `EXISTS (SELECT 1 FROM "${permsTable}" p WHERE p.seq = r."$sequence" AND p.action = ? AND p.role IN (${marks}))`,
    params: [action, ...roles],
  };
}
