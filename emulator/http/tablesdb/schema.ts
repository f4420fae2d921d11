import type { FastifyInstance } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Project } from '../../core/project.ts';
import { columnKindOf, columnModel, isColumnKind } from '../../core/tablesdb/column-types.ts';
import { applyColumn, applyIndex } from '../../core/tablesdb/config.ts';
import type { TableInfo } from '../../core/tablesdb/schema.ts';
import { databaseModel, indexModel, tableModel } from '../../core/tablesdb/schema-models.ts';
import {
  bodyOf,
  type Dialect,
  includeTotal,
  type Params,
  pathsOf,
  queryOf,
  requireAnyScope,
} from './dialect.ts';
import { DataEvents } from './events.ts';

/** Registers the database, table, column and index routes of one dialect. */
export function registerSchemaRoutes(app: FastifyInstance, project: Project, d: Dialect): void {
  const { schema } = project.tablesdb;
  const s = d.scopes;
  const { dbPath, tablePath, tableId } = pathsOf(d);
  const events = new DataEvents(project, d);
  const dbOf = (databaseId: string) => ({
    databaseId,
    databaseType: schema.getDatabase(databaseId).type,
  });

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

  // ---- databases ---------------------------------------------------------------------------
  app.get(d.root, async (request) => {
    requireAnyScope(request, s.databasesRead);
    const q = queryOf(request);
    return schema.listDatabases(q.queries, q.search, includeTotal(q));
  });
  app.post(d.root, async (request, reply) => {
    requireAnyScope(request, s.databasesWrite);
    const info = schema.createDatabase(bodyOf(request), d.databaseType);
    const model = databaseModel(info);
    events.schema(request, dbOf(info.id), 'database', 'create', model);
    return reply.code(201).send(model);
  });
  app.get(dbPath, async (request) => {
    requireAnyScope(request, s.databasesRead);
    return databaseModel(schema.getDatabase((request.params as Params).databaseId as string));
  });
  app.put(dbPath, async (request) => {
    requireAnyScope(request, s.databasesWrite);
    const id = (request.params as Params).databaseId as string;
    const model = databaseModel(schema.updateDatabase(id, bodyOf(request)));
    events.schema(request, dbOf(id), 'database', 'update', model);
    return model;
  });
  app.delete(dbPath, async (request, reply) => {
    requireAnyScope(request, s.databasesWrite);
    const id = (request.params as Params).databaseId as string;
    const info = schema.getDatabase(id);
    schema.deleteDatabase(id);
    events.schema(
      request,
      { databaseId: id, databaseType: info.type },
      'database',
      'delete',
      databaseModel(info),
    );
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
    // Appwrite 1.9 accepts columns and indexes in the create body; all or nothing.
    const info = project.db.transaction(() => {
      const created = schema.createTable(databaseId, body[d.tableParam], {
        name: body.name,
        permissions: body.permissions,
        rowSecurity: body[d.security],
        enabled: body.enabled,
      });
      for (const c of asList(body[d.columns])) applyColumn(schema, databaseId, created.id, c);
      for (const i of asList(body.indexes)) applyIndex(schema, databaseId, created.id, i);
      return created;
    })();
    const model = shapeTable(schema.table(databaseId, info.id));
    events.schema(request, dbOf(databaseId), { table: info.id }, 'create', model);
    return reply.code(201).send(model);
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
    const model = shapeTable(
      schema.updateTable(p.databaseId as string, tableId(p), {
        name: body.name,
        permissions: body.permissions,
        rowSecurity: body[d.security],
        enabled: body.enabled,
      }),
    );
    events.schema(request, dbOf(p.databaseId as string), { table: tableId(p) }, 'update', model);
    return model;
  });
  app.delete(tablePath, async (request, reply) => {
    requireAnyScope(request, s.tablesWrite);
    const p = request.params as Params;
    const model = shapeTable(schema.table(p.databaseId as string, tableId(p)));
    schema.deleteTable(p.databaseId as string, tableId(p));
    events.schema(request, dbOf(p.databaseId as string), { table: tableId(p) }, 'delete', model);
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
    const model = columnModel(column);
    events.schema(
      request,
      dbOf(p.databaseId as string),
      { table: tableId(p), column: column.key },
      'create',
      model,
    );
    return reply.code(202).send(model);
  });
  app.patch(`${columnsPath}/:kind/:key`, async (request) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    const kind = columnKindFromRoute(p.kind as string);
    const model = columnModel(
      schema.updateColumn(
        p.databaseId as string,
        tableId(p),
        kind,
        p.key as string,
        bodyOf(request),
      ),
    );
    events.schema(
      request,
      dbOf(p.databaseId as string),
      { table: tableId(p), column: p.key as string },
      'update',
      model,
    );
    return model;
  });
  app.get(`${columnsPath}/:key`, async (request) => {
    requireAnyScope(request, s.columnsRead);
    const p = request.params as Params;
    return columnModel(schema.column(p.databaseId as string, tableId(p), p.key as string));
  });
  app.delete(`${columnsPath}/:key`, async (request, reply) => {
    requireAnyScope(request, s.columnsWrite);
    const p = request.params as Params;
    const model = columnModel(schema.column(p.databaseId as string, tableId(p), p.key as string));
    schema.deleteColumn(p.databaseId as string, tableId(p), p.key as string);
    events.schema(
      request,
      dbOf(p.databaseId as string),
      { table: tableId(p), column: p.key as string },
      'delete',
      model,
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
    const model = shapeIndex(indexModel(index));
    events.schema(
      request,
      dbOf(p.databaseId as string),
      { table: tableId(p), index: index.key },
      'create',
      model,
    );
    return reply.code(202).send(model);
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
    const model = shapeIndex(
      indexModel(schema.index(p.databaseId as string, tableId(p), p.key as string)),
    );
    schema.deleteIndex(p.databaseId as string, tableId(p), p.key as string);
    events.schema(
      request,
      dbOf(p.databaseId as string),
      { table: tableId(p), index: p.key as string },
      'delete',
      model,
    );
    return reply.code(204).send();
  });
}

/** The legacy Index model: `attributes` where TablesDB says `columns`. */
function legacyIndex(model: Record<string, unknown>): Record<string, unknown> {
  const { columns, ...rest } = model;
  const { lengths, orders, ...head } = rest;
  return { ...head, attributes: columns, lengths, orders };
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
