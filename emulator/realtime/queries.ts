/**
 * Realtime's own small query language: a subscription may narrow what it hears with the subset of
 * Appwrite queries that can be checked against one payload in memory (Appwrite 1.9.5
 * src/Appwrite/Utopia/Database/RuntimeQuery.php). Anything else is refused with 1003, so a client
 * learns at subscribe time, not by silently missing events.
 */
import { AppwriteError } from '../core/platform/errors.ts';
import { type ParsedQuery, parseQueries } from '../core/platform/query-parse.ts';

/** The methods Realtime accepts, in Appwrite's order (also listed in the error message). */
export const REALTIME_QUERY_METHODS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanEqual',
  'greaterThan',
  'greaterThanEqual',
  'isNull',
  'isNotNull',
  'and',
  'or',
  'select',
] as const;

/** A subscription's queries, checked and ready to test payloads. */
export interface RealtimeQueries {
  /** The queries as the client sent them (echoed in the `subscribe` response). */
  strings: string[];
  /** `null` means "everything" (no queries, or `select("*")`). */
  conditions: ParsedQuery[] | null;
}

/** Thrown for a query Realtime cannot use; the transport answers it as error 1003. */
export class RealtimeQueryError extends Error {}

/**
 * Parses and checks a subscription's `queries` (a list of Appwrite query JSON strings). Throws
 * `RealtimeQueryError` for malformed JSON, an unsupported method or a `select` other than `*`.
 */
export function compileRealtimeQueries(raw: unknown): RealtimeQueries {
  const strings = Array.isArray(raw) ? raw.filter((q): q is string => typeof q === 'string') : [];
  let parsed: ParsedQuery[];
  try {
    parsed = parseQueries(raw ?? []);
  } catch (error) {
    throw new RealtimeQueryError(error instanceof AppwriteError ? error.message : 'Invalid query.');
  }
  const stack = [...parsed];
  while (stack.length > 0) {
    const query = stack.pop() as ParsedQuery;
    if (!(REALTIME_QUERY_METHODS as readonly string[]).includes(query.method)) {
      throw new RealtimeQueryError(
        `Query method '${query.method}' is not supported in Realtime queries. Allowed: ${REALTIME_QUERY_METHODS.join(', ')}`,
      );
    }
    if (query.method === 'select' && !isSelectAll(query)) {
      throw new RealtimeQueryError(
        'Only select("*") is allowed in Realtime queries; it means "every event".',
      );
    }
    if (query.method === 'and' || query.method === 'or') {
      stack.push(...((query.values ?? []) as ParsedQuery[]));
    }
  }
  const everything = parsed.length === 0 || parsed.some(isSelectAll);
  return { strings, conditions: everything ? null : parsed };
}

function isSelectAll(query: ParsedQuery): boolean {
  return query.method === 'select' && query.values?.length === 1 && query.values[0] === '*';
}

/**
 * Whether a payload passes a subscription's queries: every top-level condition must hold (AND),
 * `or` holds when any of its conditions does. A condition on an attribute the payload lacks fails.
 */
export function matchesQueries(
  queries: RealtimeQueries,
  payload: Readonly<Record<string, unknown>>,
) {
  return queries.conditions === null || queries.conditions.every((q) => holds(q, payload));
}

function holds(query: ParsedQuery, payload: Readonly<Record<string, unknown>>): boolean {
  const values = query.values ?? [];
  if (query.method === 'and') return (values as ParsedQuery[]).every((q) => holds(q, payload));
  if (query.method === 'or') return (values as ParsedQuery[]).some((q) => holds(q, payload));
  if (query.method === 'select') return true;
  const attribute = query.attribute ?? '';
  if (!Object.hasOwn(payload, attribute)) return false;
  const value = payload[attribute];
  switch (query.method) {
    case 'equal':
      return values.some((target) => same(value, target));
    case 'notEqual':
      return !values.some((target) => same(value, target));
    case 'lessThan':
      return values.some((target) => compare(value, target, (a, b) => a < b));
    case 'lessThanEqual':
      return values.some((target) => compare(value, target, (a, b) => a <= b));
    case 'greaterThan':
      return values.some((target) => compare(value, target, (a, b) => a > b));
    case 'greaterThanEqual':
      return values.some((target) => compare(value, target, (a, b) => a >= b));
    case 'isNull':
      return value === null;
    case 'isNotNull':
      return value !== null;
    default:
      return false;
  }
}

/** Strict equality, as upstream's `===` (so `1` does not equal `"1"`). */
function same(value: unknown, target: unknown): boolean {
  return value === target;
}

/** Orders numbers with numbers and strings with strings; mixed types never match. */
function compare(
  value: unknown,
  target: unknown,
  test: (a: number | string, b: number | string) => boolean,
): boolean {
  const bothNumbers = typeof value === 'number' && typeof target === 'number';
  const bothStrings = typeof value === 'string' && typeof target === 'string';
  return (bothNumbers || bothStrings) && test(value as number | string, target as number | string);
}
