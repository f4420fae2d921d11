import { q } from './api.ts';
import type { Column } from './schema.ts';

/** The query builder's operators, as Appwrite's Query methods. */
export const OPERATORS = [
  { method: 'equal', label: 'equals', values: 1 },
  { method: 'notEqual', label: 'does not equal', values: 1 },
  { method: 'contains', label: 'contains', values: 1 },
  { method: 'startsWith', label: 'starts with', values: 1 },
  { method: 'greaterThan', label: '>', values: 1 },
  { method: 'greaterThanEqual', label: '≥', values: 1 },
  { method: 'lessThan', label: '<', values: 1 },
  { method: 'lessThanEqual', label: '≤', values: 1 },
  { method: 'between', label: 'between', values: 2 },
  { method: 'search', label: 'matches (fulltext search)', values: 1 },
  { method: 'isNull', label: 'is empty', values: 0 },
  { method: 'isNotNull', label: 'is not empty', values: 0 },
] as const;

/** One line of the query builder. */
export interface Filter {
  id: number;
  column: string;
  method: string;
  value: string;
  value2: string;
}

/** The system columns every row has, filterable as strings. */
export const SYSTEM_COLUMNS: Column[] = [
  { key: '$id', type: 'string', required: true, array: false },
  { key: '$createdAt', type: 'datetime', required: true, array: false },
  { key: '$updatedAt', type: 'datetime', required: true, array: false },
];

function typed(column: Column | undefined, text: string): unknown {
  if (column?.type === 'integer' || column?.type === 'double') return Number(text);
  if (column?.type === 'boolean') return text.trim().toLowerCase() === 'true';
  return text;
}

/** A filter as Appwrite's JSON query. */
export function filterQuery(filter: Filter, columns: readonly Column[]): string {
  const column = columns.find((c) => c.key === filter.column);
  const arity = OPERATORS.find((o) => o.method === filter.method)?.values ?? 1;
  const values =
    arity === 0
      ? []
      : arity === 2
        ? [typed(column, filter.value), typed(column, filter.value2)]
        : [typed(column, filter.value)];
  if (arity === 0) return JSON.stringify({ method: filter.method, attribute: filter.column });
  return q.where(filter.method, filter.column, values);
}
