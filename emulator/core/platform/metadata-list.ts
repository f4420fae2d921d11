import { AppwriteError } from './errors.ts';
import {
  type AttributeKind,
  type AttributeSpec,
  INTERNAL_ATTRIBUTES,
  type ListAttributes,
} from './list-attributes.ts';
import { type ParsedQuery, parseQueries } from './query-parse.ts';

/**
 * Lists of metadata (databases, tables, columns, indexes, functions, executions, variables,
 * deployments, buckets, tokens, webhooks, rules) are a handful of entries each, so their queries
 * run over the models in memory. Rows never come through here: their queries are SQL.
 *
 * The queries are checked as Appwrite checks them: by the route's `queries` param validator (SRV
 * Utopia/Database/Validator/Queries/Base.php, built on utopia-php/database's Queries, Limit,
 * Offset, Cursor, Filter and Order validators), so any refusal — malformed JSON, an unknown method,
 * an attribute the list does not allow, a value of the wrong type, a limit under 1 — is 400
 * `general_argument_invalid`, not the `general_query_invalid` of the row lists. `search` is the
 * route's own param: a substring of the id or name.
 */
export function listMetadata<T extends Record<string, unknown>>(
  items: T[],
  rawQueries: unknown,
  search: unknown,
  idField: string,
  includeTotal: boolean,
  allowed: ListAttributes,
): { total: number; items: T[] } {
  const plan = planQueries(rawQueries, allowed);
  let list = items;
  if (typeof search === 'string' && search.trim() !== '') {
    const needle = search.trim().toLowerCase();
    list = list.filter((item) =>
      [item[idField], item.name].some(
        (v) => typeof v === 'string' && v.toLowerCase().includes(needle),
      ),
    );
  }
  list = list.filter((item) => plan.filters.every((matches) => matches(item)));
  if (plan.random) list = shuffled(list);
  else if (plan.orders.length > 0) list = sorted(list, plan.orders);
  const total = includeTotal ? list.length : 0;
  const { limit, offset, cursor } = plan;
  if (cursor) {
    const at = list.findIndex((item) => item[idField] === cursor.id);
    if (at < 0) {
      throw new AppwriteError('general_cursor_not_found', 'The cursor does not point to an entry.');
    }
    list = cursor.after ? list.slice(at + 1) : list.slice(0, at).reverse();
    list = list.slice(offset, offset + limit);
    if (!cursor.after) list.reverse();
    return { total, items: list };
  }
  return { total, items: list.slice(offset, offset + limit) };
}

type Item = Record<string, unknown>;
type Predicate = (item: Item) => boolean;

interface Order {
  field: string;
  desc: boolean;
}

interface Plan {
  filters: Predicate[];
  orders: Order[];
  random: boolean;
  limit: number;
  offset: number;
  cursor: { id: string; after: boolean } | null;
}

/** Appwrite's default page. */
const DEFAULT_LIMIT = 25;

/** utopia-php/database's UID validator: what a cursor must look like. */
const UID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`queries\` param: ${message}`);
}

/** Parses and validates every query; the first limit, offset and cursor win (Query::groupByType). */
function planQueries(rawQueries: unknown, allowed: ListAttributes): Plan {
  let queries: ParsedQuery[];
  try {
    queries = parseQueries(rawQueries);
  } catch (error) {
    if (error instanceof AppwriteError && error.type === 'general_query_invalid') {
      throw invalid(error.message);
    }
    throw error;
  }
  const plan: Plan = {
    filters: [],
    orders: [],
    random: false,
    limit: DEFAULT_LIMIT,
    offset: 0,
    cursor: null,
  };
  let limitSeen = false;
  let offsetSeen = false;
  for (const query of queries) {
    const { method } = query;
    const first = query.values?.[0];
    switch (method) {
      case 'limit':
        if (!Number.isSafeInteger(first) || (first as number) < 1) {
          throw invalid('Invalid limit: Value must be a valid range between 1 and infinity.');
        }
        if (!limitSeen) plan.limit = first as number;
        limitSeen = true;
        break;
      case 'offset':
        if (!Number.isSafeInteger(first) || (first as number) < 0) {
          throw invalid('Invalid offset: Value must be a valid range between 0 and infinity.');
        }
        if (!offsetSeen) plan.offset = first as number;
        offsetSeen = true;
        break;
      case 'cursorAfter':
      case 'cursorBefore':
        if (typeof first !== 'string' || !UID.test(first)) {
          throw invalid(
            'Invalid cursor: it must be an id (up to 36 letters, digits, ".", "-", "_").',
          );
        }
        plan.cursor ??= { id: first, after: method === 'cursorAfter' };
        break;
      case 'orderAsc':
      case 'orderDesc':
        plan.orders.push({
          field: attributeOf(allowed, query.attribute).field,
          desc: method === 'orderDesc',
        });
        break;
      case 'orderRandom':
        plan.random = true;
        break;
      case 'select':
        // Only some lists accept it; the full model is returned either way.
        if (!allowed.select) throw invalid('Invalid query method: select');
        break;
      default:
        plan.filters.push(filterOf(query, allowed));
    }
  }
  return plan;
}

