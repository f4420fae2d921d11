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
  const { $id, $sequence, $tableId, $databaseId, ...rest } = row;
  const sequence = String($sequence);
  return options.legacy
    ? { $id, $sequence: sequence, $collectionId: $tableId, $databaseId, ...rest }
    : { $id, $sequence: sequence, $tableId, $databaseId, ...rest };
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
    $permissions: JSON.parse(record.$permissions as string) as string[],
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
    $permissions: JSON.parse(values[4] as string) as string[],
  };
  const columns = table.columns;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as TableInfo['columns'][number];
    if (select && !select.includes(column.key)) continue;
    row[column.key] = decodeValue(column, values[5 + i]);
  }
  return row;
}
