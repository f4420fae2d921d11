import { isIP } from 'node:net';
import { AppwriteError } from '../platform/errors.ts';

/**
 * The column kinds the local Appwrite stores, named after the route segment that creates them
 * (`/columns/{kind}`, `/attributes/{kind}`). Appwrite reports email, url, ip and enum as `type:
 * "string"` with a `format`, and float as `type: "double"`; `columnModel` does that translation.
 */
export const COLUMN_KINDS = [
  'string',
  'email',
  'url',
  'ip',
  'enum',
  'integer',
  'float',
  'boolean',
  'datetime',
] as const;

/** One of the column kinds we store. */
export type ColumnKind = (typeof COLUMN_KINDS)[number];

/** A column as the registry keeps it; `columnModel` turns it into Appwrite's model. */
export interface Column {
  key: string;
  kind: ColumnKind;
  required: boolean;
  array: boolean;
  /** Strings only: the maximum length in characters. */
  size?: number;
  /** Integer and float only; `null` when the caller gave none (see DIFFERENCES.md). */
  min?: number | null;
  max?: number | null;
  /** Enum only. */
  elements?: string[];
  /** Plain strings only; stored and echoed, not applied (see DIFFERENCES.md). */
  encrypt?: boolean;
  default: unknown;
  createdAt: string;
  updatedAt: string;
}

/** Appwrite's largest string column (APP_DATABASE_ATTRIBUTE_STRING_MAX_LENGTH). */
const STRING_MAX_SIZE = 1_073_741_824;

/** Column keys follow Appwrite's Key validator: letters, digits, `.`, `-`, `_`, no leading special, ≤ 36. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

/** Whether `key` is a valid column or index key. */
export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}

/** Whether `kind` names a column kind we can create. */
export function isColumnKind(kind: string): kind is ColumnKind {
  return (COLUMN_KINDS as readonly string[]).includes(kind);
}

/**
 * The kind of a column described as Appwrite returns it and appwrite.json stores it (`type` plus
 * `format`): `string`+`email` → email, `double` → float. `null` for types we do not store.
 */
export function columnKindOf(spec: { type?: unknown; format?: unknown }): ColumnKind | null {
  const { type, format } = spec;
  if (type === 'string') {
    if (format === 'email' || format === 'url' || format === 'ip' || format === 'enum')
      return format;
    return 'string';
  }
  if (type === 'double' || type === 'float') return 'float';
  if (type === 'integer' || type === 'boolean' || type === 'datetime') return type;
  if (type === 'email' || type === 'url' || type === 'ip' || type === 'enum') return type;
  return null;
}

/** The SQLite type of a column: arrays are JSON text, booleans 0/1, datetimes ISO text. */
export function sqlTypeOf(column: Pick<Column, 'kind' | 'array'>): 'TEXT' | 'INTEGER' | 'REAL' {
  if (column.array) return 'TEXT';
  if (column.kind === 'integer' || column.kind === 'boolean') return 'INTEGER';
  if (column.kind === 'float') return 'REAL';
  return 'TEXT';
}

/**
 * The column model Appwrite returns (node-appwrite `Models.Column*`). appwrite-cli compares `type`
 * and `format` with appwrite.json and recreates a column that differs, so these must be exact:
 * float → `double`; email/url/ip/enum → `string` + `format`; datetime carries an empty `format`
 * as Appwrite's does; plain strings always say `encrypt` (false unless asked).
 */
export function columnModel(column: Column): Record<string, unknown> {
  const base = {
    key: column.key,
    type: typeName(column.kind),
    status: 'available',
    error: '',
    required: column.required,
    array: column.array,
    $createdAt: column.createdAt,
    $updatedAt: column.updatedAt,
  };
  switch (column.kind) {
    case 'string':
      return {
        ...base,
        size: column.size,
        default: column.default,
        encrypt: column.encrypt ?? false,
      };
    case 'email':
    case 'url':
    case 'ip':
      return { ...base, format: column.kind, default: column.default };
    case 'datetime':
      // Appwrite stores no format for datetime columns, so its model carries an empty one
      // (Attributes/Action.php `getAttribute('format', '')`); the CLI treats '' as absent.
      return { ...base, format: '', default: column.default };
    case 'enum':
      return { ...base, elements: column.elements, format: 'enum', default: column.default };
    case 'integer':
    case 'float':
      return { ...base, min: column.min, max: column.max, default: column.default };
    case 'boolean':
      return { ...base, default: column.default };
  }
}

