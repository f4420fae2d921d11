import type { FastifyInstance } from 'fastify';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { bodyOf, type Dialect, type Params, queryOf, requireAnyScope } from './dialect.ts';

/**
 * The transaction routes of one dialect (Modules/Databases/Http/{TablesDB,Databases}/Transactions/):
 *
 * | route                                          | SDK method          | scope (TablesDB: either)        | answer |
 * | ---------------------------------------------- | ------------------- | ------------------------------- | ------ |
 * | `POST {root}/transactions`                     | createTransaction   | documents.write, rows.write     | 201    |
 * | `GET {root}/transactions`                      | listTransactions    | documents.read, rows.read       | 200    |
 * | `GET {root}/transactions/{id}`                 | getTransaction      | documents.read, rows.read       | 200    |
 * | `PATCH {root}/transactions/{id}`               | updateTransaction   | documents.write, rows.write     | 200    |
 * | `DELETE {root}/transactions/{id}`              | deleteTransaction   | documents.write, rows.write     | 204    |
 * | `POST {root}/transactions/{id}/operations`     | createOperations    | documents.write, rows.write     | 201    |
 *
 * The legacy `/databases` routes take `documents.write`, and `rows.read` to read (Appwrite's own
 * labels). None of them has an abuse label. The Transaction model is the same in every format.
 */
export function registerTransactionRoutes(
  app: FastifyInstance,
  project: Project,
  d: Dialect,
): void {
  const { transactions } = project.tablesdb;
  const read = d.legacy ? ['rows.read'] : ['documents.read', 'rows.read'];
  const write = d.legacy ? ['documents.write'] : ['documents.write', 'rows.write'];
  const base = `${d.root}/transactions`;
  const one = `${base}/:transactionId`;
  const idOf = (params: unknown) => (params as Params).transactionId as string;

  app.post(base, async (request, reply) => {
    requireAnyScope(request, write);
    const model = await transactions.create(request.principal, bodyOf(request).ttl);
    return reply.code(201).send(model);
  });
  app.get(base, async (request) => {
    requireAnyScope(request, read);
    return transactions.list(request.principal, queryOf(request).queries);
  });
  app.get(one, async (request) => {
    requireAnyScope(request, read);
    return transactions.get(request.principal, idOf(request.params));
  });
  app.patch(one, async (request) => {
    requireAnyScope(request, write);
    const body = bodyOf(request);
    return transactions.update(
      request.principal,
      idOf(request.params),
      body.commit,
      body.rollback,
      {
        legacy: d.legacy,
        by: userIdOf(request.principal),
      },
    );
  });
  app.delete(one, async (request, reply) => {
    requireAnyScope(request, write);
    await transactions.delete(request.principal, idOf(request.params));
    return reply.code(204).send();
  });
  app.post(`${one}/operations`, async (request, reply) => {
    requireAnyScope(request, write);
    const model = await transactions.addOperations(
      request.principal,
      idOf(request.params),
      bodyOf(request).operations,
      { legacy: d.legacy },
    );
    return reply.code(201).send(model);
  });
}
