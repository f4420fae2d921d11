/**
 * Route matching, kept free of the DOM so it is unit-tested on its own. A pattern is a path with
 * `:name` segments (`/post/:id`); a match gives the decoded params. Trailing slashes are ignored.
 */

/** The params a matched pattern captured: `/post/:id` on `/post/abc` gives `{ id: 'abc' }`. */
export type RouteParams = Record<string, string>;

/** Matches `path` against `pattern`; `null` when it does not match. */
export function matchPath(pattern: string, path: string): RouteParams | null {
  const want = split(pattern);
  const got = split(path);
  if (want.length !== got.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    const expected = want[i] as string;
    const actual = got[i] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}

/** The first of `routes` whose pattern matches `path`, with its params. */
export function matchRoute<R extends { pattern: string }>(
  routes: readonly R[],
  path: string,
): { route: R; params: RouteParams } | null {
  for (const route of routes) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

/**
 * Splits a location hash (`#/search?q=x`) into its path and query. Anything not starting with `#/`
 * is the home page.
 */
export function parseHash(hash: string): { path: string; query: URLSearchParams } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw.startsWith('/')) return { path: '/', query: new URLSearchParams() };
  const mark = raw.indexOf('?');
  const path = mark === -1 ? raw : raw.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1));
  return { path: path.length > 1 ? path.replace(/\/+$/, '') : path, query };
}

/**
 * Merges the page's real query (`?userId=…&secret=…`, where Appwrite's email links put their
 * parameters, before the `#`) with the hash's own query; the hash wins on a clash.
 */
export function mergeQuery(search: string, hashQuery: URLSearchParams): URLSearchParams {
  const merged = new URLSearchParams(search);
  for (const [key, value] of hashQuery) merged.set(key, value);
  return merged;
}

/** A safe in-app return path from a `next` parameter: only `/…` paths, never `//host` or a URL. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

function split(path: string): string[] {
  return path.split('/').filter(Boolean);
}
