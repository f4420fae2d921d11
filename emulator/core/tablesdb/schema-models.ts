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
