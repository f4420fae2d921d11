import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { columnKindOf, columnModel, isColumnKind } from '../core/column-types.ts';
import { AppwriteError } from '../core/errors.ts';
import { applyColumn, applyIndex } from '../core/project-config.ts';
import { presentRow, type Row } from '../core/rows.ts';
import type { TableInfo } from '../core/schema.ts';
import { databaseModel, indexModel, tableModel } from '../core/schema-models.ts';
import { openTablesDB } from '../core/tables-db.ts';
import { formatBefore, requireScope, type ServiceContext, scopesOf } from './context.ts';

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

type Req = FastifyRequest;
type Params = Record<string, string>;
type Body = Record<string, unknown>;

/** Appwrite routes list several scopes; holding any one of them is enough. */
function requireAnyScope(request: Req, scopes: string[]): void {
  const held = scopesOf(request.principal);
  if (scopes.some((s) => held.has(s))) return;
  requireScope(request, scopes[0] as string);
}

function bodyOf(request: Req): Body {
  const body = request.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Body) : {};
}

function queryOf(request: Req): Body {
  return (request.query ?? {}) as Body;
}

/** `total=false` skips counting (query strings carry it as text). */
function includeTotal(source: Body): boolean {
  const total = source.total;
  return !(total === false || total === 'false' || total === '0');
}

/** Transactions are not supported yet; refusing is safer than applying the write at once. */
function refuseTransaction(source: Body): void {
  if (source.transactionId !== undefined && source.transactionId !== null) {
    throw new AppwriteError(
      'general_not_implemented',
      'Transactions are not supported by the local Appwrite yet.',
    );
  }
}

