import { describe, expect, it } from 'vitest';
import { SEARCH_WORDS_MAX, searchTerms } from '../../../shared/queries.ts';

describe('searchTerms: the words every result must have', () => {
  it('markup leaves its words, not "1" or "x"', () => {
    expect(searchTerms('<img src=x onerror=alert(1)>')).toEqual(['img', 'src', 'onerror', 'alert']);
  });

  it('words Appwrite’s fulltext index never holds (stopwords, under 3 letters) are left out', () => {
    expect(searchTerms('The end-to-end test of Agora')).toEqual(['end', 'test', 'agora']);
    // Only such words: kept, so the search still asks for something.
    expect(searchTerms('to be')).toEqual(['to', 'be']);
  });

  it('distinct, case-folded, at most SEARCH_WORDS_MAX', () => {
    expect(searchTerms('Svelte svelte SVELTE runes')).toEqual(['svelte', 'runes']);
    const many = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet';
    expect(searchTerms(many)).toHaveLength(SEARCH_WORDS_MAX);
  });
});
