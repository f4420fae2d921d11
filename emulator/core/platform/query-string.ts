import qs from 'qs';

/**
 * Query strings as the SDKs write them: `queries[0]=<json>&queries[1]=<json>`, nested `a[b][c]`.
 * qs turns indices above its `arrayLimit` into object keys, so the limit is raised well past any real
 * list of queries. HTTP routes (and form bodies) and the Realtime upgrade URL read them alike.
 */
export function parseQueryString(text: string): Record<string, unknown> {
  // Most requests have no query string; qs would answer the same `{}` after preparing its options.
  if (text === '') return {};
  return qs.parse(text, { arrayLimit: 10_000, parameterLimit: 10_000, depth: 10 });
}
