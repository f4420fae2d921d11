import { AppwriteError } from '../platform/errors.ts';

/**
 * The headers a caller may pass to `createExecution`, checked as Appwrite's Headers validator checks
 * them (SRV src/Appwrite/Functions/Validator/Headers.php): at most 100 names; each name letters and
 * digits with hyphens inside (not first or last); names and values together under 16 KB; and no name
 * starting with `x-appwrite-`, because those are Appwrite's to set — otherwise a caller could forge
 * `x-appwrite-user-id` and act as someone else inside the function.
 *
 * One difference on purpose: Appwrite compares the prefix case-sensitively, so `X-Appwrite-User-Id`
 * slips through its validator and reaches the runtime next to the real header; here the prefix is
 * refused in any case.
 */

/** Appwrite's own description of the rule, used as the error message. */
export const HEADERS_RULE =
  'Invalid headers: Alphanumeric characters or hyphens only, cannot start with "x-appwrite", maximum 100 keys, and total size 16384.';

const MAX_KEYS = 100;
const MAX_SIZE = 16_384;
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * Reads the `headers` param (an object, or a JSON string of one, as Appwrite accepts both) and
 * returns it as lower-case name → string value. Anything Appwrite would refuse is 400.
 */
export function readExecutionHeaders(value: unknown): Record<string, string> {
  let headers = value;
  if (headers === undefined || headers === null || headers === '') return {};
  if (typeof headers === 'string') {
    try {
      headers = JSON.parse(headers);
    } catch {
      throw refused();
    }
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    if (Array.isArray(headers) && headers.length === 0) return {};
    throw refused();
  }
  const entries = Object.entries(headers as Record<string, unknown>);
  if (entries.length > MAX_KEYS) throw refused();
  const out: Record<string, string> = {};
  let size = 0;
  for (const [name, raw] of entries) {
    const value = typeof raw === 'string' ? raw : raw === null ? '' : String(raw);
    size += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (size >= MAX_SIZE) throw refused();
    if (!NAME.test(name)) throw refused();
    if (name.toLowerCase().startsWith('x-appwrite-')) throw refused();
    out[name.toLowerCase()] = value;
  }
  return out;
}

function refused(): AppwriteError {
  return new AppwriteError('general_argument_invalid', HEADERS_RULE);
}
