// @ts-check
/**
 * Turns a logged value into what the open-runtimes Node logger serialises. The runtime loads
 * superjson and logs `JSON.stringify(superjson.serialize(value).json)`, so a Map logs as its
 * entries, a Set as its values, a bigint as a string, `undefined` as null, NaN/Infinity/-0 as
 * strings and an Error inside an object as {name, message}. This reproduces that `json` part for
 * the types superjson knows, without the dependency (superjson's src/transformer.ts and
 * src/plainer.ts are the reference). Other class instances are left for JSON.stringify.
 */

/** @param {unknown} value */
export function toJsonSafe(value) {
  return walk(value, []);
}

/**
 * @param {unknown} value
 * @param {unknown[]} ancestors objects on the path from the root, to cut cycles as superjson does
 * @returns {unknown}
 */
function walk(value, ancestors) {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return number(value);
  if (value === null || typeof value !== 'object') return value;

  if (ancestors.includes(value)) return null;
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item) => walk(item, inner));
  if (value instanceof Map) return [...value.entries()].map((entry) => walk(entry, inner));
  if (value instanceof Set) return [...value.values()].map((item) => walk(item, inner));
  if (value instanceof Error) {
    /** @type {Record<string, unknown>} */
    const base = { name: value.name, message: value.message };
    if ('cause' in value) base.cause = value.cause;
    return walkObject(base, inner);
  }
  if (isPlainObject(value)) return walkObject(value, inner);

  if (value instanceof Date) return Number.isNaN(value.valueOf()) ? value : value.toISOString();
  if (value instanceof RegExp || value instanceof URL) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return [.../** @type {Iterable<number | bigint>} */ (/** @type {unknown} */ (value))].map(
      (n) => (typeof n === 'bigint' ? n.toString() : number(n)),
    );
  }
  return value;
}

/**
 * @param {object} object
 * @param {unknown[]} ancestors
 */
function walkObject(object, ancestors) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, item] of Object.entries(object)) {
    // superjson refuses these keys by throwing; the logger then falls back to String(value).
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new Error(`refusing key ${key}`);
    }
    out[key] = walk(item, ancestors);
  }
  return out;
}

/** @param {number} n */
function number(n) {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (n === 0 && 1 / n === Number.NEGATIVE_INFINITY) return '-0';
  return n;
}

/** @param {object} value */
function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}
