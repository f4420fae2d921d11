import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

/**
 * User ids derived from a server secret, so `on-user-created` can tell, without storage, whether a new
 * user came through Agora's functions (`accounts` registration, and later `admin`) or straight from
 * Appwrite's `account.create` (a browser skipping the password policy).
 *
 * An id is 36 lower-case hex characters: a random 16-hex nonce (64 bits) followed by the first 20 hex
 * characters (80 bits) of HMAC-SHA256(secret, "agora-user-id:v1:" + nonce). A valid Appwrite custom
 * id (`[a-z0-9]`, at most 36). Forging one means guessing an 80-bit tag per attempt; the check
 * compares tags with `crypto.timingSafeEqual`.
 */

const NONCE_HEX = 16;
const TAG_HEX = 20;
export const USER_ID_LENGTH = NONCE_HEX + TAG_HEX;
const SHAPE = new RegExp(`^[0-9a-f]{${USER_ID_LENGTH}}$`);
const CONTEXT = 'agora-user-id:v1:';

function tagOf(secret: string, nonce: string): Buffer {
  const hex = createHmac('sha256', secret)
    .update(CONTEXT + nonce)
    .digest('hex');
  return Buffer.from(hex.slice(0, TAG_HEX), 'utf8');
}

/** A fresh user id derived from `secret` (a new random nonce each call). */
export function deriveUserId(
  secret: string,
  nonce = randomBytes(NONCE_HEX / 2).toString('hex'),
): string {
  if (!/^[0-9a-f]{16}$/.test(nonce))
    throw new Error('The nonce must be 16 lower-case hex characters.');
  return nonce + tagOf(secret, nonce).toString('utf8');
}

/** Whether `userId` was derived from `secret` by `deriveUserId`; the tag is compared in constant time. */
export function isDerivedUserId(secret: string, userId: string): boolean {
  if (!SHAPE.test(userId)) return false;
  const nonce = userId.slice(0, NONCE_HEX);
  const given = Buffer.from(userId.slice(NONCE_HEX), 'utf8');
  return timingSafeEqual(given, tagOf(secret, nonce));
}

/** The function variable both `accounts` and `on-user-created` (and `admin`) must share. */
const IdSecretEnv = z.object({
  AGORA_ID_SECRET: z.string().check(z.minLength(32, 'shorter than 32 characters')),
});

/**
 * Reads `AGORA_ID_SECRET` from `source`, with a message naming the problem (never the value).
 * Exported for tests; functions call `idSecret()`.
 */
export function readIdSecret(source: Record<string, string | undefined>): string {
  const result = IdSecretEnv.safeParse(source);
  if (result.success) return result.data.AGORA_ID_SECRET;
  const problem =
    source.AGORA_ID_SECRET === undefined
      ? 'missing'
      : (result.error.issues[0]?.message ?? 'invalid');
  throw new Error(
    `Function variable AGORA_ID_SECRET is ${problem}. Set the same random value (at least 32 characters, e.g. \`openssl rand -hex 32\`) on the accounts, on-user-created and admin functions (console → Functions → Settings → Variables, or \`appwrite push functions --with-variables\`).`,
  );
}

let cached: string | undefined;

/** The secret, read once per process on first use (a throw here becomes our 500, not a 503). */
export function idSecret(): string {
  cached ??= readIdSecret(process.env);
  return cached;
}
