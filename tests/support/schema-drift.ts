import * as z from 'zod/mini';

/** A column as appwrite.json declares it for appwrite-cli 12.0.1. */
export interface ColumnSpec {
  key: string;
  type: string;
  format?: string;
  elements?: string[];
  size?: number;
  min?: number;
  max?: number;
  required: boolean;
  array: boolean;
  default?: unknown;
}

interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/**
 * Lists every disagreement between a table's stored-fields schema and its appwrite.json columns, as
 * readable sentences. Empty means they agree:
 * - each field has a column and each column a field;
 * - the types match (string/email/url/enum, integer, double, boolean, datetime; arrays both ways);
 * - a value the schema accepts fits the column (string size, integer range, enum elements);
 * - a field the writer must give is a required column, and a field with a default has a column with
 *   the same default (null for nullable fields).
 */
export function driftProblems(fields: z.ZodMiniObject, columns: readonly ColumnSpec[]): string[] {
  const schema = z.toJSONSchema(fields, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const problems: string[] = [];
  const byKey = new Map(columns.map((column) => [column.key, column]));

  for (const key of Object.keys(properties)) {
    if (!byKey.has(key)) problems.push(`${key}: in the schema but has no column`);
  }
  for (const column of columns) {
    const property = properties[column.key];
    if (!property) {
      problems.push(`${column.key}: a column with no schema field`);
      continue;
    }
    problems.push(...columnProblems(column, property, required.has(column.key)));
  }
  return problems;
}

function columnProblems(column: ColumnSpec, property: JsonSchema, mustGive: boolean): string[] {
  const problems: string[] = [];
  const say = (text: string) => problems.push(`${column.key}: ${text}`);
  const nullable = property.anyOf?.some((option) => option.type === 'null') ?? false;
  const base = property.anyOf?.find((option) => option.type !== 'null') ?? property;

  if (column.required !== mustGive) {
    say(
      `column required=${column.required} but the schema ${mustGive ? 'requires it' : 'does not'}`,
    );
  }
  if (!mustGive) {
    const expected = 'default' in property ? property.default : nullable ? null : undefined;
    if (expected === undefined)
      say('optional column, but the schema has no default and is not nullable');
    else if (JSON.stringify(column.default ?? null) !== JSON.stringify(expected)) {
      say(`column default ${JSON.stringify(column.default)} ≠ schema ${JSON.stringify(expected)}`);
    }
  }
  if (nullable && column.required) say('the schema allows null but the column is required');

  const isArray = base.type === 'array';
  if (column.array !== isArray) say(`column array=${column.array} but the schema is ${base.type}`);
  const item = isArray ? (base.items ?? {}) : base;
  problems.push(...typeProblems(column, item).map((text) => `${column.key}: ${text}`));
  return problems;
}

function typeProblems(column: ColumnSpec, item: JsonSchema): string[] {
  const expected = expectedColumnType(item);
  if (!expected) return [`schema type ${JSON.stringify(item)} has no column type`];
  const problems: string[] = [];
  if (column.type !== expected.type || (column.format ?? '') !== (expected.format ?? '')) {
    problems.push(
      `column ${column.type}${column.format ? `/${column.format}` : ''} ≠ schema ${expected.type}${expected.format ? `/${expected.format}` : ''}`,
    );
    return problems;
  }
  if (expected.format === 'enum') {
    const a = [...(column.elements ?? [])].sort();
    const b = (item.enum ?? []).map(String).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      problems.push(`enum elements ${a.join(',')} ≠ schema ${b.join(',')}`);
    }
  } else if (column.type === 'string') {
    if (item.maxLength === undefined) problems.push('the schema sets no maximum length');
    else if (column.size === undefined || item.maxLength > column.size) {
      problems.push(`schema allows ${item.maxLength} characters, the column holds ${column.size}`);
    }
  } else if (column.type === 'integer' || column.type === 'double') {
    if (item.minimum === undefined || column.min === undefined || item.minimum < column.min) {
      problems.push(`schema minimum ${item.minimum} is below the column's ${column.min}`);
    }
    if (item.maximum === undefined || column.max === undefined || item.maximum > column.max) {
      problems.push(`schema maximum ${item.maximum} is above the column's ${column.max}`);
    }
  }
  return problems;
}

function expectedColumnType(item: JsonSchema): { type: string; format?: string } | null {
  if (item.enum) return { type: 'string', format: 'enum' };
  switch (item.type) {
    case 'string':
      if (item.format === 'email') return { type: 'string', format: 'email' };
      if (item.format === 'uri') return { type: 'string', format: 'url' };
      if (item.format === 'date-time') return { type: 'datetime' };
      return { type: 'string' };
    case 'integer':
      return { type: 'integer' };
    case 'number':
      return { type: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return null;
  }
}
