import { AppwriteError } from './errors.ts';
import { type ParsedQuery, parseQueries } from './query-parse.ts';

/**
 * Compiles the queries of `GET /storage/buckets/{id}/files` into parameterised SQL over
 * `storage_files` (alias `f`). Appwrite lets a file list filter and sort on a fixed set of attributes
 * (SRV Validator/Queries/Files.php plus `$id`, `$createdAt`, `$updatedAt`); anything else is 400
 * `general_query_invalid`. Values are always bound parameters.
 */

const COLUMNS: Readonly<Record<string, { sql: string; kind: 'text' | 'int' }>> = {
  $id: { sql: 'f.id', kind: 'text' },
  $createdAt: { sql: 'f.created_at', kind: 'text' },
  $updatedAt: { sql: 'f.updated_at', kind: 'text' },
  name: { sql: 'f.name', kind: 'text' },
  signature: { sql: 'f.signature', kind: 'text' },
  mimeType: { sql: 'f.mime_type', kind: 'text' },
  sizeOriginal: { sql: 'f.size_original', kind: 'int' },
  chunksTotal: { sql: 'f.chunks_total', kind: 'int' },
  chunksUploaded: { sql: 'f.chunks_uploaded', kind: 'int' },
};

/** Appwrite's default page, and the largest (`APP_LIMIT_COUNT`). */
export const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 5000;

/** A compiled list request. */
export interface FileListPlan {
  where: string[];
  params: unknown[];
  orders: Array<{ sql: string; desc: boolean }>;
  limit: number;
  offset: number;
  cursor: { direction: 'after' | 'before'; fileId: string } | null;
}

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

function column(query: ParsedQuery) {
  const name = query.attribute ?? '';
  const found = COLUMNS[name];
  if (!found) throw invalid(`files cannot be filtered or sorted on '${name}'.`);
  return found;
}

function values(query: ParsedQuery): unknown[] {
  if (!query.values || query.values.length === 0) throw invalid(`${query.method} needs values.`);
  return query.values;
}

function scalar(kind: 'text' | 'int', value: unknown): unknown {
  if (kind === 'int' && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw invalid('expected a number.');
  }
  if (kind === 'text' && typeof value !== 'string') throw invalid('expected a string.');
  return value;
}

const COMPARE: Readonly<Record<string, string>> = {
  lessThan: '<',
  lessThanEqual: '<=',
  greaterThan: '>',
  greaterThanEqual: '>=',
};

function like(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Compiles the `queries` param plus a `search` term. */
export function compileFileList(rawQueries: unknown, search: string): FileListPlan {
  const plan: FileListPlan = {
    where: [],
    params: [],
    orders: [],
    limit: DEFAULT_LIMIT,
    offset: 0,
    cursor: null,
  };
  for (const query of parseQueries(rawQueries)) {
    const { method } = query;
    if (method === 'limit' || method === 'offset') {
      const value = query.values?.[0];
      const max = method === 'limit' ? MAX_LIMIT : Number.MAX_SAFE_INTEGER;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
        throw invalid(`${method} must be an integer between 0 and ${max}.`);
      }
      plan[method] = value;
    } else if (method === 'cursorAfter' || method === 'cursorBefore') {
      const value = query.values?.[0];
      if (typeof value !== 'string' || value === '') throw invalid('a cursor needs a file id.');
      plan.cursor = { direction: method === 'cursorAfter' ? 'after' : 'before', fileId: value };
    } else if (method === 'orderAsc' || method === 'orderDesc') {
      plan.orders.push({ sql: column(query).sql, desc: method === 'orderDesc' });
    } else if (method === 'select') {
      // Selecting fields does not change which files match; the full model is returned.
    } else if (method === 'search') {
      addSearch(plan, String(values(query)[0]));
    } else {
      addFilter(plan, query);
    }
  }
  if (search.trim() !== '') addSearch(plan, search);
  return plan;
}

function addFilter(plan: FileListPlan, query: ParsedQuery): void {
  const col = column(query);
  const { method } = query;
  if (method === 'isNull' || method === 'isNotNull') {
    plan.where.push(method === 'isNull' ? `${col.sql} IS NULL` : `${col.sql} IS NOT NULL`);
    return;
  }
  const bound = values(query).map((v) => scalar(col.kind, v));
  switch (method) {
    case 'equal':
    case 'notEqual':
      plan.where.push(
        `${col.sql} ${method === 'equal' ? 'IN' : 'NOT IN'} (${bound.map(() => '?').join(', ')})`,
      );
      plan.params.push(...bound);
      return;
    case 'lessThan':
    case 'lessThanEqual':
    case 'greaterThan':
    case 'greaterThanEqual':
      plan.where.push(`${col.sql} ${COMPARE[method]} ?`);
      plan.params.push(bound[0]);
      return;
    case 'between':
      if (bound.length !== 2) throw invalid('between needs two values.');
      plan.where.push(`${col.sql} BETWEEN ? AND ?`);
      plan.params.push(bound[0], bound[1]);
      return;
    case 'startsWith':
    case 'endsWith':
    case 'contains': {
      const text = like(String(bound[0]));
      const pattern =
        method === 'startsWith' ? `${text}%` : method === 'endsWith' ? `%${text}` : `%${text}%`;
      plan.where.push(`${col.sql} LIKE ? ESCAPE '\\'`);
      plan.params.push(pattern);
      return;
    }
    default:
      throw invalid(`unknown method '${method}'.`);
  }
}

/**
 * Appwrite searches files with a fulltext index over "id name", matching any word. Locally each word
 * is a substring match, so a search finds at least what Appwrite finds.
 */
function addSearch(plan: FileListPlan, search: string): void {
  const words = search.trim().split(/\s+/).filter(Boolean).slice(0, 16);
  if (words.length === 0) return;
  const haystack = "(f.id || ' ' || f.name)";
  plan.where.push(`(${words.map(() => `${haystack} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
  plan.params.push(...words.map((w) => `%${like(w)}%`));
}
