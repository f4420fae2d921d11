/**
 * Applies an appwrite.json at start, as `appwrite push tables` would: `applyProjectConfig(schema,
 * appwriteJson)` (the project's `tablesdb.schema`), registered in emulator/project-file.ts PROJECT_FILE_APPLIERS, which main.ts runs
 * before it serves. The whole file is applied in one transaction, so a bad column leaves nothing
 * half-made and the start fails loudly.
 *
 * Idempotent: databases and tables are created when missing and updated when they differ; columns
 * and indexes are created when missing, updated in place when only their changeable settings
 * differ, and recreated (losing that column's data, as the CLI does) when their type changed.
 * Nothing absent from the file is deleted: a local server keeps what tests or the UI made. Buckets
 * and functions are other issues' business and are ignored here.
 */

import { AppwriteError } from '../platform/errors.ts';
import { type Column, columnKindOf, columnModel } from './column-types.ts';
import type { Schema, TableInfo } from './schema.ts';

/** What applying a config did, for the start-up log. */
export interface ConfigReport {
  databases: number;
  tables: number;
  columns: number;
  indexes: number;
}

type Json = Record<string, unknown>;

/** Applies `tablesDB` and `tables` of an appwrite.json object; throws AppwriteError on bad input. */
export function applyProjectConfig(schema: Schema, config: unknown): ConfigReport {
  const report: ConfigReport = { databases: 0, tables: 0, columns: 0, indexes: 0 };
  if (typeof config !== 'object' || config === null) return report;
  const json = config as Json;
  const databases = list(json.tablesDB);
  const tables = list(json.tables);
  schema.db.transaction(() => {
    for (const d of databases) {
      const id = String(d.$id);
      const name = typeof d.name === 'string' ? d.name : id;
      const enabled = d.enabled === undefined ? true : d.enabled;
      const current = find(() => schema.getDatabase(id));
      if (!current) schema.createDatabase({ databaseId: id, name, enabled }, 'tablesdb');
      else if (current.name !== name || current.enabled !== enabled) {
        schema.updateDatabase(id, { name, enabled });
      }
      report.databases++;
    }
    for (const t of tables) {
      const databaseId = String(t.databaseId);
      const tableId = String(t.$id);
      const input = {
        name: typeof t.name === 'string' ? t.name : tableId,
        permissions: t.$permissions ?? [],
        rowSecurity: t.rowSecurity ?? false,
        enabled: t.enabled ?? true,
      };
      const current = find(() => schema.table(databaseId, tableId));
      if (!current) schema.createTable(databaseId, tableId, input);
      else if (
        current.name !== input.name ||
        JSON.stringify(current.permissions) !== JSON.stringify(input.permissions) ||
        current.rowSecurity !== input.rowSecurity ||
        current.enabled !== input.enabled
      ) {
        schema.updateTable(databaseId, tableId, input);
      }
      report.tables++;
      for (const c of list(t.columns)) {
        applyColumn(schema, databaseId, tableId, c);
        report.columns++;
      }
      for (const i of list(t.indexes)) {
        applyIndex(schema, databaseId, tableId, i);
        report.indexes++;
      }
    }
  })();
  return report;
}

/** Creates, updates or (on a type change) recreates one column described as appwrite.json does. */
export function applyColumn(schema: Schema, databaseId: string, tableId: string, spec: Json): void {
  const kind = columnKindOf(spec);
  if (!kind) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Column "${String(spec.key)}" of table "${tableId}" has a type the local Appwrite does not store: ${String(spec.type)}.`,
    );
  }
  const key = String(spec.key);
  const table = schema.table(databaseId, tableId);
  const current = table.columns.find((c) => c.key === key);
  if (current && current.kind !== kind) {
    schema.deleteColumn(databaseId, tableId, key);
  } else if (current) {
    if (!sameColumn(current, spec)) schema.updateColumn(databaseId, tableId, kind, key, spec);
    return;
  }
  schema.createColumn(databaseId, tableId, kind, spec);
}

function sameColumn(current: Column, spec: Json): boolean {
  const model = columnModel(current);
  return ['required', 'default', 'size', 'min', 'max', 'elements'].every(
    (k) => spec[k] === undefined || JSON.stringify(spec[k]) === JSON.stringify(model[k]),
  );
}

/** Creates an index, or recreates it when its type, columns or orders changed. */
export function applyIndex(schema: Schema, databaseId: string, tableId: string, spec: Json): void {
  const key = String(spec.key);
  const columns = spec.columns ?? spec.attributes;
  const table: TableInfo = schema.table(databaseId, tableId);
  const current = table.indexes.find((i) => i.key === key);
  if (current) {
    const same =
      current.type === spec.type &&
      JSON.stringify(current.columns) === JSON.stringify(columns) &&
      JSON.stringify(current.orders) === JSON.stringify(spec.orders ?? []);
    if (same) return;
    schema.deleteIndex(databaseId, tableId, key);
  }
  schema.createIndex(databaseId, tableId, {
    key,
    type: spec.type,
    columns,
    orders: spec.orders,
    lengths: spec.lengths,
  });
}

function list(value: unknown): Json[] {
  return Array.isArray(value)
    ? value.filter((v): v is Json => typeof v === 'object' && v !== null)
    : [];
}

/** The thing `read` returns, or `undefined` when it is a 404. */
function find<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppwriteError && error.code === 404) return undefined;
    throw error;
  }
}
