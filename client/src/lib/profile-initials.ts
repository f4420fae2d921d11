/**
 * Up to two initials for an avatar placeholder: the first letters of the first and last words of a
 * name ("Ada Lovelace" → "AL", "plato" → "P"), upper-cased. Letters outside the Basic Multilingual
 * Plane (an emoji, say) count as one character, so a name never yields half a surrogate pair.
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = firstGrapheme(words[0] ?? '');
  const last = words.length > 1 ? firstGrapheme(words[words.length - 1] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

function firstGrapheme(word: string): string {
  return Array.from(word)[0] ?? '';
}

/**
 * A stable hue (0–359) for someone's placeholder avatar, from their id: the same person keeps the same
 * colour on every page, and neighbours in a list rarely share one.
 */
export function avatarHue(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}
