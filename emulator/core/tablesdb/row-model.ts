import { decodeValue } from './column-types.ts';
import type { TableInfo } from './schema.ts';

/** A row as the core returns it; `presentRow` shapes it for a response format. */
export interface Row {
  $id: string;
  $sequence: number;
  $tableId: string;
  $databaseId: string;
  $createdAt: string;
  $updatedAt: string;
  $permissions: string[];
  [column: string]: unknown;
}

/** A page of rows. */
export interface RowList {
  total: number;
  rows: Row[];
}

/**
 * The Row model as Appwrite 1.9.5 shows it: `$sequence` is a string. Legacy routes call it with
 * `legacy` so `$tableId` becomes `$collectionId` (the Document model).
 */
export function presentRow(row: Row, options: { legacy?: boolean } = {}): Record<string, unknown> {
  const sequence = String(row.$sequence);
  const model: Record<string, unknown> = options.legacy
    ? {
        $id: row.$id,
        $sequence: sequence,
        $collectionId: row.$tableId,
        $databaseId: row.$databaseId,
      }
    : { $id: row.$id, $sequence: sequence, $tableId: row.$tableId, $databaseId: row.$databaseId };
  // The other keys in the row's order. A loop, not `{ ...rest }`: every read answers through here,
  // and a rest-and-spread copy costs twice as much (column keys start with a letter or a digit, so
  // none is `__proto__`).
  for (const key in row) {
    if (key !== '$id' && key !== '$sequence' && key !== '$tableId' && key !== '$databaseId') {
      model[key] = row[key];
    }
  }
  return model;
}

/** A row's `$permissions` as stored (JSON); most rows have none, which needs no parsing. */
function parsePermissionList(text: string): string[] {
  return text === '[]' ? [] : (JSON.parse(text) as string[]);
}

/** Builds the row model from a SQLite record. */
export function toRow(
  table: TableInfo,
  record: Record<string, unknown>,
  select: string[] | null,
): Row {
  const row: Row = {
    $id: record.$id as string,
    $sequence: record.$sequence as number,
    $tableId: table.id,
    $databaseId: table.databaseId,
    $createdAt: record.$createdAt as string,
    $updatedAt: record.$updatedAt as string,
    $permissions: parsePermissionList(record.$permissions as string),
  };
  for (const column of table.columns) {
    if (select && !select.includes(column.key)) continue;
    row[column.key] = decodeValue(column, record[column.key]);
  }
  return row;
}

/**
 * The same row from a raw record: `$id`, `$sequence`, `$createdAt`, `$updatedAt`, `$permissions`,
 * then `table.columns` in order (the columns Rows' point read selects).
 */
export function rowFromValues(table: TableInfo, values: unknown[], select: string[] | null): Row {
  const row: Row = {
    $id: values[0] as string,
    $sequence: values[1] as number,
    $tableId: table.id,
    $databaseId: table.databaseId,
    $createdAt: values[2] as string,
    $updatedAt: values[3] as string,
    $permissions: parsePermissionList(values[4] as string),
  };
  const columns = table.columns;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as TableInfo['columns'][number];
    if (select && !select.includes(column.key)) continue;
    row[column.key] = decodeValue(column, values[5 + i]);
  }
  return row;
}
