/**
 * The console's location: the hash (`#/databases/agora/tables/posts`) split into segments. Hash
 * routes need no server rewrites: `/console` serves one page.
 */
class Route {
  #segments = $state<string[]>(Route.read());

  static read(): string[] {
    return location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  }

  constructor() {
    addEventListener('hashchange', () => {
      this.#segments = Route.read();
    });
  }

  /** The path's segments, e.g. `['databases', 'agora']`. */
  get segments(): readonly string[] {
    return this.#segments;
  }

  /** The first segment: which screen. */
  get screen(): string {
    return this.#segments[0] ?? '';
  }
}

/** The one route of the page. */
export const route = new Route();

/** A hash link to these segments. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}
