/** A column as Appwrite's Table model lists it (the fields the console reads). */
export interface Column {
  key: string;
  type: 'string' | 'integer' | 'double' | 'boolean' | 'datetime' | string;
  required: boolean;
  array: boolean;
  size?: number;
  min?: number;
  max?: number;
  format?: string;
  elements?: string[];
  default?: unknown;
}

/** An index as Appwrite's Table model lists it. */
export interface Index {
  key: string;
  type: string;
  columns: string[];
  orders?: (string | null)[];
}

/** Appwrite's Table model. */
export interface Table {
  $id: string;
  name: string;
  rowSecurity: boolean;
  enabled: boolean;
  columns: Column[];
  indexes: Index[];
}

/** A row: system fields and the table's columns. */
export type Row = Record<string, unknown> & {
  $id: string;
  $permissions: string[];
  $createdAt: string;
  $updatedAt: string;
};

/** A column's type as one word for people: `string(255)`, `email`, `integer[]`. */
export function describeType(column: Column): string {
  let name = column.format || column.type;
  if (column.type === 'string' && !column.format && column.size) name = `string(${column.size})`;
  return column.array ? `${name}[]` : name;
}

/** A cell as text for the grid. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The value a form field's text means for a column, or an error as the server would give it (type,
 * required, size, range, format, enum). `''` for an optional column is `null`.
 */
export function parseField(
  column: Column,
  text: string,
  checked: boolean,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (column.type === 'boolean' && !column.array) return { ok: true, value: checked };
  if (text.trim() === '') {
    return column.required
      ? { ok: false, error: 'Required.' }
      : { ok: true, value: column.array ? [] : null };
  }
  if (column.array) {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch {
      return { ok: false, error: 'A JSON array, e.g. ["a", "b"].' };
    }
    if (!Array.isArray(items)) return { ok: false, error: 'A JSON array, e.g. ["a", "b"].' };
    for (const item of items) {
      const one = checkScalar(column, item);
      if (one) return { ok: false, error: one };
    }
    return { ok: true, value: items };
  }
  let value: unknown = text;
  if (column.type === 'integer' || column.type === 'double') value = Number(text);
  const error = checkScalar(column, value);
  return error ? { ok: false, error } : { ok: true, value };
}

function checkScalar(column: Column, value: unknown): string | null {
  switch (column.type) {
    case 'integer':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'A number.';
      if (column.type === 'integer' && !Number.isInteger(value)) return 'A whole number.';
      if (column.min !== undefined && column.min !== null && value < column.min) {
        return `At least ${column.min}.`;
      }
      if (column.max !== undefined && column.max !== null && value > column.max) {
        return `At most ${column.max}.`;
      }
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : 'true or false.';
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? null
        : 'A date and time, e.g. 2026-01-31T12:00:00.000+00:00.';
    default: {
      if (typeof value !== 'string') return 'Text.';
      if (column.size && value.length > column.size) return `At most ${column.size} characters.`;
      if (column.format === 'enum' && !column.elements?.includes(value)) {
        return `One of: ${column.elements?.join(', ')}.`;
      }
      if (column.format === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        return 'An email address.';
      }
      if (column.format === 'url' && !URL.canParse(value)) return 'A URL.';
      return null;
    }
  }
}

/** A column value as the text its form field starts with. */
export function fieldText(column: Column, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (column.array) return JSON.stringify(value);
  return String(value);
}
