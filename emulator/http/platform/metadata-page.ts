import type { ListAttributes } from '../../core/platform/list-attributes.ts';
import { listMetadata } from '../../core/platform/metadata-list.ts';

type Query = Record<string, unknown>;

/** `total=false` skips counting (query strings carry it as text). */
export function includeTotal(source: Query): boolean {
  const total = source.total;
  return !(total === false || total === 'false' || total === '0');
}

/**
 * A page of a metadata list (core/platform/metadata-list.ts) for a list route's query string: its
 * `queries` and `total`, and the `search` term the route takes (none unless given), by `$id` and name.
 */
export function metadataPage<T extends Record<string, unknown>>(
  items: T[],
  query: Query,
  allowed: ListAttributes,
  search: unknown = '',
): { total: number; items: T[] } {
  return listMetadata(items, query.queries, search, '$id', includeTotal(query), allowed);
}
