import type { FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { requireScope, scopesOf } from '../platform/context.ts';

/**
 * The two spellings of one API: TablesDB (`/tablesdb/{db}/tables/{t}/columns|rows`) and the legacy
 * Databases paths appwrite-cli 12 still uses (`/databases/{db}/collections/{c}/attributes|documents`).
 * Both reach the same data (Appwrite allows either on either kind of database); they differ in
 * names, list wrappers, body keys and scopes.
 */
export interface Dialect {
  root: string;
  tables: string;
  tableParam: string;
  columns: string;
  rows: string;
  rowParam: string;
  security: string;
  legacy: boolean;
  databaseType: 'tablesdb' | 'legacy';
  scopes: {
    databasesRead: string[];
    databasesWrite: string[];
    tablesRead: string[];
    tablesWrite: string[];
    columnsRead: string[];
    columnsWrite: string[];
    indexesRead: string[];
    indexesWrite: string[];
    rowsRead: string[];
    rowsWrite: string[];
  };
}

/** A request, its path params and its body as the data routes read them. */
export type Req = FastifyRequest;
export type Params = Record<string, string>;
export type Body = Record<string, unknown>;

/** The route paths of a dialect and readers for its ids. */
export function pathsOf(d: Dialect) {
  const dbPath = `${d.root}/:databaseId`;
  const tablePath = `${dbPath}/${d.tables}/:${d.tableParam}`;
  return {
    dbPath,
    tablePath,
    rowPath: `${tablePath}/${d.rows}/:${d.rowParam}`,
    tableId: (p: Params) => p[d.tableParam] as string,
    rowId: (p: Params) => p[d.rowParam] as string,
  };
}

/** Appwrite routes list several scopes; holding any one of them is enough. */
export function requireAnyScope(request: Req, scopes: string[]): void {
  const held = scopesOf(request.principal);
  if (scopes.some((s) => held.has(s))) return;
  requireScope(request, scopes[0] as string);
}

/** The JSON body as an object (`{}` for none). */
export function bodyOf(request: Req): Body {
  const body = request.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Body) : {};
}

/** The parsed query string. */
export function queryOf(request: Req): Body {
  return (request.query ?? {}) as Body;
}

/** Appwrite's UID validator: at most 36 characters of a-z, A-Z, 0-9, `.`, `-`, `_`, not starting with a special one. */
const UID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

/**
 * The `transactionId` a row route was given (in the body, or the query string of a read), or
 * `null`. One that is not an id is 400 `general_argument_invalid`, as the route's UID validator.
 */
export function transactionIdOf(source: Body): string | null {
  const id = source.transactionId;
  if (id === undefined || id === null) return null;
  if (typeof id !== 'string' || !UID.test(id)) {
    throw new AppwriteError(
      'general_argument_invalid',
      "Invalid `transactionId` param: Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
    );
  }
  return id;
}
