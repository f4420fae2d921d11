/**
 * Splits text into plain and matched segments for search results, so matches render as <mark>
 * elements around TEXT nodes — user text is never turned into HTML. Matching is case-insensitive,
 * at the start of a word, per search word (words shorter than 2 characters are ignored unless it is the only word), longest
 * word first so "agora" wins over "ago".
 *
 *   {#each highlight(post.title, query) as part}{#if part.match}<mark>{part.text}</mark>{:else}{part.text}{/if}{/each}
 */
export interface Segment {
  text: string;
  match: boolean;
}

export function highlight(text: string, query: string): Segment[] {
  const words = searchWords(query);
  if (words.length === 0 || text === '') return text ? [{ text, match: false }] : [];
  // Fulltext matches words by their start, so "or" marks "order" but not the "or" inside "more".
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.map(escapeRegExp).join('|')})`, 'giu');
  const segments: Segment[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const start = found.index;
    if (start > last) segments.push({ text: text.slice(last, start), match: false });
    segments.push({ text: found[0], match: true });
    last = start + found[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), match: false });
  return segments;
}

/** The distinct words of a query, longest first. */
export function searchWords(query: string): string[] {
  const words = [
    ...new Set(
      query
        .toLowerCase()
        .split(/[\s"'(),.;:!?+*~<>@-]+/)
        .filter(Boolean),
    ),
  ];
  const useful = words.length > 1 ? words.filter((word) => word.length >= 2) : words;
  return useful.sort((a, b) => b.length - a.length);
}

/**
 * A window of `text` around the first match (for long bodies in results), with ellipses where cut.
 */
export function excerpt(text: string, query: string, length = 180): string {
  if (text.length <= length) return text;
  const lower = text.toLowerCase();
  const first = searchWords(query)
    .map((word) => lower.indexOf(word))
    .filter((index) => index >= 0)
    .sort((a, b) => a - b)[0];
  const start = first === undefined ? 0 : Math.max(0, first - Math.floor(length / 3));
  const end = Math.min(text.length, start + length);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
