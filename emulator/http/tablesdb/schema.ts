import type { FastifyInstance } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { columnKindOf, columnModel, isColumnKind } from '../../core/tablesdb/column-types.ts';
import type { IndexInfo, TableInfo } from '../../core/tablesdb/schema.ts';
import {
  databaseModel,
  legacyIndexModel,
  presentIndex,
  presentTable,
} from '../../core/tablesdb/schema-models.ts';
import { includeTotal } from '../platform/metadata-page.ts';
import {
  bodyOf,
  type Dialect,
  type Params,
  pathsOf,
  queryOf,
  type Req,
  requireAnyScope,
} from './dialect.ts';

/**
 * Registers the database, table, column and index routes of one dialect. Changes go through
 * `schemaWrites` (core/tablesdb/schema-writes.ts), which announces each in this route's dialect.
 */
export function registerSchemaRoutes(app: FastifyInstance, project: Project, d: Dialect): void {
  const { schema, schemaWrites } = project.tablesdb;
  const s = d.scopes;
  const { dbPath, tablePath, tableId } = pathsOf(d);
  /** How the core announces a change: in this dialect, by the user who asked. */
  const announced = (request: Req) => ({ legacy: d.legacy, by: userIdOf(request.principal) });
  const shapeTable = (info: TableInfo) => presentTable(info, d.legacy);
  const shapeIndex = (index: IndexInfo) => presentIndex(index, d.legacy);

  // ---- databases ---------------------------------------------------------------------------
  app.get(d.root, async (request) => {
    requireAnyScope(request, s.databasesRead);
    const q = queryOf(request);
    return schema.listDatabases(q.queries, q.search, includeTotal(q));
  });
  app.post(d.root, async (request, reply) => {
    requireAnyScope(request, s.databasesWrite);
    const info = schemaWrites.createDatabase(bodyOf(request), d.databaseType, announced(request));
    return reply.code(201).send(databaseModel(info));
  });
  app.get(dbPath, async (request) => {
    requireAnyScope(request, s.databasesRead);
    return databaseModel(schema.getDatabase((request.params as Params).databaseId as string));
  });
  app.put(dbPath, async (request) => {
    requireAnyScope(request, s.databasesWrite);
    const id = (request.params as Params).databaseId as string;
    return databaseModel(schemaWrites.updateDatabase(id, bodyOf(request), announced(request)));
  });
  app.delete(dbPath, async (request, reply) => {
    requireAnyScope(request, s.databasesWrite);
    const id = (request.params as Params).databaseId as string;
    schemaWrites.deleteDatabase(id, announced(request));
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
    // Appwrite 1.9 accepts columns and indexes in the create body; all or nothing.
    const info = schemaWrites.createTable(
      p.databaseId as string,
      body[d.tableParam],
      {
        name: body.name,
        permissions: body.permissions,
        rowSecurity: body[d.security],
        enabled: body.enabled,
      },
      asList(body[d.columns]),
      asList(body.indexes),
      announced(request),
    );
    return reply.code(201).send(shapeTable(info));
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
    const info = schemaWrites.updateTable(
      p.databaseId as string,
      tableId(p),
      {
        name: body.name,
        permissions: body.permissions,
        rowSecurity: body[d.security],
        enabled: body.enabled,
      },
      announced(request),
    );
    return shapeTable(info);
  });
  app.delete(tablePath, async (request, reply) => {
    requireAnyScope(request, s.tablesWrite);
    const p = request.params as Params;
    schemaWrites.deleteTable(p.databaseId as string, tableId(p), announced(request));
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
    const column = schemaWrites.createColumn(
      p.databaseId as string,
      tableId(p),
      kind,
      bodyOf(request),
      announced(request),
    );
    // Created synchronously, so the model already says `available` (Appwrite: `processing`).
    return reply.code(202).send(columnModel(column));
  });
  app.patch(`${columnsPath}/:kind/:key`, async (request) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    const kind = columnKindFromRoute(p.kind as string);
    const column = schemaWrites.updateColumn(
      p.databaseId as string,
      tableId(p),
      kind,
      p.key as string,
      bodyOf(request),
      announced(request),
    );
    return columnModel(column);
  });
  app.get(`${columnsPath}/:key`, async (request) => {
    requireAnyScope(request, s.columnsRead);
    const p = request.params as Params;
    return columnModel(schema.column(p.databaseId as string, tableId(p), p.key as string));
  });
  app.delete(`${columnsPath}/:key`, async (request, reply) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    schemaWrites.deleteColumn(
      p.databaseId as string,
      tableId(p),
      p.key as string,
      announced(request),
    );
    return reply.code(204).send();
  });

  // ---- indexes -----------------------------------------------------------------------------
  const indexesPath = `${tablePath}/indexes`;
  app.get(indexesPath, async (request) => {
    requireAnyScope(request, s.indexesRead);
    const p = request.params as Params;
    const q = queryOf(request);
    const list = schema.listIndexes(p.databaseId as string, tableId(p), q.queries, includeTotal(q));
    return {
      total: list.total,
      indexes: list.indexes.map((model) => (d.legacy ? legacyIndexModel(model) : model)),
    };
  });
  app.post(indexesPath, async (request, reply) => {
    requireAnyScope(request, s.indexesWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    const index = schemaWrites.createIndex(
      p.databaseId as string,
      tableId(p),
      {
        key: body.key,
        type: body.type,
        columns: d.legacy ? body.attributes : body.columns,
        orders: body.orders,
        lengths: body.lengths,
      },
      announced(request),
    );
    return reply.code(202).send(shapeIndex(index));
  });
  app.get(`${indexesPath}/:key`, async (request) => {
    requireAnyScope(request, s.indexesRead);
    const p = request.params as Params;
    return shapeIndex(schema.index(p.databaseId as string, tableId(p), p.key as string));
  });
  app.delete(`${indexesPath}/:key`, async (request, reply) => {
    requireAnyScope(request, s.indexesWrite);
    const p = request.params as Params;
    schemaWrites.deleteIndex(
      p.databaseId as string,
      tableId(p),
      p.key as string,
      announced(request),
    );
    return reply.code(204).send();
  });
}

/** The column kind a route segment names (`/columns/{kind}`); unsupported kinds are 405. */
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
