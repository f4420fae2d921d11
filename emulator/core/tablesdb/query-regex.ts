import { RE2JS, RE2JSException } from 're2js';
import { AppwriteError } from '../platform/errors.ts';

/**
 * Appwrite's `regex` query on an engine that cannot stall the server. Appwrite hands the pattern to
 * its database (MariaDB `REGEXP`, MongoDB `$regex`, Postgres `~`). JavaScript's `RegExp` backtracks:
 * `^(a+)+$` against thirty `a`s and a `!` held the event loop for seconds, doubling with each
 * character, and every other client waited. RE2 (re2js, a pure-JS port) matches in time linear in
 * the text; the features it refuses — backreferences and lookaround, the ones that need
 * backtracking — are a 400 `general_query_invalid` here (see DIFFERENCES.md for the syntax).
 *
 * Linear in the text is still multiplied by the size of the compiled pattern, and compiling copies a
 * counted repeat's body once per count (`(?:.{0,999}){85}` is 170,000 instructions and takes a third
 * of a second just to compile). So a pattern is bounded twice: its length, and its size with every
 * repeat expanded — estimated from the text before compiling, then checked exactly after.
 */

/** The longest pattern accepted, in UTF-16 units (Appwrite's bound is its 4,096-char query string). */
export const MAX_REGEX_LENGTH = 1024;

/**
 * The largest compiled pattern accepted, in RE2 instructions. `^.{0,280}$` is 564; what this allows
 * matches a 100,000-character value in tens of milliseconds at worst.
 */
export const MAX_REGEX_SIZE = 1000;

/** Compiled patterns by source, most recently used last: one compile per pattern, not per row. */
const cache = new Map<string, RE2JS>();
const CACHE_ENTRIES = 256;

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

/**
 * Checks and compiles a `regex` query's pattern (and keeps it for `regexMatches`). Anything but a
 * string RE2 accepts within the bounds above is 400 `general_query_invalid`, with what was wrong.
 */
export function compileRegex(pattern: unknown): RE2JS {
  if (typeof pattern !== 'string') throw invalid('a regex pattern must be a string.');
  const known = cache.get(pattern);
  if (known) {
    cache.delete(pattern);
    cache.set(pattern, known);
    return known;
  }
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw invalid(`a regex pattern may be at most ${MAX_REGEX_LENGTH} characters long.`);
  }
  if (expandedSize(pattern) > MAX_REGEX_SIZE) throw tooLarge();
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw invalid(
      `the regex ${JSON.stringify(pattern)} is not supported (${error.message}). ${SYNTAX}`,
    );
  }
  if (compiled.programSize() > MAX_REGEX_SIZE) throw tooLarge();
  cache.set(pattern, compiled);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return compiled;
}

const SYNTAX =
  'Regex queries use RE2 syntax: no backreferences (\\1), lookahead or lookbehind ((?=, (?!, (?<=, (?<!), atomic groups or possessive quantifiers.';

function tooLarge(): AppwriteError {
  return invalid(
    `the regex pattern is too large: with its repeats expanded it may compile to at most ${MAX_REGEX_SIZE} RE2 instructions.`,
  );
}

/**
 * Whether `text` contains a match for `pattern` (unanchored, like `REGEXP`). Used per row by SQLite;
 * the query compiler has already checked the pattern, so a refused one simply matches nothing.
 */
export function regexMatches(pattern: string, text: string): boolean {
  try {
    return compileRegex(pattern).test(text);
  } catch (error) {
    if (error instanceof AppwriteError) return false;
    throw error;
  }
}

/**
 * An upper estimate of a pattern's size with counted repeats expanded: each atom (a character, an
 * escape, a class) counts one, a group counts its contents, and `{n,m}` multiplies what it repeats by
 * its largest count. Linear in the pattern, so a pattern that would compile to a huge program is
 * refused before RE2 spends time building it. Misreading exotic syntax only mis-sizes the estimate;
 * the exact size is still checked after compiling.
 */
export function expandedSize(pattern: string): number {
  const groups = [0];
  let last = 0;
  const add = (size: number) => {
    groups[groups.length - 1] = (groups.at(-1) as number) + size;
    last = size;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? pattern.length : end;
        add(stop - (i + 2));
        last = 1;
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      // `\p{Greek}`, `\x{10FFFF}`: the braces belong to the escape, not a repeat.
      const braced = pattern[i + 2] === '{' && 'pPx'.includes(pattern[i + 1] ?? '');
      const close = braced ? pattern.indexOf('}', i + 2) : -1;
      i = close >= 0 ? close + 1 : i + 2;
      add(1);
    } else if (c === '[') {
      i = classEnd(pattern, i);
      add(1);
    } else if (c === '(') {
      const flagsOnly = /^\(\?[A-Za-z-]*\)/.exec(pattern.slice(i, i + 16));
      if (flagsOnly) {
        i += flagsOnly[0].length;
      } else {
        groups.push(0);
        i++;
      }
    } else if (c === ')') {
      if (groups.length > 1) add((groups.pop() as number) + 2);
      i++;
    } else if (c === '{') {
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i, i + 24));
      if (repeat) {
        const min = Number(repeat[1]);
        const max = repeat[2] === undefined ? min : repeat[2] === '' ? min + 1 : Number(repeat[2]);
        // RE2 writes the body `max` times, and one branch for each optional copy.
        const times = Math.max(max, 1);
        const grown = last * times + (times - Math.min(min, times)) + 1;
        groups[groups.length - 1] = (groups.at(-1) as number) + grown - last;
        last = grown;
        i += repeat[0].length;
      } else {
        add(1);
        i++;
      }
    } else if (c === '*' || c === '+' || c === '?') {
      groups[groups.length - 1] = (groups.at(-1) as number) + 1;
      i++;
    } else if (c === '|') {
      groups[groups.length - 1] = (groups.at(-1) as number) + 1;
      last = 0;
      i++;
    } else {
      add(1);
      i++;
    }
  }
  return groups.reduce((sum, size) => sum + size, 0);
}

/** The index just past the character class that opens at `start` (`[^]a[:alpha:]\]]`). */
function classEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length) {
    const c = pattern[j];
    if (c === '\\') {
      const braced = pattern[j + 2] === '{' && 'pPx'.includes(pattern[j + 1] ?? '');
      const close = braced ? pattern.indexOf('}', j + 2) : -1;
      j = close >= 0 ? close + 1 : j + 2;
    } else if (c === '[' && pattern[j + 1] === ':') {
      const close = pattern.indexOf(':]', j + 2);
      j = close >= 0 ? close + 2 : j + 1;
    } else if (c === ']') {
      return j + 1;
    } else {
      j++;
    }
  }
  return pattern.length;
}