/** The list's attribute a query names (own keys only: `constructor` is no attribute). */
function attributeOf(
  allowed: ListAttributes,
  name: string | undefined,
): { kind: AttributeKind; field: string } {
  const key = name ?? '';
  const spec: AttributeSpec | undefined = Object.hasOwn(allowed.attributes, key)
    ? allowed.attributes[key]
    : Object.hasOwn(INTERNAL_ATTRIBUTES, key)
      ? INTERNAL_ATTRIBUTES[key]
      : undefined;
  if (!spec) throw invalid(`Invalid query: Attribute not found in schema: ${key}`);
  return typeof spec === 'string' ? { kind: spec, field: key } : spec;
}

/** The methods of utopia-php/database's Filter validator that take exactly one value. */
const ONE_VALUE = new Set([
  'notEqual',
  'lessThan',
  'lessThanEqual',
  'greaterThan',
  'greaterThanEqual',
  'search',
  'notSearch',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
]);
const AT_LEAST_ONE = new Set(['equal', 'contains', 'containsAny', 'containsAll', 'notContains']);
const TWO_VALUES = new Set(['between', 'notBetween']);
const NO_VALUES = new Set(['isNull', 'isNotNull']);
const CONTAINS = new Set(['contains', 'containsAny', 'containsAll', 'notContains']);

/** One filter (or an `and`/`or` of filters), checked as Filter.php does, as a predicate. */
function filterOf(query: ParsedQuery, allowed: ListAttributes): Predicate {
  const { method } = query;
  if (method === 'and' || method === 'or') {
    const nested = (query.values ?? []) as ParsedQuery[];
    const parts = nested.map((q) => {
      if (!isFilter(q.method)) throw invalid(`Invalid query: ${method} may hold only filters.`);
      return filterOf(q, allowed);
    });
    if (parts.length < 2) throw invalid(`Invalid query: ${method} needs at least two queries.`);
    return method === 'and'
      ? (item) => parts.every((p) => p(item))
      : (item) => parts.some((p) => p(item));
  }
  if (!isFilter(method)) throw invalid(`Invalid query method: ${method}`);
  const { kind, field } = attributeOf(allowed, query.attribute);
  const values = query.values ?? [];
  const count = values.length;
  const emptyList = count === 0 || (Array.isArray(values[0]) && values[0].length === 0);
  if (AT_LEAST_ONE.has(method) && emptyList) {
    throw invalid(`Invalid query: ${method} needs at least one value.`);
  }
  if (ONE_VALUE.has(method) && count !== 1) {
    throw invalid(`Invalid query: ${method} takes exactly one value.`);
  }
  if (TWO_VALUES.has(method) && count !== 2) {
    throw invalid(`Invalid query: ${method} takes exactly two values.`);
  }
  if (kind === 'strings' && !CONTAINS.has(method) && !NO_VALUES.has(method)) {
    throw invalid(`Invalid query: cannot ${method} on "${query.attribute}": it is an array.`);
  }
  if (CONTAINS.has(method) && kind !== 'strings' && kind !== 'string') {
    throw invalid(
      `Invalid query: cannot ${method} on "${query.attribute}": it is not an array or a string.`,
    );
  }
  if (!NO_VALUES.has(method)) {
    for (const value of values) {
      if (!valueFits(kind, value)) {
        throw invalid(`Invalid query: Query value is invalid for attribute "${query.attribute}"`);
      }
    }
  }
  const read = (item: Item) => item[field];
  const [a, b] = values;
  switch (method) {
    case 'equal':
      return (item) => values.some((v) => same(kind, read(item), v));
    case 'notEqual':
      return (item) => !same(kind, read(item), a);
    case 'lessThan':
      return (item) => compared(kind, read(item), a, (c) => c < 0);
    case 'lessThanEqual':
      return (item) => compared(kind, read(item), a, (c) => c <= 0);
    case 'greaterThan':
      return (item) => compared(kind, read(item), a, (c) => c > 0);
    case 'greaterThanEqual':
      return (item) => compared(kind, read(item), a, (c) => c >= 0);
    case 'between':
      return (item) => inRange(kind, read(item), a, b);
    case 'notBetween':
      return (item) => !inRange(kind, read(item), a, b);
    case 'startsWith':
      return (item) => lower(read(item)).startsWith(lower(a));
    case 'notStartsWith':
      return (item) => !lower(read(item)).startsWith(lower(a));
    case 'endsWith':
      return (item) => lower(read(item)).endsWith(lower(a));
    case 'notEndsWith':
      return (item) => !lower(read(item)).endsWith(lower(a));
    case 'contains':
    case 'containsAny':
      return (item) => containing(read(item), values, 'any');
    case 'containsAll':
      return (item) => containing(read(item), values, 'all');
    case 'notContains':
      return (item) => !containing(read(item), values, 'any');
    case 'search':
      return (item) => searched(read(item), a);
    case 'notSearch':
      return (item) => !searched(read(item), a);
    case 'isNull':
      return (item) => read(item) === null || read(item) === undefined;
    default: // isNotNull
      return (item) => read(item) !== null && read(item) !== undefined;
  }
}

