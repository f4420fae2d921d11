/**
 * Applying one Realtime row event to a list the page shows, as a pure function: a create puts the
 * row in its place (newest first, or oldest first for threads) unless it is already there, an update
 * replaces it (only if newer), a delete removes it. Rows that do not belong (`keep` false, e.g. a
 * comment of another post) are ignored.
 */
export interface RowLike {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
}

export type RowAction = 'create' | 'update' | 'delete';

export function applyRowEvent<T extends RowLike>(
  list: readonly T[],
  action: RowAction,
  row: T,
  options: { order?: 'newest-first' | 'oldest-first'; keep?: (row: T) => boolean } = {},
): T[] {
  const order = options.order ?? 'newest-first';
  const index = list.findIndex((item) => item.$id === row.$id);
  if (action === 'delete') return index === -1 ? [...list] : list.filter((_, i) => i !== index);
  if (options.keep && !options.keep(row)) return [...list];
  if (index !== -1) {
    const current = list[index] as T;
    if (current.$updatedAt > row.$updatedAt) return [...list];
    const next = [...list];
    next[index] = row;
    return next;
  }
  if (action === 'update') return [...list];
  return order === 'newest-first' ? insertNewestFirst(list, row) : insertOldestFirst(list, row);
}

function insertNewestFirst<T extends RowLike>(list: readonly T[], row: T): T[] {
  const at = list.findIndex((item) => item.$createdAt <= row.$createdAt);
  return at === -1 ? [...list, row] : [...list.slice(0, at), row, ...list.slice(at)];
}

function insertOldestFirst<T extends RowLike>(list: readonly T[], row: T): T[] {
  const at = list.findIndex((item) => item.$createdAt > row.$createdAt);
  return at === -1 ? [...list, row] : [...list.slice(0, at), row, ...list.slice(at)];
}

/**
 * Merges a refetched first page into the list shown: the page replaces the rows it covers, and rows
 * older than the page's last one are kept (they were loaded with "Load more").
 */
export function mergeFirstPage<T extends RowLike>(
  list: readonly T[],
  page: readonly T[],
  full: boolean,
): T[] {
  if (!full || page.length === 0) return [...page];
  const oldest = (page[page.length - 1] as T).$createdAt;
  const ids = new Set(page.map((row) => row.$id));
  return [...page, ...list.filter((row) => row.$createdAt < oldest && !ids.has(row.$id))];
}
