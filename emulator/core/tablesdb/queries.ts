import { AppwriteError } from '../platform/errors.ts';
import type { ParsedQuery } from '../platform/query-parse.ts';
import { ident } from '../platform/sql-text.ts';
import { type Column, normalizeDatetime } from './column-types.ts';
import { ftsMatch, ftsTableName } from './fulltext.ts';
import { compileRegex } from './query-regex.ts';
import type { TableInfo } from './schema.ts';

/** Appwrite's default page size (APP_LIMIT_LIST_DEFAULT). */
export const DEFAULT_LIMIT = 25;

/** One ORDER BY term; `column` is the key, `expr` the SQL. */
export interface OrderTerm {
  column: string;
  expr: string;
  desc: boolean;
}

/** A row list request compiled to SQL pieces over the row table aliased `r`. */
export interface CompiledQuery {
  /** The filter condition (`1` when there is none); every value is in `params`. */
  where: string;
  params: unknown[];
  /** Order terms as given; the caller appends `"$sequence"` as the tie-breaker. */
  orders: OrderTerm[];
  random: boolean;
  limit: number;
  /** Whether the queries set a limit (bulk operations default to all rows, not a page). */
  limitGiven: boolean;
  offset: number;
  cursor: { id: string; after: boolean } | null;
  /** Selected user column keys, or `null` for all. */
  select: string[] | null;
}

type Kind = Column['kind'] | 'sequence';
interface Target {
  key: string;
  expr: string;
  kind: Kind;
  array: boolean;
  /** Integer columns whose `max` fits 32 bits are 4-byte columns in Appwrite, queried as such. */
  int32: boolean;
}

const FILTERS = new Set([
  'equal',
  'notEqual',
  'lessThan',
  'lessThanEqual',
  'greaterThan',
  'greaterThanEqual',
  'between',
  'notBetween',
  'isNull',
  'isNotNull',
  'exists',
  'notExists',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'contains',
  'containsAny',
  'containsAll',
  'notContains',
  'search',
  'notSearch',
  'regex',
  'and',
  'or',
]);

/**
 * How many values each filter takes, as utopia-php/database 6.0 checks them
 * (src/Database/Validator/Query/Filter.php): `isNull`/`isNotNull` take any number (each still
 * checked against the column), `and`/`or`/`exists` are handled on their own.
 */
const ARITY: Readonly<Record<string, 'one' | 'two' | 'some'>> = {
  equal: 'some',
  contains: 'some',
  containsAny: 'some',
  containsAll: 'some',
  notContains: 'some',
  notEqual: 'one',
  lessThan: 'one',
  lessThanEqual: 'one',
  greaterThan: 'one',
  greaterThanEqual: 'one',
  search: 'one',
  notSearch: 'one',
  startsWith: 'one',
  notStartsWith: 'one',
  endsWith: 'one',
  notEndsWith: 'one',
  regex: 'one',
  between: 'two',
  notBetween: 'two',
};

/** Methods valid on array columns (utopia-php/database Filter validator). */
const ARRAY_METHODS = new Set([
  'contains',
  'containsAny',
  'containsAll',
  'notContains',
  'isNull',
  'isNotNull',
  'exists',
  'notExists',
]);

/**
 * Compiles parsed Appwrite queries into parameterised SQL over one table. Unknown columns, wrong
 * value types, unsupported methods and a `search` without a fulltext index are 400
 * `general_query_invalid`, which is what Appwrite answers (its QueryException → GENERAL_QUERY_INVALID
 * in Rows/XList.php). No value is ever spliced into the SQL text.
 */
export function compileQueries(table: TableInfo, queries: ParsedQuery[]): CompiledQuery {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const out: CompiledQuery = {
    where: '1',
    params,
    orders: [],
    random: false,
    limit: DEFAULT_LIMIT,
    limitGiven: false,
    offset: 0,
    cursor: null,
    select: null,
  };
  let sawOffset = false;
  for (const q of queries) {
    if (FILTERS.has(q.method)) {
      conditions.push(filter(table, q, params));
      continue;
    }
    switch (q.method) {
      case 'select':
        out.select = selection(table, q);
        break;
      case 'orderAsc':
      case 'orderDesc': {
        const target = resolve(table, q.attribute);
        out.orders.push({ column: target.key, expr: target.expr, desc: q.method === 'orderDesc' });
        break;
      }
      case 'orderRandom':
        out.random = true;
        break;
      case 'limit':
        // Appwrite keeps the first limit/offset/cursor it sees (Query::groupByType).
        if (!out.limitGiven) out.limit = count(q.values?.[0], 'limit', 1);
        out.limitGiven = true;
        break;
      case 'offset':
        if (!sawOffset) out.offset = count(q.values?.[0], 'offset', 0);
        sawOffset = true;
        break;
      case 'cursorAfter':
      case 'cursorBefore': {
        const id = q.values?.[0];
        if (typeof id !== 'string' || id === '') {
          throw new AppwriteError('general_query_invalid', 'A cursor needs a row id.');
        }
        out.cursor ??= { id, after: q.method === 'cursorAfter' };
        break;
      }
      default:
        throw new AppwriteError(
          'general_query_invalid',
          `Query method "${q.method}" is not supported.`,
        );
    }
  }
  if (conditions.length > 0) out.where = conditions.join(' AND ');
  return out;
}

