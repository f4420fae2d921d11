import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';
import { type DataWriteOptions, rowEvent } from './events.ts';
import type { Row, RowList } from './row-model.ts';
import type { Rows } from './rows.ts';
import type { Schema } from './schema.ts';
import type { WriteQueue } from './write-queue.ts';

type RowAction = 'create' | 'update' | 'upsert' | 'delete';

/**
 * Row writes as Appwrite's row routes make them: each runs in the group-commit queue
 * (write-queue.ts) and, once the shared transaction has committed, publishes one event per row
 * written — never from inside the transaction, so a listener never hears of a write that could
 * still roll back, and a failed write announces nothing. The checks and statements are `Rows`'
 * (rows.ts); the events are events.ts's, in the route's dialect (`{ legacy }`), with `{ by }` the
 * user who asked.
 */
export class RowWrites {
  readonly #schema: Schema;
  readonly #rows: Rows;
  readonly #queue: WriteQueue;
  readonly #events: EventBus;

  constructor(schema: Schema, rows: Rows, queue: WriteQueue, events: EventBus) {
    this.#schema = schema;
    this.#rows = rows;
    this.#queue = queue;
    this.#events = events;
  }

  /** Creates one row: `…rows.[rowId].create`. */
  async create(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: unknown,
    data: unknown,
    permissions: unknown,
    options: DataWriteOptions = {},
  ): Promise<Row> {
    return this.#one(databaseId, tableId, 'create', options, () =>
      this.#rows.create(principal, databaseId, tableId, rowId, data, permissions),
    );
  }

  /** Creates many rows (API keys only): one `create` per row. */
  async createMany(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rows: unknown,
    options: DataWriteOptions = {},
  ): Promise<RowList> {
    return this.#many(databaseId, tableId, 'create', options, () =>
      this.#rows.createMany(principal, databaseId, tableId, rows),
    );
  }

  /** Creates or updates one row: `upsert`. */
  async upsert(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    data: unknown,
    permissions: unknown,
    options: DataWriteOptions = {},
  ): Promise<Row> {
    return this.#one(databaseId, tableId, 'upsert', options, () =>
      this.#rows.upsert(principal, databaseId, tableId, rowId, data, permissions),
    );
  }

  /** Upserts many rows (API keys only): one `upsert` per row. */
  async upsertMany(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rows: unknown,
    options: DataWriteOptions = {},
  ): Promise<RowList> {
    return this.#many(databaseId, tableId, 'upsert', options, () =>
      this.#rows.upsertMany(principal, databaseId, tableId, rows),
    );
  }

  /** Updates one row: `update`. */
  async update(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    data: unknown,
    permissions: unknown,
    options: DataWriteOptions = {},
  ): Promise<Row> {
    return this.#one(databaseId, tableId, 'update', options, () =>
      this.#rows.update(principal, databaseId, tableId, rowId, data, permissions),
    );
  }

  /** Updates every row matching `queries` (API keys only): one `update` per row. */
  async updateMany(
    principal: Principal,
    databaseId: string,
    tableId: string,
    data: unknown,
    queries: unknown,
    options: DataWriteOptions = {},
  ): Promise<RowList> {
    return this.#many(databaseId, tableId, 'update', options, () =>
      this.#rows.updateMany(principal, databaseId, tableId, data, queries),
    );
  }

  /** Deletes one row: `delete`, with the row as it was. */
  async delete(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    options: DataWriteOptions = {},
  ): Promise<Row> {
    return this.#one(databaseId, tableId, 'delete', options, () =>
      this.#rows.delete(principal, databaseId, tableId, rowId),
    );
  }

  /** Deletes every row matching `queries` (API keys only): one `delete` per row. */
  async deleteMany(
    principal: Principal,
    databaseId: string,
    tableId: string,
    queries: unknown,
    options: DataWriteOptions = {},
  ): Promise<RowList> {
    return this.#many(databaseId, tableId, 'delete', options, () =>
      this.#rows.deleteMany(principal, databaseId, tableId, queries),
    );
  }

  /**
   * Adds to (or subtracts from) a numeric column (Rows.increment). Appwrite labels increment and
   * decrement as updates (Rows/Column/Increment.php): `update`.
   */
  async increment(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    column: string,
    amount: unknown,
    bound: unknown,
    direction: 'up' | 'down',
    options: DataWriteOptions = {},
  ): Promise<Row> {
    return this.#one(databaseId, tableId, 'update', options, () =>
      this.#rows.increment(principal, databaseId, tableId, rowId, column, amount, bound, direction),
    );
  }

  /** After commit: one event per row, read roles from the table as it is now. */
  /** Runs one row's write in the group-commit queue, then announces it once committed. */
  async #one(
    databaseId: string,
    tableId: string,
    action: RowAction,
    options: DataWriteOptions,
    write: () => Row,
  ): Promise<Row> {
    const row = await this.#queue.run(write);
    this.#announce(databaseId, tableId, [row], action, options);
    return row;
  }

  /** As `#one` for a bulk write: one event per row it changed. */
  async #many(
    databaseId: string,
    tableId: string,
    action: RowAction,
    options: DataWriteOptions,
    write: () => RowList,
  ): Promise<RowList> {
    const list = await this.#queue.run(write);
    this.#announce(databaseId, tableId, list.rows, action, options);
    return list;
  }

  #announce(
    databaseId: string,
    tableId: string,
    rows: readonly Row[],
    action: RowAction,
    options: DataWriteOptions,
  ): void {
    const table = this.#schema.table(databaseId, tableId);
    for (const row of rows) this.#events.publish(rowEvent(table, row, action, options));
  }
}
