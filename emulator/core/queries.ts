import { type Column, normalizeDatetime } from './column-types.ts';
import { AppwriteError } from './errors.ts';
import { ftsMatch, ftsTableName } from './fulltext.ts';
import type { ParsedQuery } from './query-parse.ts';
import type { TableInfo } from './schema.ts';
import { ident } from './sql-text.ts';

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
        if (!out.limitGiven) out.limit = nonNegativeInt(q.values?.[0], 'limit');
        out.limitGiven = true;
        break;
      case 'offset':
        if (!sawOffset) out.offset = nonNegativeInt(q.values?.[0], 'offset');
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
    if (values.length === 0) {
      throw new AppwriteError('general_query_invalid', `"${q.method}" needs nested queries.`);
    }
    const parts = (values as ParsedQuery[]).map((nested) => {
      if (!FILTERS.has(nested.method)) {
        throw new AppwriteError(
          'general_query_invalid',
          `"${nested.method}" cannot be nested in "${q.method}".`,
        );
      }
      return filter(table, nested, params);
    });
    return `(${parts.join(q.method === 'and' ? ' AND ' : ' OR ')})`;
  }
  if (q.method === 'exists' || q.method === 'notExists') {
    // Values are column names here (facts §2.3); a schemaful column "exists" when it is not null.
    if (values.length === 0)
      throw new AppwriteError('general_query_invalid', `"${q.method}" needs columns.`);
    const parts = values.map((v) => {
      const t = resolve(table, typeof v === 'string' ? v : undefined);
      return `${t.expr} IS ${q.method === 'exists' ? 'NOT ' : ''}NULL`;
    });
    return `(${parts.join(' AND ')})`;
  }
  const target = resolve(table, q.attribute);
  if (target.array && !ARRAY_METHODS.has(q.method)) {
    throw new AppwriteError(
      'general_query_invalid',
      `Cannot query ${q.method} on column "${target.key}" because it is an array.`,
    );
  }
  const col = target.expr;
  const one = (): unknown => {
    if (values.length !== 1) {
      throw new AppwriteError('general_query_invalid', `"${q.method}" takes exactly one value.`);
    }
    return value(target, values[0]);
  };
  const some = (): unknown[] => {
    if (values.length === 0) {
      throw new AppwriteError('general_query_invalid', `"${q.method}" needs at least one value.`);
    }
    return values.map((v) => value(target, v));
  };
  const bind = (v: unknown): string => {
    params.push(v);
    return '?';
  };
  switch (q.method) {
    case 'equal': {
      const list = some();
      const nonNull = list.filter((v) => v !== null);
      const parts = [];
      if (nonNull.length > 0) parts.push(`${col} IN (${nonNull.map(bind).join(', ')})`);
      if (nonNull.length < list.length) parts.push(`${col} IS NULL`);
      return `(${parts.join(' OR ')})`;
    }
    case 'notEqual': {
      const list = some().filter((v) => v !== null);
      if (list.length === 0) return `${col} IS NOT NULL`;
      return `${col} NOT IN (${list.map(bind).join(', ')})`;
    }
    case 'lessThan':
      return `${col} < ${bind(one())}`;
    case 'lessThanEqual':
      return `${col} <= ${bind(one())}`;
    case 'greaterThan':
      return `${col} > ${bind(one())}`;
    case 'greaterThanEqual':
      return `${col} >= ${bind(one())}`;
    case 'between':
    case 'notBetween': {
      if (values.length !== 2) {
        throw new AppwriteError('general_query_invalid', `"${q.method}" takes a start and an end.`);
      }
      const not = q.method === 'notBetween' ? 'NOT ' : '';
      return `${col} ${not}BETWEEN ${bind(value(target, values[0]))} AND ${bind(value(target, values[1]))}`;
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
      const v = one() as string;
      const pattern = q.method.endsWith('tartsWith') ? `${escapeLike(v)}%` : `%${escapeLike(v)}`;
      const not = q.method.startsWith('not') ? 'NOT ' : '';
      return `${col} ${not}LIKE ${bind(pattern)} ESCAPE '\\'`;
    }
    case 'contains':
    case 'containsAny':
    case 'containsAll':
    case 'notContains': {
      const list = some();
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
        throw new AppwriteError(
          'general_query_invalid',
          `Searching by column "${target.key}" requires a fulltext index.`,
        );
      }
      const term = one();
      if (typeof term !== 'string') {
        throw new AppwriteError('general_query_invalid', 'A search term must be a string.');
      }
      const fts = ftsTableName(table, index);
      const match = ftsMatch(term, index.columns.length > 1 ? target.key : null);
      if (match === null) return q.method === 'search' ? '0' : '1';
      const not = q.method === 'notSearch' ? 'NOT ' : '';
      return `r."$sequence" ${not}IN (SELECT rowid FROM "${fts}" WHERE "${fts}" MATCH ${bind(match)})`;
    }
    case 'regex': {
      requireText(target, q.method);
      const pattern = one();
      return `${col} REGEXP ${bind(pattern)}`;
    }
  }
  throw new AppwriteError('general_query_invalid', `Query method "${q.method}" is not supported.`);
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
      return { key: attribute, expr: 'r."$id"', kind: 'string', array: false };
    case '$sequence':
      return { key: attribute, expr: 'r."$sequence"', kind: 'sequence', array: false };
    case '$createdAt':
    case '$updatedAt':
      return { key: attribute, expr: `r."${attribute}"`, kind: 'datetime', array: false };
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
  };
}

/** Checks and converts one query value to what SQLite stores for the column. */
function value(target: Target, v: unknown): unknown {
  if (v === null) return null;
  const bad = (): never => {
    throw new AppwriteError(
      'general_query_invalid',
      `Invalid query value ${JSON.stringify(v)} for column "${target.key}".`,
    );
  };
  switch (target.kind) {
    case 'sequence': {
      const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      return Number.isSafeInteger(n) ? n : bad();
    }
    case 'integer':
      return Number.isSafeInteger(v) ? v : bad();
    case 'float':
      return typeof v === 'number' && Number.isFinite(v) ? v : bad();
    case 'boolean':
      return typeof v === 'boolean' ? (v ? 1 : 0) : bad();
    case 'datetime':
      return (typeof v === 'string' && normalizeDatetime(v)) || bad();
    default:
      return typeof v === 'string' ? v : bad();
  }
}

function requireText(target: Target, method: string): void {
  if (!['string', 'email', 'url', 'ip', 'enum'].includes(target.kind) && target.key !== '$id') {
    throw new AppwriteError(
      'general_query_invalid',
      `Cannot query ${method} on column "${target.key}": it is not a string.`,
    );
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function nonNegativeInt(v: unknown, name: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) {
    throw new AppwriteError('general_query_invalid', `The ${name} must be a non-negative integer.`);
  }
  return v as number;
}
