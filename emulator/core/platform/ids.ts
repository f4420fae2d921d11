import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * Random bytes drawn from the CSPRNG a few kilobytes at a time: every id takes four, and one
 * `randomBytes` call per id (a native crypto job each) cost more than the rest of making it.
 */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/** Seven random hex digits (the first seven of four fresh random bytes). */
function randomHex(): string {
  if (randomOffset + 4 > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + 4);
  randomOffset += 4;
  return hex.slice(0, 7);
}

/**
 * A new id shaped as the SDKs' `ID.unique()` makes it: hex seconds, five hex digits of sub-second time,
 * then random hex — 20 characters that sort roughly by creation time. A counter keeps ids made within
 * the same millisecond distinct and ordered.
 */
export function uniqueId(): string {
  const now = Date.now();
  counter = now === lastMs ? counter + 1 : 0;
  lastMs = now;
  const seconds = Math.floor(now / 1000).toString(16);
  const fraction = ((now % 1000) * 1000 + (counter % 1000)).toString(16).padStart(5, '0');
  return seconds + fraction + randomHex();
}

/** Custom ids: letters, digits, `.`, `-`, `_`; not starting with a special character; at most 36 characters. */
const CUSTOM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

/** Resolves a requested id: `unique()` makes a new one; anything else must be a valid custom id, else `null`. */
export function resolveId(requested: string): string | null {
  if (requested === 'unique()') return uniqueId();
  return CUSTOM_ID.test(requested) ? requested : null;
}
