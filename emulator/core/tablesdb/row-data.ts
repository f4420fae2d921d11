import { AppwriteError } from '../platform/errors.ts';
import type { Principal } from '../platform/principal.ts';
import { type Column, encodeValue, normalizeDatetime, scalarProblem } from './column-types.ts';
import type { TableInfo } from './schema.ts';

/**
 * How row data meets the columns it does not mention:
 * - `create`: they take their default; a required one is an error;
 * - `update`: they are left as they are;
 * - `upsert` (an upsert of a row that exists): optional ones are left as they are, a required one is
 *   an error — utopia-php/database's upsertDocuments carries over only the optional attributes of
 *   the old document ("Force matching optional parameter sets") before its Structure check.
 */
export type DataMode = 'create' | 'update' | 'upsert';

/**
 * Validates row data against the columns and returns the values to store, by key (see DataMode).
 * Keys starting with `$` are Appwrite's own and are handled by the caller.
 */
export function validateData(
  table: TableInfo,
  data: Record<string, unknown>,
  mode: DataMode,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith('$')) continue;
    const column = table.columns.find((c) => c.key === key);
    if (!column) throw invalid(`Unknown column "${key}".`);
    out[column.key] = checkValue(column, value);
  }
  if (mode === 'update') return out;
  for (const column of table.columns) {
    if (column.key in out) continue;
    if (mode === 'create' && column.default !== null && column.default !== undefined) {
      out[column.key] = encodeValue(column, column.default);
    } else if (column.required) {
      throw invalid(`Missing required column "${column.key}".`);
    }
  }
  return out;
}

function checkValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (column.required) throw invalid(`Column "${column.key}" is required and cannot be null.`);
    return null;
  }
  if (column.array) {
    if (!Array.isArray(value)) throw invalid(`Column "${column.key}" must be an array.`);
    for (const item of value) {
      const problem = item === null ? 'must not be null' : scalarProblem(column, item);
      if (problem) throw invalid(`Each value of column "${column.key}" ${problem}.`);
    }
    return encodeValue(column, value);
  }
  const problem = scalarProblem(column, value);
  if (problem) throw invalid(`Column "${column.key}" ${problem}.`);
  return encodeValue(column, value);
}

/** API keys may set `$createdAt`/`$updatedAt` (Appwrite allows it for servers); users may not. */
export function timestamps(
  principal: Principal,
  data: Record<string, unknown>,
  createdAt: string,
  updatedAt: string,
): { createdAt: string; updatedAt: string } {
  if (principal.kind !== 'key') return { createdAt, updatedAt };
  const pick = (v: unknown, fallback: string): string => {
    if (v === undefined || v === null) return fallback;
    const normalized = typeof v === 'string' ? normalizeDatetime(v) : null;
    if (!normalized) throw invalid('`$createdAt` and `$updatedAt` must be valid dates.');
    return normalized;
  };
  return {
    createdAt: pick(data.$createdAt, createdAt),
    updatedAt: pick(data.$updatedAt, updatedAt),
  };
}

export function requireData(data: unknown): Record<string, unknown> {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalid('The row data is not valid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('The row data must be an object.');
  }
  return value as Record<string, unknown>;
}

/**
 * Rows per bulk call: Appwrite's `rows` param is `ArrayList(JSON, APP_LIMIT_DATABASE_BATCH)`
 * (TablesDB/Tables/Rows/Create.php, Bulk/Upsert.php; app/init/constants.php: 100), and bulk
 * update and delete answer at most that many of the rows they changed (Bulk/Update.php `onNext`).
 */
export const BULK_LIMIT = 100;

/** The `rows` param of a bulk create or upsert: an array of at most BULK_LIMIT row objects. */
export function requireRowList(rows: unknown): Record<string, unknown>[] {
  if (!Array.isArray(rows) || rows.length > BULK_LIMIT) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`rows\` param: must be an array of at most ${BULK_LIMIT} row objects.`,
    );
  }
  return rows.map(requireData);
}

export function invalid(message: string): AppwriteError {
  return new AppwriteError('row_invalid_structure', `Invalid row structure: ${message}`);
}
