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

/** `total=false` skips counting (query strings carry it as text). */
export function includeTotal(source: Body): boolean {
  const total = source.total;
  return !(total === false || total === 'false' || total === '0');
}

/** Transactions are not supported yet; refusing is safer than applying the write at once. */
export function refuseTransaction(source: Body): void {
  if (source.transactionId !== undefined && source.transactionId !== null) {
    throw new AppwriteError(
      'general_not_implemented',
      'Transactions are not supported by the local Appwrite yet.',
    );
  }
}
