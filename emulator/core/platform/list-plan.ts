import { AppwriteError } from './errors.ts';
import { type ParsedQuery, parseQueries } from './query-parse.ts';

/**
 * Compiles the queries of a list route whose resource lives in one SQL table (files, users) into
 * parameterised SQL. Appwrite lets such a list filter and sort on a fixed set of attributes (SRV
 * Validator/Queries/*.php) and checks them while it validates the `queries` param, so anything
 * else — malformed JSON, an unknown method, another attribute, `select`, a limit under 1 — is 400
 * `general_argument_invalid` (the row lists answer `general_query_invalid`: they validate inside the
 * action). Values are always bound parameters. Table rows are not listed through here: their
 * columns are user-defined (queries.ts).
 */

/** How a column's values are checked and compared. */
export type ColumnKind = 'text' | 'int' | 'bool' | 'array';

/** One attribute a list may filter and sort on, as the SQL expression that reads it. */
export interface ListColumn {
  sql: string;
  kind: ColumnKind;
}

/** What differs between the resources that share this planner. */
export interface ListResource {
  /** The plural the messages name: `files cannot be filtered or sorted on 'x'`. */
  plural: string;
  /** The singular a cursor names: `a cursor needs a file id`. */
  singular: string;
  /** Appwrite attribute → SQL. */
  columns: Readonly<Record<string, ListColumn>>;
  /** The SQL text that `search` matches words in. */
  searchIn: string;
  /**
   * `isNull` also matches `''` (text) and `'[]'` (array): users store a missing email, phone or
   * label list that way, and Appwrite answers them as empty.
   */
  blankIsNull?: boolean;
  /** Text columns also take a number (the users list always has). */
  numbersAsText?: boolean;
}

/** Appwrite's default page, and the largest (`APP_LIMIT_COUNT`). */
export const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 5000;

/** A compiled list request. */
export interface ListPlan {
  where: string[];
  params: unknown[];
  orders: Array<{ sql: string; desc: boolean }>;
  limit: number;
  offset: number;
  cursor: { direction: 'after' | 'before'; id: string } | null;
}

const COMPARE: Readonly<Record<string, string>> = {
  lessThan: '<',
  lessThanEqual: '<=',
  greaterThan: '>',
  greaterThanEqual: '>=',
};

/** The filters that take exactly one value (utopia-php/database's Filter validator). */
const ONE_VALUE = new Set([
  'notEqual',
  'lessThan',
  'lessThanEqual',
  'greaterThan',
  'greaterThanEqual',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
]);

/** The filter methods these lists run (`search` is compiled on its own). */
const FILTERS = new Set([
  ...ONE_VALUE,
  'equal',
  'between',
  'notBetween',
  'contains',
  'notContains',
  'isNull',
  'isNotNull',
]);

function invalid(message: string): AppwriteError {
  return new AppwriteError(
    'general_argument_invalid',
    `Invalid \`queries\` param: Invalid query: ${message}`,
  );
}

/** parseQueries' refusals, as the param validator's. */
function parsed(rawQueries: unknown): ParsedQuery[] {
  try {
    return parseQueries(rawQueries);
  } catch (error) {
    if (error instanceof AppwriteError && error.type === 'general_query_invalid') {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`queries\` param: ${error.message}`,
      );
    }
    throw error;
  }
}

function like(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function values(query: ParsedQuery): unknown[] {
  if (!query.values || query.values.length === 0) throw invalid(`${query.method} needs values.`);
  return query.values;
}

/** The values of a method that takes exactly `count` (utopia-php/database's Filter validator). */
function exactly(query: ParsedQuery, count: number): unknown[] {
  const given = query.values ?? [];
  if (given.length !== count) {
    throw invalid(
      `${query.method} takes exactly ${count === 1 ? 'one value' : `${count} values`}.`,
    );
  }
  return given;
}

/** Compiles the `queries` param plus a `search` term for `resource`. */
export function compileList(resource: ListResource, rawQueries: unknown, search: string): ListPlan {
  const plan: ListPlan = {
    where: [],
    params: [],
    orders: [],
    limit: DEFAULT_LIMIT,
    offset: 0,
    cursor: null,
  };
  for (const query of parsed(rawQueries)) {
    const { method } = query;
    if (method === 'limit' || method === 'offset') {
      const value = query.values?.[0];
      // utopia-php/database's Limit validator counts from 1, Offset from 0.
      const [min, max] = method === 'limit' ? [1, MAX_LIMIT] : [0, Number.MAX_SAFE_INTEGER];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw invalid(`${method} must be an integer between ${min} and ${max}.`);
      }
      plan[method] = value;
    } else if (method === 'cursorAfter' || method === 'cursorBefore') {
      const value = query.values?.[0];
      if (typeof value !== 'string' || value === '') {
        throw invalid(`a cursor needs a ${resource.singular} id.`);
      }
      plan.cursor = { direction: method === 'cursorAfter' ? 'after' : 'before', id: value };
    } else if (method === 'orderAsc' || method === 'orderDesc') {
      plan.orders.push({ sql: column(resource, query).sql, desc: method === 'orderDesc' });
    } else if (method === 'select') {
      // Base.php's lists refuse select (isSelectQueryAllowed); only Deployments allows it.
      throw invalid('select is not allowed on this list.');
    } else if (method === 'search') {
      const [term] = exactly(query, 1);
      if (typeof term !== 'string') throw invalid('search needs a string.');
      addSearch(resource, plan, term);
    } else {
      addFilter(resource, plan, query);
    }
  }
  if (search.trim() !== '') addSearch(resource, plan, search);
  return plan;
}

