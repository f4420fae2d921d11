import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { presentRow, type Row } from '../../core/tablesdb/rows.ts';
import { abuse, WRITE_RATE } from '../platform/abuse.ts';
import { asModelFor } from '../platform/formats/layer.ts';
import { asModel } from '../platform/formats/models.ts';
import { includeTotal } from '../platform/metadata-page.ts';
import {
  bodyOf,
  type Dialect,
  type Params,
  pathsOf,
  queryOf,
  type Req,
  requireAnyScope,
  transactionIdOf,
} from './dialect.ts';

/**
 * Registers the row routes of one dialect. Writes go through `rowWrites` (core/tablesdb/row-writes.ts):
 * group-committed, so they are answered only once committed, and announced by the core in this
 * route's dialect. Given a `transactionId`, a write is staged in that transaction instead
 * (`transactions.stage*`, core/tablesdb/transaction-writes.ts) and answered as Appwrite answers a
 * staged write; a read sees the rows as that transaction would leave them.
 */
export function registerRowRoutes(app: FastifyInstance, project: Project, d: Dialect): void {
  const { rows, rowWrites, transactions } = project.tablesdb;
  const s = d.scopes;
  const { tablePath, rowPath, tableId, rowId } = pathsOf(d);
  /** How the core announces a write: in this dialect, by the user who asked. */
  const announced = (request: Req) => ({ legacy: d.legacy, by: userIdOf(request.principal) });
  /** The Row (Document on the legacy paths) model, tagged for the response-format layer. */
  const shapeRow = (request: Req, row: Row) =>
    asModelFor(request, d.legacy ? 'document' : 'row', presentRow(row, { legacy: d.legacy }));
  const shapeRows = (request: Req, list: { total: number; rows: Row[] }) =>
    asModelFor(request, d.legacy ? 'documentList' : 'rowList', {
      total: list.total,
      [d.rows]: list.rows.map((r) => presentRow(r, { legacy: d.legacy })),
    });
  /** The caller, database and table a request names: the first arguments of every row call. */
  const inTable = (request: Req) => {
    const p = request.params as Params;
    return [request.principal, p.databaseId as string, tableId(p)] as const;
  };
  /** The same with the transaction a staged write goes into, as `transactions.stage*` take them. */
  const inTransaction = (request: Req, txn: string) => {
    const [principal, databaseId, table] = inTable(request);
    return [principal, txn, databaseId, table] as const;
  };
  /** A row a staged write answers with, already in the model's shape. */
  const shapeStaged = (model: Record<string, unknown>) =>
    asModel(d.legacy ? 'document' : 'row', model);

  // Appwrite's write limits: deletes WRITE_RATE, the other writes twice that.
  const once = abuse(WRITE_RATE);
  const twice = abuse({ ...WRITE_RATE, limit: WRITE_RATE.limit * 2 });

  // ---- rows --------------------------------------------------------------------------------
  // The reads are plain functions, not `async`: Fastify sends what they return at once, without
  // a promise and a turn of the microtask queue per read (what they throw is answered the same).
  const rowsPath = `${tablePath}/${d.rows}`;
  app.get(rowsPath, (request) => {
    requireAnyScope(request, s.rowsRead);
    const q = queryOf(request);
    const list = transactions.readWithin(transactionIdOf(q), () =>
      rows.list(...inTable(request), q.queries, includeTotal(q)),
    );
    return shapeRows(request, list);
  });
  app.post(rowsPath, twice, async (request, reply) => {
    requireAnyScope(request, s.rowsWrite);
    const body = bodyOf(request);
    const many = body[d.rows];
    if (many !== undefined && body.data !== undefined) {
      throw new AppwriteError('general_bad_request', `Send either data or ${d.rows}, not both.`);
    }
    const txn = transactionIdOf(body);
    if (txn !== null && many !== undefined) {
      return shapeRows(
        request,
        await transactions.stageCreateMany(...inTransaction(request, txn), many),
      );
    }
    if (txn !== null) {
      const staged = await transactions.stageCreate(
        ...inTransaction(request, txn),
        body[d.rowParam],
        body.data,
        body.permissions,
        { legacy: d.legacy },
      );
      return reply.code(201).send(shapeStaged(staged));
    }
    if (many !== undefined) {
      const list = await rowWrites.createMany(...inTable(request), many, announced(request));
      return reply.code(201).send(shapeRows(request, list));
    }
    const row = await rowWrites.create(
      ...inTable(request),
      body[d.rowParam],
      body.data,
      body.permissions,
      announced(request),
    );
    return reply.code(201).send(shapeRow(request, row));
  });
  app.put(rowsPath, twice, async (request, reply) => {
    requireAnyScope(request, s.rowsWrite);
    const body = bodyOf(request);
    const txn = transactionIdOf(body);
    if (txn !== null) {
      return shapeRows(
        request,
        await transactions.stageUpsertMany(...inTransaction(request, txn), body[d.rows]),
      );
    }
    const list = await rowWrites.upsertMany(...inTable(request), body[d.rows], announced(request));
    return reply.code(201).send(shapeRows(request, list));
  });
  app.patch(rowsPath, twice, async (request) => {
    requireAnyScope(request, s.rowsWrite);
    const body = bodyOf(request);
    const txn = transactionIdOf(body);
    if (txn !== null) {
      return shapeRows(
        request,
        await transactions.stageUpdateMany(...inTransaction(request, txn), body.data, body.queries),
      );
    }
    const list = await rowWrites.updateMany(
      ...inTable(request),
      body.data,
      body.queries,
      announced(request),
    );
    return shapeRows(request, list);
  });
  app.delete(rowsPath, once, async (request) => {
    requireAnyScope(request, s.rowsWrite);
    const body = bodyOf(request);
    const txn = transactionIdOf(body);
    if (txn !== null) {
      return shapeRows(
        request,
        await transactions.stageDeleteMany(...inTransaction(request, txn), body.queries),
      );
    }
    const list = await rowWrites.deleteMany(...inTable(request), body.queries, announced(request));
    return shapeRows(request, list);
  });
  app.get(rowPath, (request) => {
    requireAnyScope(request, s.rowsRead);
    const p = request.params as Params;
    const q = queryOf(request);
    const row = transactions.readWithin(transactionIdOf(q), () =>
      rows.get(...inTable(request), rowId(p), q.queries),
    );
    return shapeRow(request, row);
  });
  app.put(rowPath, twice, async (request, reply) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    const txn = transactionIdOf(body);
    if (txn !== null) {
      const staged = await transactions.stageUpsert(
        ...inTransaction(request, txn),
        rowId(p),
        body.data,
        body.permissions,
        { legacy: d.legacy },
      );
      return reply.code(201).send(shapeStaged(staged));
    }
    const row = await rowWrites.upsert(
      ...inTable(request),
      rowId(p),
      body.data,
      body.permissions,
      announced(request),
    );
    return reply.code(201).send(shapeRow(request, row));
  });
  app.patch(rowPath, twice, async (request) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const body = bodyOf(request);
    const txn = transactionIdOf(body);
    if (txn !== null) {
      const staged = await transactions.stageUpdate(
        ...inTransaction(request, txn),
        rowId(p),
        body.data,
        body.permissions,
        { legacy: d.legacy },
      );
      return shapeStaged(staged);
    }
    const row = await rowWrites.update(
      ...inTable(request),
      rowId(p),
      body.data,
      body.permissions,
      announced(request),
    );
    return shapeRow(request, row);
  });
  app.delete(rowPath, once, async (request, reply: FastifyReply) => {
    requireAnyScope(request, s.rowsWrite);
    const p = request.params as Params;
    const txn = transactionIdOf(bodyOf(request));
    if (txn !== null) {
      await transactions.stageDelete(...inTransaction(request, txn), rowId(p));
      return reply.code(204).send();
    }
    await rowWrites.delete(...inTable(request), rowId(p), announced(request));
    return reply.code(204).send();
  });
  for (const direction of ['increment', 'decrement'] as const) {
    app.patch(`${rowPath}/:column/${direction}`, twice, async (request) => {
      requireAnyScope(request, s.rowsWrite);
      const p = request.params as Params;
      const body = bodyOf(request);
      const txn = transactionIdOf(body);
      if (txn !== null) {
        const staged = await transactions.stageIncrement(
          ...inTransaction(request, txn),
          rowId(p),
          p.column as string,
          body.value,
          direction === 'increment' ? body.max : body.min,
          direction === 'increment' ? 'up' : 'down',
          { legacy: d.legacy },
        );
        return shapeStaged(staged);
      }
      // Announced as an update, as Appwrite labels increment and decrement.
      const row = await rowWrites.increment(
        ...inTable(request),
        rowId(p),
        p.column as string,
        body.value,
        direction === 'increment' ? body.max : body.min,
        direction === 'increment' ? 'up' : 'down',
        announced(request),
      );
      return shapeRow(request, row);
    });
  }
}
