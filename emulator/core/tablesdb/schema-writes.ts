import type { EventBus } from '../platform/events.ts';
import { type Column, type ColumnInput, type ColumnKind, columnModel } from './column-types.ts';
import { applyColumn, applyIndex } from './config.ts';
import { type DataWriteOptions, type SchemaPath, schemaEvent } from './events.ts';
import type { IndexInput, Schema, TableInput } from './schema.ts';
import { databaseModel, presentIndex, presentTable } from './schema-models.ts';
import type { DatabaseInfo, IndexInfo, TableInfo } from './schema-types.ts';

type Action = 'create' | 'update' | 'delete';

/**
 * Schema changes as Appwrite's database, table, column and index routes make them: each is
 * committed, then publishes its event (`databases.[databaseId].…`) with the model the route answers
 * with, in the route's dialect (`{ legacy }`: legacy names and Collection/Index shapes), `{ by }` the
 * user who asked. The registry's own methods (schema.ts) announce nothing: appwrite.json is applied
 * through them at start (config.ts), and a table created with its columns is one event, not many.
 */
export class SchemaWrites {
  readonly #schema: Schema;
  readonly #events: EventBus;

  constructor(schema: Schema, events: EventBus) {
    this.#schema = schema;
    this.#events = events;
  }

  /** Creates a database of the route's type. */
  createDatabase(
    input: { databaseId?: unknown; name?: unknown; enabled?: unknown },
    type: DatabaseInfo['type'],
    options: DataWriteOptions = {},
  ): DatabaseInfo {
    const info = this.#schema.createDatabase(input, type);
    this.#announce(info.id, 'database', 'create', databaseModel(info), options);
    return info;
  }

  /** Renames or enables/disables a database. */
  updateDatabase(
    id: string,
    input: { name?: unknown; enabled?: unknown },
    options: DataWriteOptions = {},
  ): DatabaseInfo {
    const info = this.#schema.updateDatabase(id, input);
    this.#announce(id, 'database', 'update', databaseModel(info), options);
    return info;
  }

  /** Deletes a database with its tables and rows; the event carries it as it was. */
  deleteDatabase(id: string, options: DataWriteOptions = {}): void {
    const info = this.#schema.getDatabase(id);
    this.#schema.deleteDatabase(id);
    this.#events.publish(schemaEvent(info, 'database', 'delete', databaseModel(info), options));
  }

  /**
   * Creates a table with the columns and indexes Appwrite 1.9 accepts in the create body, all or
   * nothing (one transaction), announced as one table `create`.
   */
  createTable(
    databaseId: string,
    tableId: unknown,
    input: TableInput,
    columns: readonly Record<string, unknown>[],
    indexes: readonly Record<string, unknown>[],
    options: DataWriteOptions = {},
  ): TableInfo {
    const schema = this.#schema;
    const created = schema.db.transaction(() => {
      const table = schema.createTable(databaseId, tableId, input);
      for (const c of columns) applyColumn(schema, databaseId, table.id, c);
      for (const i of indexes) applyIndex(schema, databaseId, table.id, i);
      return table;
    })();
    const info = schema.table(databaseId, created.id);
    const model = presentTable(info, options.legacy ?? false);
    this.#announce(databaseId, { table: info.id }, 'create', model, options);
    return info;
  }

  /** Changes a table's name, permissions, row security or enabled flag. */
  updateTable(
    databaseId: string,
    tableId: string,
    input: TableInput,
    options: DataWriteOptions = {},
  ): TableInfo {
    const info = this.#schema.updateTable(databaseId, tableId, input);
    const model = presentTable(info, options.legacy ?? false);
    this.#announce(databaseId, { table: tableId }, 'update', model, options);
    return info;
  }

  /** Deletes a table with its rows; the event carries it as it was. */
  deleteTable(databaseId: string, tableId: string, options: DataWriteOptions = {}): void {
    const model = presentTable(this.#schema.table(databaseId, tableId), options.legacy ?? false);
    this.#schema.deleteTable(databaseId, tableId);
    this.#announce(databaseId, { table: tableId }, 'delete', model, options);
  }

  /** Adds a column (available at once: the model says so). */
  createColumn(
    databaseId: string,
    tableId: string,
    kind: ColumnKind,
    input: ColumnInput,
    options: DataWriteOptions = {},
  ): Column {
    const column = this.#schema.createColumn(databaseId, tableId, kind, input);
    const path = { table: tableId, column: column.key };
    this.#announce(databaseId, path, 'create', columnModel(column), options);
    return column;
  }

  /** Changes a column's settings. */
  updateColumn(
    databaseId: string,
    tableId: string,
    kind: ColumnKind,
    key: string,
    input: ColumnInput,
    options: DataWriteOptions = {},
  ): Column {
    const column = this.#schema.updateColumn(databaseId, tableId, kind, key, input);
    this.#announce(
      databaseId,
      { table: tableId, column: key },
      'update',
      columnModel(column),
      options,
    );
    return column;
  }

  /** Drops a column and its data; the event carries it as it was. */
  deleteColumn(databaseId: string, tableId: string, key: string, options: DataWriteOptions = {}) {
    const model = columnModel(this.#schema.column(databaseId, tableId, key));
    this.#schema.deleteColumn(databaseId, tableId, key);
    this.#announce(databaseId, { table: tableId, column: key }, 'delete', model, options);
  }

  /** Builds an index. */
  createIndex(
    databaseId: string,
    tableId: string,
    input: IndexInput,
    options: DataWriteOptions = {},
  ): IndexInfo {
    const index = this.#schema.createIndex(databaseId, tableId, input);
    const model = presentIndex(index, options.legacy ?? false);
    this.#announce(databaseId, { table: tableId, index: index.key }, 'create', model, options);
    return index;
  }

  /** Drops an index; the event carries it as it was. */
  deleteIndex(databaseId: string, tableId: string, key: string, options: DataWriteOptions = {}) {
    const index = this.#schema.index(databaseId, tableId, key);
    const model = presentIndex(index, options.legacy ?? false);
    this.#schema.deleteIndex(databaseId, tableId, key);
    this.#announce(databaseId, { table: tableId, index: key }, 'delete', model, options);
  }

  /** After commit: the event, with the database's type as it now is. */
  #announce(
    databaseId: string,
    path: SchemaPath,
    action: Action,
    payload: Record<string, unknown>,
    options: DataWriteOptions,
  ): void {
    const database = this.#schema.getDatabase(databaseId);
    this.#events.publish(schemaEvent(database, path, action, payload, options));
  }
}
