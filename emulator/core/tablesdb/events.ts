import type { AppwriteEvent } from '../platform/events.ts';
import { readRolesOf } from '../platform/permissions.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { presentRow, type Row } from './row-model.ts';
import type { DatabaseInfo, TableInfo } from './schema-types.ts';

/**
 * The events Appwrite's database routes label themselves with, built for the write methods that
 * publish them once committed (row-writes.ts, schema-writes.ts). Patterns use the route's own
 * spelling: `…tables.[tableId].rows.[rowId].create` on TablesDB, `…collections.[collectionId]
 * .documents.[documentId].create` on the legacy paths (`legacy`); the event-name generator mirrors
 * them across both (core/platform/event-names.ts).
 */

/** How a data write is told its route's dialect and who made it. */
export interface DataWriteOptions extends WriteOptions {
  /** Made through the legacy Databases paths: events (and their payloads) use the legacy names. */
  legacy?: boolean;
}

/** The names of one dialect, as its route labels spell them. */
function namesOf(legacy: boolean) {
  return legacy
    ? {
        tables: 'collections',
        tableParam: 'collectionId',
        columns: 'attributes',
        columnParam: 'attributeId',
        rows: 'documents',
        rowParam: 'documentId',
      }
    : {
        tables: 'tables',
        tableParam: 'tableId',
        columns: 'columns',
        columnParam: 'columnId',
        rows: 'rows',
        rowParam: 'rowId',
      };
}

/**
 * A row event: payload the row as format 1.9.5 shows it, read roles from the table and, with row
 * security, the row. Bulk writes announce each row, as Appwrite's `triggerBulk` does.
 */
export function rowEvent(
  table: TableInfo,
  row: Row,
  action: 'create' | 'update' | 'upsert' | 'delete',
  options: DataWriteOptions,
): AppwriteEvent {
  const legacy = options.legacy ?? false;
  const n = namesOf(legacy);
  return {
    pattern: `databases.[databaseId].${n.tables}.[${n.tableParam}].${n.rows}.[${n.rowParam}].${action}`,
    params: { databaseId: table.databaseId, [n.tableParam]: table.id, [n.rowParam]: row.$id },
    payload: presentRow(row, { legacy }),
    readRoles: readRolesOf(table.permissions, table.rowSecurity, row.$permissions),
    databaseType: table.databaseType,
    ...actor(options),
    timestamp: isoDate(),
  };
}

/** What a schema event is about: a database, or a table, one of its columns or indexes. */
export type SchemaPath = 'database' | { table: string; column?: string; index?: string };

/** A schema event (databases, tables, columns, indexes). Only the console reads these: no read roles. */
export function schemaEvent(
  database: { id: string; type: DatabaseInfo['type'] },
  path: SchemaPath,
  action: 'create' | 'update' | 'delete',
  payload: Record<string, unknown>,
  options: DataWriteOptions,
): AppwriteEvent {
  const n = namesOf(options.legacy ?? false);
  let pattern = 'databases.[databaseId]';
  const params: Record<string, string> = { databaseId: database.id };
  if (path !== 'database') {
    pattern += `.${n.tables}.[${n.tableParam}]`;
    params[n.tableParam] = path.table;
    if (path.column !== undefined) {
      pattern += `.${n.columns}.[${n.columnParam}]`;
      params[n.columnParam] = path.column;
    }
    if (path.index !== undefined) {
      pattern += '.indexes.[indexId]';
      params.indexId = path.index;
    }
  }
  return {
    pattern: `${pattern}.${action}`,
    params,
    payload,
    readRoles: [],
    databaseType: database.type,
    ...actor(options),
    timestamp: isoDate(),
  };
}

function actor(options: WriteOptions): { userId?: string } {
  return options.by === undefined ? {} : { userId: options.by };
}
