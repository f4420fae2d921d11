import { AppwriteError } from './errors.ts';
import { type ParsedQuery, parseQueries } from './query-parse.ts';

/**
 * Lists of metadata (databases, tables, columns, indexes) are a handful of entries, so their
 * queries run over the models in memory. Rows never come through here: their queries are SQL.
 * Supports what the CLI and the consoles send: equal/notEqual, limit, offset, cursors, order, and
 * the `search` param (substring of id or name).
 */
export function listMetadata<T extends Record<string, unknown>>(
  items: T[],
  rawQueries: unknown,
  search: unknown,
  idField: string,
  includeTotal = true,
): { total: number; items: T[] } {
  const queries = parseQueries(rawQueries);
  let list = items;
  if (typeof search === 'string' && search.trim() !== '') {
    const needle = search.trim().toLowerCase();
    list = list.filter((item) =>
      [item[idField], item.name].some(
        (v) => typeof v === 'string' && v.toLowerCase().includes(needle),
      ),
    );
  }
  let limit = 25;
  let offset = 0;
  let cursor: ParsedQuery | undefined;
  for (const q of queries) {
    const attribute = q.attribute ?? '';
    const values = q.values ?? [];
    switch (q.method) {
      case 'equal':
        list = list.filter((item) => values.includes(item[attribute]));
        break;
      case 'notEqual':
        list = list.filter((item) => !values.includes(item[attribute]));
        break;
      case 'orderAsc':
      case 'orderDesc': {
        const sign = q.method === 'orderAsc' ? 1 : -1;
        list = [...list].sort((a, b) => sign * compare(a[attribute], b[attribute]));
        break;
      }
      case 'limit':
        limit = positiveInt(values[0], 'limit');
        break;
      case 'offset':
        offset = positiveInt(values[0], 'offset');
        break;
      case 'cursorAfter':
      case 'cursorBefore':
        cursor = q;
        break;
      default:
        throw new AppwriteError(
          'general_query_invalid',
          `Query method "${q.method}" is not supported on this list.`,
        );
    }
  }
  const total = includeTotal ? list.length : 0;
  if (cursor) {
    const at = list.findIndex((item) => item[idField] === cursor.values?.[0]);
    if (at < 0) {
      throw new AppwriteError('general_cursor_not_found', 'The cursor does not point to an entry.');
    }
    list = cursor.method === 'cursorAfter' ? list.slice(at + 1) : list.slice(0, at).reverse();
    list = list.slice(offset, offset + limit);
    if (cursor.method === 'cursorBefore') list.reverse();
    return { total, items: list };
  }
  return { total, items: list.slice(offset, offset + limit) };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  return String(a) < String(b) ? -1 : 1;
}

function positiveInt(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new AppwriteError('general_query_invalid', `The ${name} must be a non-negative integer.`);
  }
  return value as number;
}