function filter(table: TableInfo, q: ParsedQuery, params: unknown[]): string {
  const values = q.values ?? [];
  if (q.method === 'and' || q.method === 'or') {
    // Appwrite: "And queries require at least two queries", "…can only contain filter queries".
    if (values.length < 2) {
      throw invalid(`"${q.method}" needs at least two nested queries.`);
    }
    const parts = (values as ParsedQuery[]).map((nested) => {
      if (!FILTERS.has(nested.method)) {
        throw invalid(`"${nested.method}" cannot be nested in "${q.method}"; only filters can.`);
      }
      return filter(table, nested, params);
    });
    return `(${parts.join(q.method === 'and' ? ' AND ' : ' OR ')})`;
  }
  if (q.method === 'exists' || q.method === 'notExists') {
    // Values are column names here (facts §2.3); a schemaful column "exists" when it is not null.
    if (values.length === 0) throw invalid(`"${q.method}" needs columns.`);
    const parts = values.map((v) => {
      const t = resolve(table, typeof v === 'string' ? v : undefined);
      return `${t.expr} IS ${q.method === 'exists' ? 'NOT ' : ''}NULL`;
    });
    return `(${parts.join(' AND ')})`;
  }
  const target = resolve(table, q.attribute);
  if (target.array && !ARRAY_METHODS.has(q.method)) {
    throw invalid(`cannot query ${q.method} on column "${target.key}" because it is an array.`);
  }
  const arity = ARITY[q.method];
  if (arity === 'one' && values.length !== 1) {
    throw invalid(`"${q.method}" takes exactly one value, not ${values.length}.`);
  }
  if (arity === 'two' && values.length !== 2) {
    throw invalid(`"${q.method}" takes a start and an end, not ${values.length} values.`);
  }
  if (arity === 'some' && (values.length === 0 || isEmptyList(values[0]))) {
    throw invalid(`"${q.method}" needs at least one value.`);
  }
  // Every value is checked against the column before any SQL is written, including the values
  // Appwrite ignores (isNull's): null, a number for a string, a string for a number are all 400.
  const list = values.map((v) => value(target, v, q.method));
  const col = target.expr;
  const bind = (v: unknown): string => {
    params.push(v);
    return '?';
  };
  const first = list[0];
  switch (q.method) {
    case 'equal':
      return `${col} IN (${list.map(bind).join(', ')})`;
    case 'notEqual':
      return `${col} != ${bind(first)}`;
    case 'lessThan':
      return `${col} < ${bind(first)}`;
    case 'lessThanEqual':
      return `${col} <= ${bind(first)}`;
    case 'greaterThan':
      return `${col} > ${bind(first)}`;
    case 'greaterThanEqual':
      return `${col} >= ${bind(first)}`;
    case 'between':
    case 'notBetween': {
      const not = q.method === 'notBetween' ? 'NOT ' : '';
      return `${col} ${not}BETWEEN ${bind(first)} AND ${bind(list[1])}`;
    }
    case 'isNull':
      return `${col} IS NULL`;
    case 'isNotNull':
      return `${col} IS NOT NULL`;
    case 'startsWith':
    case 'notStartsWith':
    case 'endsWith':
    case 'notEndsWith': {
      requireText(target, q.method);
      const text = escapeLike(first as string);
      const pattern = q.method.endsWith('tartsWith') ? `${text}%` : `%${text}`;
      const not = q.method.startsWith('not') ? 'NOT ' : '';
      return `${col} ${not}LIKE ${bind(pattern)} ESCAPE '\\'`;
    }
    case 'contains':
    case 'containsAny':
    case 'containsAll':
    case 'notContains': {
      let sql: string;
      if (target.array) {
        if (q.method === 'containsAll') {
          const distinct = [...new Set(list)];
          sql = `(SELECT COUNT(DISTINCT j.value) FROM json_each(${col}) j WHERE j.value IN (${distinct.map(bind).join(', ')})) = ${distinct.length}`;
        } else {
          sql = `EXISTS (SELECT 1 FROM json_each(${col}) j WHERE j.value IN (${list.map(bind).join(', ')}))`;
        }
      } else {
        requireText(target, q.method);
        const joiner = q.method === 'containsAll' ? ' AND ' : ' OR ';
        sql = `(${list.map((v) => `${col} LIKE ${bind(`%${escapeLike(v as string)}%`)} ESCAPE '\\'`).join(joiner)})`;
      }
      return q.method === 'notContains' ? `NOT ${sql}` : sql;
    }
    case 'search':
    case 'notSearch': {
      const index = table.indexes.find(
        (i) => i.type === 'fulltext' && i.columns.includes(target.key),
      );
      if (!index) {
        throw invalid(`searching by column "${target.key}" requires a fulltext index.`);
      }
      requireText(target, q.method);
      const fts = ftsTableName(table, index);
      const match = ftsMatch(first as string, index.columns.length > 1 ? target.key : null);
      if (match === null) return q.method === 'search' ? '0' : '1';
      const not = q.method === 'notSearch' ? 'NOT ' : '';
      return `r."$sequence" ${not}IN (SELECT rowid FROM "${fts}" WHERE "${fts}" MATCH ${bind(match)})`;
    }
    case 'regex':
      requireText(target, q.method);
      // Checked and compiled once here; the per-row `regexp` function finds it compiled.
      compileRegex(first);
      return `${col} REGEXP ${bind(first)}`;
  }
  throw invalid(`query method "${q.method}" is not supported.`);
}

