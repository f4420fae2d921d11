import { describe, expect, it } from 'vitest';
import { excerpt, highlight, searchWords } from '../../../client/src/lib/highlight.ts';

const marked = (text: string, query: string) =>
  highlight(text, query)
    .map((part) => (part.match ? `[${part.text}]` : part.text))
    .join('');

describe('highlight', () => {
  it('marks every case-insensitive occurrence of each word', () => {
    expect(marked('Svelte and svelte runes', 'svelte')).toBe('[Svelte] and [svelte] runes');
    expect(marked('Realtime in Svelte', 'svelte realtime')).toBe('[Realtime] in [Svelte]');
  });

  it('keeps the text whole: joining the segments gives the input back', () => {
    const text = 'A post about <b>bold</b> & "quotes"';
    expect(
      highlight(text, 'bold quotes')
        .map((part) => part.text)
        .join(''),
    ).toBe(text);
  });

  it('treats markup in user text as text, never as a match pattern or HTML', () => {
    const parts = highlight('<img src=x onerror=alert(1)> hi', '<img');
    expect(parts.find((part) => part.match)?.text).toBe('img');
    expect(parts.map((part) => part.text).join('')).toContain('<img src=x');
  });

  it('escapes regular-expression characters in the query', () => {
    expect(marked('costs $5 (or more)', '$5')).toBe('costs [$5] (or more)');
    expect(marked('see [x] or x', '[x]')).toBe('see [[x]] or x');
    expect(marked('a|b ab', 'a|b')).toBe('[a|b] ab');
  });

  it('matches at the start of words, as the fulltext search does', () => {
    expect(marked('(or more) order', '(or')).toBe('([or] more) [or]der');
  });

  it('prefers the longer word where words overlap', () => {
    expect(marked('agora', 'ago agora')).toBe('[agora]');
  });

  it('returns the text unmarked for an empty query, and nothing for empty text', () => {
    expect(highlight('hello', '  ')).toEqual([{ text: 'hello', match: false }]);
    expect(highlight('', 'x')).toEqual([]);
  });
});

describe('searchWords', () => {
  it('drops one-letter words when there are others', () => {
    expect(searchWords('a svelte b')).toEqual(['svelte']);
    expect(searchWords('a')).toEqual(['a']);
  });
});

describe('excerpt', () => {
  it('cuts around the first match, with ellipses', () => {
    const text = `${'x '.repeat(200)}needle ${'y '.repeat(200)}`;
    const cut = excerpt(text, 'needle', 60);
    expect(cut).toContain('needle');
    expect(cut.startsWith('…')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('leaves short text alone', () => {
    expect(excerpt('short', 'x')).toBe('short');
  });
});