function isFilter(method: string): boolean {
  return (
    method === 'and' ||
    method === 'or' ||
    method === 'equal' ||
    ONE_VALUE.has(method) ||
    AT_LEAST_ONE.has(method) ||
    TWO_VALUES.has(method) ||
    NO_VALUES.has(method)
  );
}

/** The value types utopia-php/database's Filter validator accepts for each attribute type. */
function valueFits(kind: AttributeKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
    case 'strings':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default: // datetime
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  }
}

/** A comparable form: datetimes as epoch milliseconds, the rest as they are. */
function comparable(kind: AttributeKind, value: unknown): unknown {
  return kind === 'datetime' && typeof value === 'string' ? Date.parse(value) : value;
}

function same(kind: AttributeKind, stored: unknown, given: unknown): boolean {
  return comparable(kind, stored) === comparable(kind, given);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  // Nulls sort first, as MariaDB sorts them ascending.
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function compared(
  kind: AttributeKind,
  stored: unknown,
  given: unknown,
  test: (c: number) => boolean,
): boolean {
  if (stored === null || stored === undefined) return false;
  return test(compare(comparable(kind, stored), comparable(kind, given)));
}

function inRange(kind: AttributeKind, stored: unknown, low: unknown, high: unknown): boolean {
  return compared(kind, stored, low, (c) => c >= 0) && compared(kind, stored, high, (c) => c <= 0);
}

/** Text for the LIKE-style methods: case-insensitive, as MariaDB's collation. */
function lower(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : String(value ?? '').toLowerCase();
}

/** `contains` on an array: any (or all) of the values listed; on a string: a substring. */
function containing(stored: unknown, values: unknown[], how: 'any' | 'all'): boolean {
  const hit = (v: unknown) =>
    Array.isArray(stored) ? stored.includes(v) : lower(stored).includes(lower(v));
  return how === 'any' ? values.some(hit) : values.every(hit);
}

/** A fulltext search, approximated as in the other lists: any word of the term as a substring. */
function searched(stored: unknown, term: unknown): boolean {
  const words = lower(term).split(/\s+/).filter(Boolean);
  return words.some((word) => lower(stored).includes(word));
}

/** Sorted by the order terms; ties keep the stored order, in the last term's direction. */
function sorted<T extends Item>(items: T[], orders: Order[]): T[] {
  const tieDesc = (orders[orders.length - 1] as Order).desc;
  return items
    .map((item, index) => ({ item, index }))
    .sort((x, y) => {
      for (const { field, desc } of orders) {
        const c = compare(x.item[field], y.item[field]);
        if (c !== 0) return desc ? -c : c;
      }
      return tieDesc ? y.index - x.index : x.index - y.index;
    })
    .map(({ item }) => item);
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