function column(resource: ListResource, query: ParsedQuery): ListColumn {
  const name = query.attribute ?? '';
  // Own keys only: `constructor` or `toString` must not resolve to Object.prototype's.
  const found = Object.hasOwn(resource.columns, name) ? resource.columns[name] : undefined;
  if (!found) throw invalid(`${resource.plural} cannot be filtered or sorted on '${name}'.`);
  return found;
}

function scalar(resource: ListResource, kind: ColumnKind, value: unknown): unknown {
  if (kind === 'bool') {
    if (typeof value !== 'boolean') throw invalid('expected a boolean value.');
    return value ? 1 : 0;
  }
  if (kind === 'int') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('expected a number.');
    return value;
  }
  if (typeof value === 'string' || (resource.numbersAsText && typeof value === 'number')) {
    return value;
  }
  throw invalid('expected a string.');
}

function nullTest(resource: ListResource, col: ListColumn, method: 'isNull' | 'isNotNull'): string {
  if (!resource.blankIsNull) return `${col.sql} ${method === 'isNull' ? 'IS NULL' : 'IS NOT NULL'}`;
  const blank =
    col.kind === 'array' ? `${col.sql} = '[]'` : `(${col.sql} IS NULL OR ${col.sql} = '')`;
  return method === 'isNull' ? blank : `NOT ${blank}`;
}

function addFilter(resource: ListResource, plan: ListPlan, query: ParsedQuery): void {
  const { sql, params } = filterSql(resource, query);
  plan.where.push(sql);
  plan.params.push(...params);
}

/** One filter as SQL; `and`/`or` hold at least two filters (utopia-php/database's Filter validator). */
function filterSql(resource: ListResource, query: ParsedQuery): { sql: string; params: unknown[] } {
  const { method } = query;
  if (method === 'and' || method === 'or') {
    const parts = (query.values ?? []) as ParsedQuery[];
    if (parts.length < 2) throw invalid(`${method} needs at least two queries.`);
    const compiled = parts.map((part) => {
      if (!FILTERS.has(part.method) && part.method !== 'and' && part.method !== 'or') {
        throw invalid(`${method} may hold only filters.`);
      }
      return filterSql(resource, part);
    });
    return {
      sql: `(${compiled.map((c) => c.sql).join(method === 'and' ? ' AND ' : ' OR ')})`,
      params: compiled.flatMap((c) => c.params),
    };
  }
  if (!FILTERS.has(method)) throw invalid(`unknown method '${method}'.`);
  const col = column(resource, query);
  if (method === 'isNull' || method === 'isNotNull') {
    return { sql: nullTest(resource, col, method), params: [] };
  }
  const given = ONE_VALUE.has(method) ? exactly(query, 1) : values(query);
  if (col.kind === 'array') {
    // A JSON array of strings: contains matches any listed value. Other methods are refused on an
    // array (utopia-php/database's Filter validator), equal included.
    if (method !== 'contains' && method !== 'notContains') {
      throw invalid(`cannot query ${method} on ${query.attribute}: it is an array.`);
    }
    const bound = given.map((v) => scalar(resource, 'text', v));
    const exists = `EXISTS (SELECT 1 FROM json_each(${col.sql}) WHERE value IN (${bound.map(() => '?').join(', ')}))`;
    return { sql: method === 'contains' ? exists : `NOT ${exists}`, params: bound };
  }
  const bound = given.map((v) => scalar(resource, col.kind, v));
  switch (method) {
    case 'equal':
    case 'notEqual':
      return {
        sql: `${col.sql} ${method === 'equal' ? 'IN' : 'NOT IN'} (${bound.map(() => '?').join(', ')})`,
        params: bound,
      };
    case 'lessThan':
    case 'lessThanEqual':
    case 'greaterThan':
    case 'greaterThanEqual':
      return { sql: `${col.sql} ${COMPARE[method]} ?`, params: [bound[0]] };
    case 'between':
    case 'notBetween':
      if (bound.length !== 2) throw invalid(`${method} takes exactly 2 values.`);
      return {
        sql: `${col.sql} ${method === 'between' ? '' : 'NOT '}BETWEEN ? AND ?`,
        params: [bound[0], bound[1]],
      };
    default: {
      // startsWith, endsWith, contains and their negations: a LIKE pattern.
      const text = like(String(bound[0]));
      const positive = method.replace(/^not(.)/, (_, c: string) => c.toLowerCase());
      const pattern =
        positive === 'startsWith' ? `${text}%` : positive === 'endsWith' ? `%${text}` : `%${text}%`;
      const not = positive === method ? '' : 'NOT ';
      return { sql: `${col.sql} ${not}LIKE ? ESCAPE '\\'`, params: [pattern] };
    }
  }
}

/**
 * Appwrite searches with a fulltext index, matching any word. Locally each word is a substring
 * match, so a search finds at least what Appwrite finds.
 */
function addSearch(resource: ListResource, plan: ListPlan, search: string): void {
  const words = search.trim().split(/\s+/).filter(Boolean).slice(0, 16);
  if (words.length === 0) return;
  plan.where.push(`(${words.map(() => `${resource.searchIn} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
  plan.params.push(...words.map((w) => `%${like(w)}%`));
}
