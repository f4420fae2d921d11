/**
 * The deepest nesting a JSON body may have: PHP's `json_decode` default depth, which Appwrite's
 * request parsing (utopia-php/framework) uses. Past it Appwrite sees no params at all; here the body
 * is refused, so nothing recursive further on (`JSON.stringify` of a param, prefs, row data) can run
 * out of stack on a guest's input.
 */
export const JSON_MAX_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether valid JSON `text` nests objects and arrays deeper than `max` levels (the outermost
 * object is level 1). One pass over the characters, skipping strings; a text shorter than `max`
 * characters cannot, so it is not scanned.
 */
export function jsonNestsDeeper(text: string, max: number = JSON_MAX_DEPTH): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
      if (depth > max) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
