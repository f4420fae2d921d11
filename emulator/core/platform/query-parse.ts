import { AppwriteError } from './errors.ts';

/** One query as the SDKs send it: `{"method","attribute","values"}` (facts §2.3). */
export interface ParsedQuery {
  method: string;
  attribute?: string;
  values?: unknown[];
}

/**
 * Appwrite's limits: 100 queries per request (APP_LIMIT_ARRAY_PARAMS_SIZE), each at most 4,096
 * characters (APP_LIMIT_ARRAY_ELEMENT_SIZE; the routes' `ArrayList(new Text(4096), 100)`), 500
 * values per query (APP_DATABASE_QUERY_MAX_VALUES). The length bound is also what keeps nested
 * `and`/`or` trees and regex patterns small.
 */
const MAX_QUERIES = 100;
const MAX_QUERY_LENGTH = 4096;
const MAX_VALUES = 500;

/**
 * Parses the `queries` param: an array of JSON strings (or a single string, which is how qs hands
 * over `queries=...` without brackets). Malformed JSON, a non-object, a missing method or too many
 * values is a 400 `general_query_invalid`, as Appwrite's `Query::parseQueries` answers.
 */
export function parseQueries(raw: unknown): ParsedQuery[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === 'object'
      ? Object.values(raw as object)
      : [raw];
  if (list.length > MAX_QUERIES) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`queries\` param: at most ${MAX_QUERIES} queries are allowed.`,
    );
  }
  return list.map((item) => {
    if (typeof item !== 'string') {
      throw new AppwriteError('general_query_invalid', 'Each query must be a JSON string.');
    }
    if (item.length > MAX_QUERY_LENGTH) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`queries\` param: each query may be at most ${MAX_QUERY_LENGTH} characters long.`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(item);
    } catch {
      throw new AppwriteError('general_query_invalid', `Invalid query: ${truncate(item)}`);
    }
    return checkQuery(parsed, 0);
  });
}

/** Validates one parsed query object (and nested `and`/`or` values). */
export function checkQuery(value: unknown, depth: number): ParsedQuery {
  if (depth > 3) {
    throw new AppwriteError('general_query_invalid', 'Queries may nest at most 3 levels deep.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppwriteError('general_query_invalid', 'A query must be a JSON object.');
  }
  const { method, attribute, values } = value as Record<string, unknown>;
  if (typeof method !== 'string' || method === '') {
    throw new AppwriteError('general_query_invalid', 'A query needs a `method`.');
  }
  if (attribute !== undefined && typeof attribute !== 'string') {
    throw new AppwriteError('general_query_invalid', 'A query `attribute` must be a string.');
  }
  if (values !== undefined && !Array.isArray(values)) {
    throw new AppwriteError('general_query_invalid', 'A query `values` must be an array.');
  }
  if (values && values.length > MAX_VALUES) {
    throw new AppwriteError(
      'general_query_invalid',
      `A query may have at most ${MAX_VALUES} values.`,
    );
  }
  const query: ParsedQuery = { method };
  if (attribute !== undefined) query.attribute = attribute;
  if (values !== undefined) {
    query.values =
      method === 'and' || method === 'or'
        ? values.map((v) => checkQuery(nested(v), depth + 1))
        : values;
  }
  return query;
}

/** Nested queries arrive as objects from the SDKs; a JSON string is accepted too. */
function nested(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new AppwriteError('general_query_invalid', `Invalid nested query: ${truncate(value)}`);
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