function selection(table: TableInfo, q: ParsedQuery): string[] | null {
  const values = q.values ?? [];
  if (values.length === 0) {
    throw new AppwriteError('general_query_invalid', '"select" needs at least one column.');
  }
  if (values.includes('*')) return null;
  return values.map((v) => {
    const t = resolve(table, typeof v === 'string' ? v : undefined);
    return t.key;
  });
}

function resolve(table: TableInfo, attribute: string | undefined): Target {
  if (attribute === undefined || attribute === '') {
    throw new AppwriteError('general_query_invalid', 'This query needs a column.');
  }
  switch (attribute) {
    case '$id':
      return { key: attribute, expr: 'r."$id"', kind: 'string', array: false, int32: false };
    case '$sequence':
      return {
        key: attribute,
        expr: 'r."$sequence"',
        kind: 'sequence',
        array: false,
        int32: false,
      };
    case '$createdAt':
    case '$updatedAt':
      return {
        key: attribute,
        expr: `r."${attribute}"`,
        kind: 'datetime',
        array: false,
        int32: false,
      };
  }
  const column = table.columns.find((c) => c.key === attribute);
  if (!column) {
    throw new AppwriteError(
      'general_query_invalid',
      `Invalid query: column "${attribute}" was not found in the table.`,
    );
  }
  return {
    key: column.key,
    expr: `r.${ident(column.key)}`,
    kind: column.kind,
    array: column.array,
    // Appwrite sizes an integer column by its max alone (Integer/Create.php: `$max > 2147483647`).
    int32: column.kind === 'integer' && typeof column.max === 'number' && column.max <= INT32_MAX,
  };
}

const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;

/**
 * Checks one query value against the column, as Appwrite's Filter validator does (a Text, Integer,
 * FloatValidator, Boolean, Datetime or Sequence validator per column type; none of them takes
 * `null`), and converts it to what SQLite stores. Array columns check each element's type.
 */
function value(target: Target, v: unknown, method: string): unknown {
  const bad = (expected: string): never => {
    throw invalid(`${method} on column "${target.key}" needs ${expected}, not ${describe(v)}.`);
  };
  switch (target.kind) {
    case 'sequence': {
      // utopia's Sequence validator: an integer id from 1 up, as a number or a digit string.
      const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
      return Number.isSafeInteger(n) && (n as number) >= 1 ? n : bad('a positive integer');
    }
    case 'integer':
      if (!Number.isSafeInteger(v)) return bad('an integer');
      if (target.int32 && ((v as number) < INT32_MIN || (v as number) > INT32_MAX)) {
        return bad('a 32-bit integer');
      }
      return v;
    case 'float':
      return typeof v === 'number' && Number.isFinite(v) ? v : bad('a number');
    case 'boolean':
      return typeof v === 'boolean' ? (v ? 1 : 0) : bad('a boolean');
    case 'datetime':
      return (typeof v === 'string' && normalizeDatetime(v)) || bad('a datetime');
    default:
      return typeof v === 'string' ? v : bad('a string');
  }
}

/** Appwrite's `isEmpty`: `equal("x", [[]])` has no value either. */
function isEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0;
}

/** A value for a message: JSON, cut short. */
function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

function requireText(target: Target, method: string): void {
  if (!['string', 'email', 'url', 'ip', 'enum'].includes(target.kind)) {
    throw invalid(`cannot query ${method} on column "${target.key}": it is not a string.`);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A limit (from 1, utopia's Limit validator) or an offset (from 0). */
function count(v: unknown, name: string, min: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min) {
    throw invalid(`the ${name} must be an integer from ${min} up, not ${describe(v)}.`);
  }
  return v as number;
}
