import { AppwriteError } from '../platform/errors.ts';
import { resolveId } from '../platform/ids.ts';
import { parsePermissions, ROW_ACTIONS, rowPermissionsForWrite } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import { requireData } from './row-data.ts';

/**
 * The checks a row write makes on what it was sent, before it reads any row — alike whether the
 * write is made at once (rows.ts) or staged in a transaction (transaction-writes.ts) — and the
 * errors both answer with.
 */

/** A create's `data`: an object with at least one key, else 400 `row_missing_data`. */
export function requireCreateData(data: unknown): Record<string, unknown> {
  const record = requireData(data);
  if (Object.keys(record).length === 0) {
    throw new AppwriteError('row_missing_data', 'The row data is missing.');
  }
  return record;
}

/**
 * An update's or upsert's `data` (may be absent); neither data nor permissions is 400
 * `row_missing_payload` (Documents/Update.php, Upsert.php).
 */
export function requirePayload(
  data: unknown,
  permissions: unknown,
  verb: 'update' | 'upsert',
): Record<string, unknown> {
  const record = data === undefined || data === null ? {} : requireData(data);
  if (Object.keys(record).length === 0 && (permissions === undefined || permissions === null)) {
    throw new AppwriteError('row_missing_payload', `Send data or permissions to ${verb}.`);
  }
  return record;
}

/** A bulk update's `data`: required, else 400 `row_missing_payload` (Bulk/Update.php checks it first). */
export function requireBulkData(data: unknown): Record<string, unknown> {
  const record = data === undefined || data === null ? {} : requireData(data);
  if (Object.keys(record).length === 0) {
    throw new AppwriteError('row_missing_payload', 'Send the data to update the rows with.');
  }
  return record;
}

/** A new row's id: a custom id or `unique()`, else 400 `general_argument_invalid`. */
export function newRowId(rowId: unknown): string {
  const id = typeof rowId === 'string' ? resolveId(rowId) : null;
  if (!id) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `rowId` param: use letters, digits, ".", "-", "_" (no leading special), at most 36 characters, or "unique()".',
    );
  }
  return id;
}

/** A new row's permissions: those sent (or the data's `$permissions`), else the default for the caller. */
export function createPermissions(
  principal: Principal,
  permissions: unknown,
  data: Record<string, unknown>,
): string[] {
  return rowPermissionsForWrite(
    principal,
    parsePermissions(permissions ?? data.$permissions, ROW_ACTIONS),
    true,
  ) as string[];
}

/**
 * Bulk rows carry their own `$permissions`; Appwrite checks those inside the action and answers
 * 400 `general_bad_request` (Documents/Create.php), not the param validator's `general_argument_invalid`.
 */
export function bulkPermissions(permissions: unknown): void {
  try {
    parsePermissions(permissions, ROW_ACTIONS);
  } catch (error) {
    if (error instanceof AppwriteError) {
      throw new AppwriteError('general_bad_request', error.message);
    }
    throw error;
  }
}

/** 404 `row_not_found`. */
export function rowNotFound(rowId: string): AppwriteError {
  return new AppwriteError(
    'row_not_found',
    `Row with the requested ID "${rowId}" could not be found.`,
  );
}

/** 401 `user_unauthorized`. */
export function unauthorized(): AppwriteError {
  return new AppwriteError(
    'user_unauthorized',
    'The current user is not authorized to perform the requested action.',
  );
}