/** Registers every database, table, column, index and row route of one dialect. */
export function registerDataRoutes(app: FastifyInstance, ctx: ServiceContext, d: Dialect): void {
  const { schema, rows, writes } = openTablesDB(ctx.db);
  const s = d.scopes;
  const dbPath = `${d.root}/:databaseId`;
  const tablePath = `${dbPath}/${d.tables}/:${d.tableParam}`;
  const rowPath = `${tablePath}/${d.rows}/:${d.rowParam}`;
  const tableId = (p: Params) => p[d.tableParam] as string;
  const rowId = (p: Params) => p[d.rowParam] as string;

  const shapeTable = (info: TableInfo) => {
    const model = tableModel(info);
    if (!d.legacy) return model;
    const { columns, indexes, rowSecurity, ...rest } = model;
    return {
      ...rest,
      [d.security]: rowSecurity,
      attributes: columns,
      indexes: (indexes as Record<string, unknown>[]).map(legacyIndex),
    };
  };
  const shapeIndex = (model: Record<string, unknown>) => (d.legacy ? legacyIndex(model) : model);
  const shapeRow = (request: Req, row: Row) =>
    presentRow(row, {
      responseFormat: formatBefore(request, '1.9.0') ? '1.8.0' : request.responseFormat,
      legacy: d.legacy,
    });
  const shapeRows = (request: Req, list: { total: number; rows: Row[] }) => ({
    total: list.total,
    [d.rows]: list.rows.map((r) => shapeRow(request, r)),
  });

  // ---- databases ---------------------------------------------------------------------------
  app.get(d.root, async (request) => {
    requireAnyScope(request, s.databasesRead);
    const q = queryOf(request);
    return schema.listDatabases(q.queries, q.search, includeTotal(q));
  });
  app.post(d.root, async (request, reply) => {
    requireAnyScope(request, s.databasesWrite);
    const info = schema.createDatabase(bodyOf(request), d.databaseType);
    return reply.code(201).send(databaseModel(info));
  });
  app.get(dbPath, async (request) => {
    requireAnyScope(request, s.databasesRead);
    return databaseModel(schema.getDatabase((request.params as Params).databaseId as string));
  });
  app.put(dbPath, async (request) => {
    requireAnyScope(request, s.databasesWrite);
    const id = (request.params as Params).databaseId as string;
    return databaseModel(schema.updateDatabase(id, bodyOf(request)));
  });
  app.delete(dbPath, async (request, reply) => {
    requireAnyScope(request, s.databasesWrite);
    schema.deleteDatabase((request.params as Params).databaseId as string);
    return reply.code(204).send();
  });

  // ---- tables ------------------------------------------------------------------------------
  app.get(`${dbPath}/${d.tables}`, async (request) => {
    requireAnyScope(request, s.tablesRead);
    const q = queryOf(request);
    const p = request.params as Params;
    const list = schema.listTables(p.databaseId as string, q.queries, q.search, includeTotal(q));
    return {
      total: list.total,
      [d.tables]: list.tables.map((t) =>
        shapeTable(schema.table(p.databaseId as string, t.$id as string)),
      ),
    };
  });
  app.post(`${dbPath}/${d.tables}`, async (request, reply) => {
    requireAnyScope(request, s.tablesWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    const databaseId = p.databaseId as string;
    const info = schema.createTable(databaseId, body[d.tableParam], {
      name: body.name,
      permissions: body.permissions,
      rowSecurity: body[d.security],
      enabled: body.enabled,
    });
    // Appwrite 1.9 accepts columns and indexes in the create body.
    for (const c of asList(body[d.columns])) applyColumn(ctx.db, databaseId, info.id, c);
    for (const i of asList(body.indexes)) applyIndex(ctx.db, databaseId, info.id, i);
    return reply.code(201).send(shapeTable(schema.table(databaseId, info.id)));
  });
  app.get(tablePath, async (request) => {
    requireAnyScope(request, s.tablesRead);
    const p = request.params as Params;
    return shapeTable(schema.table(p.databaseId as string, tableId(p)));
  });
  app.put(tablePath, async (request) => {
    requireAnyScope(request, s.tablesWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    return shapeTable(
      schema.updateTable(p.databaseId as string, tableId(p), {
        name: body.name,
        permissions: body.permissions,
        rowSecurity: body[d.security],
        enabled: body.enabled,
      }),
    );
  });
  app.delete(tablePath, async (request, reply) => {
    requireAnyScope(request, s.tablesWrite);
    const p = request.params as Params;
    schema.deleteTable(p.databaseId as string, tableId(p));
    return reply.code(204).send();
  });

  // ---- columns -----------------------------------------------------------------------------
  const columnsPath = `${tablePath}/${d.columns}`;
  app.get(columnsPath, async (request) => {
    requireAnyScope(request, s.columnsRead);
    const p = request.params as Params;
    const q = queryOf(request);
    const list = schema.listColumns(p.databaseId as string, tableId(p), q.queries, includeTotal(q));
    return { total: list.total, [d.columns]: list.columns };
  });
  app.post(`${columnsPath}/:kind`, async (request, reply) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    const kind = columnKindFromRoute(p.kind as string);
    const column = schema.createColumn(p.databaseId as string, tableId(p), kind, bodyOf(request));
    // Created synchronously, so the model already says `available` (Appwrite: `processing`).
    return reply.code(202).send(columnModel(column));
  });
  app.patch(`${columnsPath}/:kind/:key`, async (request) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    const kind = columnKindFromRoute(p.kind as string);
    return columnModel(
      schema.updateColumn(
        p.databaseId as string,
        tableId(p),
        kind,
        p.key as string,
        bodyOf(request),
      ),
    );
  });
  app.get(`${columnsPath}/:key`, async (request) => {
    requireAnyScope(request, s.columnsRead);
    const p = request.params as Params;
    return columnModel(schema.column(p.databaseId as string, tableId(p), p.key as string));
  });
  app.delete(`${columnsPath}/:key`, async (request, reply) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    schema.deleteColumn(p.databaseId as string, tableId(p), p.key as string);
    return reply.code(204).send();
  });

  // ---- indexes -----------------------------------------------------------------------------
  const indexesPath = `${tablePath}/indexes`;
  app.get(indexesPath, async (request) => {
    requireAnyScope(request, s.indexesRead);
    const p = request.params as Params;
    const q = queryOf(request);
    const list = schema.listIndexes(p.databaseId as string, tableId(p), q.queries, includeTotal(q));
    return { total: list.total, indexes: list.indexes.map(shapeIndex) };
  });
  app.post(indexesPath, async (request, reply) => {
    requireAnyScope(request, s.indexesWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    const index = schema.createIndex(p.databaseId as string, tableId(p), {
      key: body.key,
      type: body.type,
      columns: d.legacy ? body.attributes : body.columns,
      orders: body.orders,
      lengths: body.lengths,
    });
    return reply.code(202).send(shapeIndex(indexModel(index)));
  });
  app.get(`${indexesPath}/:key`, async (request) => {
    requireAnyScope(request, s.indexesRead);
    const p = request.params as Params;
    return shapeIndex(
      indexModel(schema.index(p.databaseId as string, tableId(p), p.key as string)),
    );
  });
  app.delete(`${indexesPath}/:key`, async (request, reply) => {
    requireAnyScope(request, s.indexesWrite);
    const p = request.params as Params;
    schema.deleteIndex(p.databaseId as string, tableId(p), p.key as string);
    return reply.code(204).send();
  });

  // ---- rows --------------------------------------------------------------------------------
  const rowsPath = `${tablePath}/${d.rows}`;
  app.get(rowsPath, async (request) => {
    requireAnyScope(request, s.rowsRead);
    const p = request.params as Params;
    const q = queryOf(request);
    refuseTransaction(q);
    const list = rows.list(
      request.principal,
      p.databaseId as string,
      tableId(p),
      q.queries,
      includeTotal(q),
    );
    return shapeRows(request, list);
  });
  app.post(rowsPath, async (request, reply) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    refuseTransaction(body);
    const many = body[d.rows];
    if (many !== undefined && body.data !== undefined) {
      throw new AppwriteError('general_bad_request', `Send either data or ${d.rows}, not both.`);
    }
    if (many !== undefined) {
      const list = await writes.run(() =>
        rows.createMany(request.principal, p.databaseId as string, tableId(p), many),
      );
      return reply.code(201).send(shapeRows(request, list));
    }
    const row = await writes.run(() =>
      rows.create(
        request.principal,
        p.databaseId as string,
        tableId(p),
        body[d.rowParam],
        body.data,
        body.permissions,
      ),
    );
    return reply.code(201).send(shapeRow(request, row));
  });
  app.put(rowsPath, async (request, reply) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    refuseTransaction(body);
    const list = await writes.run(() =>
      rows.upsertMany(request.principal, p.databaseId as string, tableId(p), body[d.rows]),
    );
    return reply.code(201).send(shapeRows(request, list));
  });
  app.patch(rowsPath, async (request) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    refuseTransaction(body);
    const list = await writes.run(() =>
      rows.updateMany(
        request.principal,
        p.databaseId as string,
        tableId(p),
        body.data,
        body.queries,
      ),
    );
    return shapeRows(request, list);
  });
  app.delete(rowsPath, async (request) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    refuseTransaction(body);
    const list = await writes.run(() =>
      rows.deleteMany(request.principal, p.databaseId as string, tableId(p), body.queries),
    );
    return shapeRows(request, list);
  });
  app.get(rowPath, async (request) => {
    requireAnyScope(request, s.rowsRead);
    const p = request.params as Params;
    const q = queryOf(request);
    refuseTransaction(q);
    const row = rows.get(
      request.principal,
      p.databaseId as string,
      tableId(p),
      rowId(p),
      q.queries,
    );
    return shapeRow(request, row);
  });
  app.put(rowPath, async (request, reply) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    refuseTransaction(body);
    const row = await writes.run(() =>
      rows.upsert(
        request.principal,
        p.databaseId as string,
        tableId(p),
        rowId(p),
        body.data,
        body.permissions,
      ),
    );
    return reply.code(201).send(shapeRow(request, row));
  });
  app.patch(rowPath, async (request) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    refuseTransaction(body);
    const row = await writes.run(() =>
      rows.update(
        request.principal,
        p.databaseId as string,
        tableId(p),
        rowId(p),
        body.data,
        body.permissions,
      ),
    );
    return shapeRow(request, row);
  });
  app.delete(rowPath, async (request, reply: FastifyReply) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    refuseTransaction(bodyOf(request));
    await writes.run(() =>
      rows.delete(request.principal, p.databaseId as string, tableId(p), rowId(p)),
    );
    return reply.code(204).send();
  });
  for (const direction of ['increment', 'decrement'] as const) {
    app.patch(`${rowPath}/:column/${direction}`, async (request) => {
      requireAnyScope(request, s.rowsWrite);
      const p = request.params as Params;
      const body = bodyOf(request);
      refuseTransaction(body);
      const row = await writes.run(() =>
        rows.increment(
          request.principal,
          p.databaseId as string,
          tableId(p),
          rowId(p),
          p.column as string,
          body.value,
          direction === 'increment' ? body.max : body.min,
          direction === 'increment' ? 'up' : 'down',
        ),
      );
      return shapeRow(request, row);
    });
  }
}

/** The legacy Index model: `attributes` where TablesDB says `columns`. */
function legacyIndex(model: Record<string, unknown>): Record<string, unknown> {
  const { columns, ...rest } = model;
  const { lengths, orders, ...head } = rest;
  return { ...head, attributes: columns, lengths, orders };
}

function columnKindFromRoute(kind: string) {
  if (isColumnKind(kind)) return kind;
  const known = columnKindOf({ type: kind });
  if (known) return known;
  throw new AppwriteError(
    'general_not_implemented',
    `Columns of type "${kind}" are not supported by the local Appwrite yet.`,
  );
}

function asList(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}
