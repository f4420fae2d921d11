import { mergeQuery, parseHash } from './route-match.ts';

/**
 * The app's location, as reactive state. HASH ROUTING (`/#/post/abc`) on purpose: any static host
 * serves the one index.html without rewrite rules, and a reload or a shared link never 404s.
 *
 * Appwrite's verification and recovery mails append `?userId=…&secret=…&expire=…` to the URL we give
 * (`${origin}/#/verify`), which puts them in the real query, before the `#`. `router.query` merges that
 * query with the hash's own, so a page just reads `router.query.get('secret')`. Call
 * `router.dropSearch()` once such secrets are used, to take them out of the address bar.
 *
 *   import { router, navigate, href } from './lib/router.svelte.ts';
 *   <a href={href('/post/' + id)}>…</a>   navigate('/signin?next=' + encodeURIComponent(router.fullPath))
 */
class Router {
  path = $state('/');
  query = $state.raw(new URLSearchParams());

  constructor() {
    if (typeof window === 'undefined') return;
    this.#read();
    window.addEventListener('hashchange', () => this.#read());
  }

  /** The path with the hash's query, e.g. `/search?q=svelte`: what `next=` carries. */
  get fullPath(): string {
    const hash = parseHash(location.hash);
    const query = hash.query.toString();
    return query ? `${hash.path}?${query}` : hash.path;
  }

  /** Removes the real query (`?userId&secret`) from the address bar, keeping the hash. */
  dropSearch(): void {
    if (!location.search) return;
    history.replaceState(history.state, '', `${location.pathname}${location.hash}`);
    this.#read();
  }

  #read() {
    const { path, query } = parseHash(location.hash);
    this.path = path;
    this.query = mergeQuery(location.search, query);
  }
}

/** The one router. */
export const router = new Router();

/** An `href` for an in-app path: `href('/post/1')` → `#/post/1`. */
export function href(path: string): string {
  return `#${path}`;
}

/** Goes to an in-app path (`/post/1?x=y`); `replace` leaves no history entry (redirects). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = `${location.pathname}${location.search}#${path}`;
  if (options.replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = path;
  }
}

/** The sign-in path that comes back to where you are now (or to `next`). */
export function signInPath(next: string = router.fullPath): string {
  return `/signin?next=${encodeURIComponent(next)}`;
}
