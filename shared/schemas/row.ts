import * as z from 'zod/mini';
import { DateTime, Id } from './common.ts';

/**
 * The system fields Appwrite puts on every row (format 1.9.5). `$sequence` is a string from format
 * 1.9.0 on and a number before; both are accepted so a row read by any client parses.
 */
export const RowMeta = z.object({
  $id: Id,
  $sequence: z.union([z.string(), z.number()]),
  $tableId: z.string(),
  $databaseId: z.string(),
  $createdAt: DateTime,
  $updatedAt: DateTime,
  $permissions: z.array(z.string()),
});
export type RowMeta = z.infer<typeof RowMeta>;

/**
 * A row as read from a table: the system fields plus the stored fields. Not strict: Appwrite may add
 * system fields in later formats, and a reader should not break on them.
 */
export function rowOf<Shape extends z.core.$ZodShape>(fields: z.ZodMiniObject<Shape>) {
  return z.object({ ...RowMeta.shape, ...fields.shape });
}
