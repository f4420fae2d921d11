/**
 * Stands in, in the browser bundle, for the `json-bigint` package the appwrite SDK parses and
 * writes JSON with (vite.config.ts aliases it here): that package and bignumber.js are 10 KB gzip,
 * a tenth of the bundle, for integers beyond 2^53 that Agora never has. This keeps the SDK's own
 * result all the same, with the native JSON: integers beyond 2^53 within int64 come back as BigInt
 * (where the browser hands the reviver the number's source text: Chromium 114+, Firefox 135+,
 * Safari 18.4+; elsewhere they stay a lossy number, as ones beyond int64 do), and BigInt is written
 * as a JSON number.
 */
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** A parsed value as the SDK would see it: an unsafe integer within int64 → BigInt. */
export function revive(value: unknown, source: string | undefined): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || !source) return value;
  if (!/^-?\d+$/.test(source)) return value;
  const big = BigInt(source);
  return big >= MIN_INT64 && big <= MAX_INT64 ? big : value;
}

type Reviver = (this: unknown, key: string, value: unknown) => unknown;
const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;

/** A BigInt as a JSON number (as a lossy number where `JSON.rawJSON` is missing). */
export function replace(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return rawJSON ? rawJSON(value.toString()) : Number(value);
}

export default function JSONbig(_options?: object) {
  return {
    parse(text: string, reviver?: Reviver): unknown {
      return JSON.parse(text, function (this: unknown, key, value, context?: { source?: string }) {
        const revived = revive(value, context?.source);
        return reviver ? reviver.call(this, key, revived) : revived;
      });
    },
    stringify: (value: unknown): string => JSON.stringify(value, replace),
  };
}
