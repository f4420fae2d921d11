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
 * Shapes a row for the client: `$sequence` is a string from response format 1.9.0 on and an
 * integer before (the CLI sends 1.8.0; Appwrite's V21 filter casts it back). Legacy routes call
 * it with `legacy` so `$tableId` becomes `$collectionId`.
 */
export function presentRow(
  row: Row,
  options: { responseFormat?: string; legacy?: boolean } = {},
): Record<string, unknown> {
  const { $id, $sequence, $tableId, $databaseId, ...rest } = row;
  const sequence = formatBefore(options.responseFormat, '1.9.0') ? $sequence : String($sequence);
  return options.legacy
    ? { $id, $sequence: sequence, $collectionId: $tableId, $databaseId, ...rest }
    : { $id, $sequence: sequence, $tableId, $databaseId, ...rest };
}

/** Whether a response format version is older than `version` (missing = newest). */
function formatBefore(format: string | undefined, version: string): boolean {
  if (!format) return false;
  const a = format.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const b = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
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