function typeName(kind: ColumnKind): string {
  if (kind === 'float') return 'double';
  if (kind === 'integer' || kind === 'boolean' || kind === 'datetime') return kind;
  return 'string';
}

/** The body of a column create or update request, as the route receives it. */
export interface ColumnInput {
  key?: unknown;
  required?: unknown;
  array?: unknown;
  size?: unknown;
  min?: unknown;
  max?: unknown;
  elements?: unknown;
  encrypt?: unknown;
  default?: unknown;
  newKey?: unknown;
}

/**
 * Validates a create request and returns the column to store. Errors use the TablesDB names
 * (`column_*`); the legacy routes rename them. Mirrors Appwrite's checks: a required column has no
 * default, an array column has no default, min < max, default inside the bounds, enum default among
 * the elements.
 */
export function defineColumn(kind: ColumnKind, input: ColumnInput, now: string): Column {
  if (!isValidKey(input.key)) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `key` param: must be a valid key.',
    );
  }
  const column: Column = {
    key: input.key,
    kind,
    required: bool(input.required, 'required', false),
    array: bool(input.array, 'array', false),
    default: null,
    createdAt: now,
    updatedAt: now,
  };
  applyTypeOptions(column, input, true);
  applyDefault(column, input.default);
  return column;
}

/**
 * Applies an update request (`PATCH /columns/{kind}/{key}`) to a stored column. Appwrite requires
 * `required` and `default` on every update; we accept them missing and keep the old values.
 */
export function updateColumn(column: Column, input: ColumnInput, now: string): Column {
  const next: Column = { ...column, updatedAt: now };
  if (input.required !== undefined) next.required = bool(input.required, 'required', false);
  applyTypeOptions(next, input, false);
  applyDefault(next, input.default === undefined ? column.default : input.default);
  if (input.newKey !== undefined && input.newKey !== null && input.newKey !== column.key) {
    if (!isValidKey(input.newKey)) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `newKey` param: must be a valid key.',
      );
    }
    next.key = input.newKey;
  }
  return next;
}

function applyTypeOptions(column: Column, input: ColumnInput, creating: boolean): void {
  if (column.kind === 'string') {
    if (creating || input.size !== undefined) {
      const size = input.size;
      if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > STRING_MAX_SIZE) {
        throw new AppwriteError(
          'general_argument_invalid',
          `Invalid \`size\` param: must be an integer between 1 and ${STRING_MAX_SIZE}.`,
        );
      }
      column.size = size as number;
    }
    if (creating) column.encrypt = bool(input.encrypt, 'encrypt', false);
  }
  if (column.kind === 'integer' || column.kind === 'float') {
    if (creating || input.min !== undefined) column.min = bound(input.min, 'min', column.kind);
    if (creating || input.max !== undefined) column.max = bound(input.max, 'max', column.kind);
    if (column.min != null && column.max != null && column.min > column.max) {
      throw new AppwriteError(
        'column_value_invalid',
        'The minimum value must be lesser than the maximum value.',
      );
    }
  }
  if (column.kind === 'enum' && (creating || input.elements !== undefined)) {
    const elements = input.elements;
    if (
      !Array.isArray(elements) ||
      elements.length === 0 ||
      !elements.every((e) => typeof e === 'string' && e.length > 0 && e.length <= 255)
    ) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `elements` param: must be a non-empty array of non-empty strings.',
      );
    }
    column.elements = [...new Set(elements as string[])];
  }
}

