import { columnModel } from './column-types.ts';
import type { DatabaseInfo, IndexInfo, TableInfo } from './schema-types.ts';

/** Appwrite's Database model. */
export function databaseModel(info: DatabaseInfo): Record<string, unknown> {
  return {
    $id: info.id,
    name: info.name,
    $createdAt: info.createdAt,
    $updatedAt: info.updatedAt,
    enabled: info.enabled,
    type: info.type,
  };
}

/** Appwrite's Table model (columns and TablesDB-shaped indexes embedded). */
export function tableModel(info: TableInfo): Record<string, unknown> {
  return {
    $id: info.id,
    $createdAt: info.createdAt,
    $updatedAt: info.updatedAt,
    $permissions: info.permissions,
    databaseId: info.databaseId,
    name: info.name,
    enabled: info.enabled,
    rowSecurity: info.rowSecurity,
    columns: info.columns.map(columnModel),
    indexes: info.indexes.map(indexModel),
    bytesMax: 0,
    bytesUsed: 0,
  };
}

/** Appwrite's ColumnIndex model (`columns`; the legacy routes rename it to `attributes`). */
export function indexModel(index: IndexInfo): Record<string, unknown> {
  return {
    $id: index.key,
    $createdAt: index.createdAt,
    $updatedAt: index.updatedAt,
    key: index.key,
    type: index.type,
    status: 'available',
    error: '',
    columns: index.columns,
    lengths: index.lengths,
    orders: index.orders,
  };
}

/**
 * The Table model as a route of either dialect shows it: TablesDB's, or the legacy Collection
 * (`documentSecurity`, `attributes`, and indexes with `attributes`) on the /databases paths.
 */
export function presentTable(info: TableInfo, legacy: boolean): Record<string, unknown> {
  const model = tableModel(info);
  if (!legacy) return model;
  const { columns, indexes, rowSecurity, ...rest } = model;
  return {
    ...rest,
    documentSecurity: rowSecurity,
    attributes: columns,
    indexes: (indexes as Record<string, unknown>[]).map(legacyIndexModel),
  };
}

/** The Index model as a route of either dialect shows it (`attributes` on the legacy paths). */
export function presentIndex(index: IndexInfo, legacy: boolean): Record<string, unknown> {
  const model = indexModel(index);
  return legacy ? legacyIndexModel(model) : model;
}

/** The legacy Index model: `attributes` where TablesDB says `columns`. */
export function legacyIndexModel(model: Record<string, unknown>): Record<string, unknown> {
  const { columns, ...rest } = model;
  const { lengths, orders, ...head } = rest;
  return { ...head, attributes: columns, lengths, orders };
}
