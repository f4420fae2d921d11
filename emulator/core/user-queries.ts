import { AppwriteError } from './errors.ts';

/**
 * Compiles the queries of `GET /users` into parameterised SQL over `auth_users`. Appwrite lets a user
 * list filter and sort on a fixed set of attributes (SRV Validator/Queries/Users.php); anything else is
 * 400 `general_query_invalid`. Values are always bound parameters.
 */

/** Appwrite attribute → SQL expression. Nullable text is coalesced so order and cursors are total. */
const COLUMNS: Readonly<Record<string, { sql: string; kind: 'text' | 'bool' | 'array' }>> = {
  $id: { sql: 'id', kind: 'text' },
  $createdAt: { sql: 'created_at', kind: 'text' },
  $updatedAt: { sql: 'updated_at', kind: 'text' },
  name: { sql: 'name', kind: 'text' },
  email: { sql: "COALESCE(email, '')", kind: 'text' },
  phone: { sql: "COALESCE(phone, '')", kind: 'text' },
  status: { sql: 'status', kind: 'bool' },
  passwordUpdate: { sql: 'password_update', kind: 'text' },
  registration: { sql: 'registration', kind: 'text' },
  emailVerification: { sql: 'email_verification', kind: 'bool' },
  phoneVerification: { sql: 'phone_verification', kind: 'bool' },
  labels: { sql: 'labels', kind: 'array' },
  accessedAt: { sql: 'accessed_at', kind: 'text' },
};

/** The default and largest page (Appwrite's default page is 25). */
export const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 5000;

/** A compiled list request. */
export interface UserListPlan {
  where: string[];
  params: unknown[];
  orders: Array<{ sql: string; desc: boolean }>;
  limit: number;
  offset: number;
  cursor: { direction: 'after' | 'before'; userId: string } | null;
}

interface Query {
  method: string;
  attribute?: string;
  values?: unknown[];
}

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

function parse(text: string): Query {
  let query: unknown;
  try {
    query = JSON.parse(text);
  } catch {
    throw invalid('not valid JSON.');
  }
  if (!query || typeof query !== 'object' || typeof (query as Query).method !== 'string') {
    throw invalid('a query needs a method.');
  }
  const values = (query as Query).values;
  if (values !== undefined && !Array.isArray(values)) throw invalid('values must be an array.');
  return query as Query;
}

function column(query: Query) {
  const name = query.attribute ?? '';
  const found = COLUMNS[name];
  if (!found) throw invalid(`users cannot be filtered or sorted on '${name}'.`);
  return found;
}

function scalar(kind: string, value: unknown): unknown {
  if (kind === 'bool') {
    if (typeof value !== 'boolean') throw invalid('expected a boolean value.');
    return value ? 1 : 0;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid('expected a string.');
  return value;
}

function nonEmpty(query: Query): unknown[] {
  if (!query.values || query.values.length === 0) throw invalid(`${query.method} needs values.`);
  return query.values;
}

const COMPARE: Record<string, string> = {
  lessThan: '<',
  lessThanEqual: '<=',
  greaterThan: '>',
  greaterThanEqual: '>=',
};

/** Compiles query strings plus a `search` term into a plan. */
export function compileUserList(queries: readonly string[], search: string): UserListPlan {
  const plan: UserListPlan = {
    where: [],
    params: [],
    orders: [],
    limit: DEFAULT_LIMIT,
    offset: 0,
    cursor: null,
  };
  for (const text of queries) {
    const query = parse(text);
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
      if (typeof value !== 'string' || value === '') throw invalid('a cursor needs a user id.');
      plan.cursor = { direction: method === 'cursorAfter' ? 'after' : 'before', userId: value };
    } else if (method === 'orderAsc' || method === 'orderDesc') {
      plan.orders.push({ sql: column(query).sql, desc: method === 'orderDesc' });
    } else if (method === 'select') {
      // Selecting fields does not change which users match; the full model is returned.
    } else if (method === 'search') {
      addSearch(plan, String(nonEmpty(query)[0]));
    } else {
      addFilter(plan, query);
    }
  }
  if (search.trim() !== '') addSearch(plan, search);
  return plan;
}

function addFilter(plan: UserListPlan, query: Query): void {
  const col = column(query);
  const { method } = query;
  if (method === 'isNull' || method === 'isNotNull') {
    const empty =
      col.kind === 'array' ? `${col.sql} = '[]'` : `(${col.sql} IS NULL OR ${col.sql} = '')`;
    plan.where.push(method === 'isNull' ? empty : `NOT ${empty}`);
    return;
  }
  const values = nonEmpty(query);
  if (col.kind === 'array') {
    if (method !== 'equal' && method !== 'contains') {
      throw invalid(`${method} is not supported on labels.`);
    }
    plan.where.push(
      `EXISTS (SELECT 1 FROM json_each(labels) WHERE value IN (${values.map(() => '?').join(', ')}))`,
    );
    plan.params.push(...values.map((v) => scalar('text', v)));
    return;
  }
  const bound = values.map((v) => scalar(col.kind, v));
  switch (method) {
    case 'equal':
      plan.where.push(`${col.sql} IN (${bound.map(() => '?').join(', ')})`);
      plan.params.push(...bound);
      return;
    case 'notEqual':
      plan.where.push(`${col.sql} NOT IN (${bound.map(() => '?').join(', ')})`);
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
      const text = String(bound[0]).replace(/[\\%_]/g, (c) => `\\${c}`);
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
 * Appwrite searches users with a fulltext index over id, email, name and phone, matching any word.
 * Locally each word is a substring match, so a search finds at least what Appwrite finds.
 */
function addSearch(plan: UserListPlan, search: string): void {
  const words = search.trim().split(/\s+/).filter(Boolean).slice(0, 16);
  if (words.length === 0) return;
  const haystack =
    "(id || ' ' || COALESCE(email, '') || ' ' || name || ' ' || COALESCE(phone, ''))";
  plan.where.push(`(${words.map(() => `${haystack} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
  plan.params.push(...words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
}