function applyDefault(column: Column, value: unknown): void {
  if (value === undefined || value === null) {
    column.default = null;
    return;
  }
  if (column.required) {
    throw new AppwriteError(
      'column_default_unsupported',
      'A required column cannot have a default value.',
    );
  }
  if (column.array) {
    throw new AppwriteError(
      'column_default_unsupported',
      'An array column cannot have a default value.',
    );
  }
  const problem = scalarProblem(column, value);
  if (problem) {
    throw new AppwriteError('column_value_invalid', `Invalid default value: ${problem}.`);
  }
  column.default = column.kind === 'datetime' ? normalizeDatetime(value as string) : value;
}

function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: must be a boolean.`,
    );
  }
  return value;
}

function bound(value: unknown, name: string, kind: ColumnKind): number | null {
  if (value === undefined || value === null) return null;
  const ok = kind === 'integer' ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (!ok) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: must be ${kind === 'integer' ? 'an integer' : 'a number'}.`,
    );
  }
  return value as number;
}

const EMAIL = /^[^\s@"]+@[^\s@]+\.[^\s@]+$/;
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s/?#]+/;

/** Why a single (non-array) value does not fit the column, or `null` when it does. */
export function scalarProblem(column: Column, value: unknown): string | null {
  switch (column.kind) {
    case 'string':
    case 'email':
    case 'url':
    case 'ip':
    case 'enum': {
      if (typeof value !== 'string') return 'must be a string';
      if (column.kind === 'string' && column.size !== undefined && value.length > column.size) {
        // `length` counts UTF-16 units; Appwrite counts characters, so recount only when it matters.
        if (Array.from(value).length > column.size) {
          return `must be at most ${column.size} characters long`;
        }
      }
      if (column.kind === 'email' && (value.length > 254 || !EMAIL.test(value))) {
        return 'must be a valid email address';
      }
      if (column.kind === 'url' && !isUrl(value)) return 'must be a valid URL';
      if (column.kind === 'ip' && isIP(value) === 0) return 'must be a valid IP address';
      if (column.kind === 'enum' && !column.elements?.includes(value)) {
        return `must be one of: ${column.elements?.join(', ')}`;
      }
      return null;
    }
    case 'integer':
    case 'float': {
      const ok =
        column.kind === 'integer'
          ? Number.isSafeInteger(value)
          : typeof value === 'number' && Number.isFinite(value);
      if (!ok) return column.kind === 'integer' ? 'must be an integer' : 'must be a number';
      const n = value as number;
      if ((column.min != null && n < column.min) || (column.max != null && n > column.max)) {
        return `must be between ${column.min ?? '-∞'} and ${column.max ?? '∞'}`;
      }
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'datetime':
      return typeof value === 'string' && normalizeDatetime(value) !== null
        ? null
        : 'must be a valid date and time';
  }
}

function isUrl(value: string): boolean {
  if (!URL_SCHEME.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** Appwrite's date format: milliseconds and an explicit UTC offset (`2026-05-24T10:00:00.000+00:00`). */
export function formatDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/**
 * Reads an ISO-like datetime and returns it in Appwrite's format, or `null`. Stored datetimes share
 * one format and one offset, so comparing them as text orders them in time.
 */
export function normalizeDatetime(value: string): string | null {
  if (value.length > 64 || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return formatDate(new Date(ms));
}

/** Turns a validated value into what SQLite stores. */
export function encodeValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.array) {
    return JSON.stringify((value as unknown[]).map((v) => encodeScalar(column, v)));
  }
  return encodeScalar(column, value);
}

function encodeScalar(column: Column, value: unknown): unknown {
  if (column.kind === 'boolean') return value ? 1 : 0;
  if (column.kind === 'datetime') return normalizeDatetime(value as string);
  return value;
}

/** Turns what SQLite stored back into the JSON value Appwrite returns. */
export function decodeValue(column: Column, stored: unknown): unknown {
  if (stored === null || stored === undefined) return column.array ? null : null;
  if (column.array) {
    const list = JSON.parse(stored as string) as unknown[];
    return column.kind === 'boolean' ? list.map((v) => v === 1 || v === true) : list;
  }
  if (column.kind === 'boolean') return stored === 1;
  return stored;
}
