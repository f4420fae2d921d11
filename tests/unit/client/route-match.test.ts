import { describe, expect, it } from 'vitest';
import {
  matchPath,
  matchRoute,
  mergeQuery,
  parseHash,
  safeNext,
} from '../../../client/src/lib/route-match.ts';

describe('matchPath', () => {
  const cases: [string, string, Record<string, string> | null][] = [
    ['/', '/', {}],
    ['/post/:id', '/post/abc', { id: 'abc' }],
    ['/post/:id', '/post/abc/', { id: 'abc' }],
    ['/post/:id', '/post', null],
    ['/post/:id', '/post/abc/edit', null],
    ['/post/:id/edit', '/post/abc/edit', { id: 'abc' }],
    ['/u/:id', '/u/a%20b', { id: 'a b' }],
    ['/u/:id', '/u/%E0%A4%A', null], // malformed escape: no match, no throw
    ['/search', '/searching', null],
  ];
  it.each(cases)('%s on %s', (pattern, path, expected) => {
    expect(matchPath(pattern, path)).toEqual(expected);
  });
});

describe('matchRoute', () => {
  const routes = [{ pattern: '/post/:id/edit' }, { pattern: '/post/:id' }, { pattern: '/' }];
  it('takes the first pattern that matches, with its params', () => {
    expect(matchRoute(routes, '/post/7')).toEqual({ route: routes[1], params: { id: '7' } });
    expect(matchRoute(routes, '/post/7/edit')?.route).toBe(routes[0]);
    expect(matchRoute(routes, '/nope')).toBeNull();
  });
});

describe('parseHash', () => {
  it('splits the hash into path and query', () => {
    const { path, query } = parseHash('#/search?q=svelte%20runes');
    expect(path).toBe('/search');
    expect(query.get('q')).toBe('svelte runes');
  });

  it('treats an empty or foreign hash as home', () => {
    expect(parseHash('').path).toBe('/');
    expect(parseHash('#main').path).toBe('/');
    expect(parseHash('#/').path).toBe('/');
  });
});

describe('mergeQuery (Appwrite email links put userId/secret before the #)', () => {
  it('reads the real query and the hash query, the hash winning on a clash', () => {
    const merged = mergeQuery(
      '?userId=u1&secret=s3cr3t&expire=x',
      new URLSearchParams('next=/a&userId=u2'),
    );
    expect(merged.get('secret')).toBe('s3cr3t');
    expect(merged.get('next')).toBe('/a');
    expect(merged.get('userId')).toBe('u2');
  });
});

describe('safeNext', () => {
  it('keeps in-app paths', () => {
    expect(safeNext('/post/1?x=2')).toBe('/post/1?x=2');
  });

  it.each([
    null,
    '',
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
  ])('refuses %s', (next) => {
    expect(safeNext(next)).toBe('/');
  });
});
