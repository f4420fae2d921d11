import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

/**
 * Appwrite's webhook signature (Platform/Workers/Webhooks.php): base64 of HMAC-SHA1 keyed with the
 * webhook's secret over the URL exactly as configured followed by the raw body bytes. The URL is
 * ours (a function variable), never the request's: behind a proxy or a custom domain the URL the
 * function sees is not the one Appwrite signed, and a caller must not pick what we verify against.
 */
export function webhookSignature(secret: string, url: string, body: Uint8Array): string {
  return createHmac('sha1', secret).update(url).update(body).digest('base64');
}

/**
 * Whether `given` is the signature of `body`. The strings are compared with
 * `crypto.timingSafeEqual`, so the time taken does not tell an attacker how many leading characters
 * they guessed right; it throws on buffers of different lengths, so lengths are checked first (the
 * length of a base64 SHA-1 is public: 28 characters).
 */
export function verifyWebhookSignature(
  secret: string,
  url: string,
  body: Uint8Array,
  given: string,
): boolean {
  const expected = Buffer.from(webhookSignature(secret, url, body), 'utf8');
  const offered = Buffer.from(given, 'utf8');
  if (offered.length !== expected.length) return false;
  return timingSafeEqual(offered, expected);
}

/** The function variables the receiver verifies with; set them as the webhook is set in Appwrite. */
const WebhookEnv = z.object({
  AGORA_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }),
  AGORA_WEBHOOK_SECRET: z.string().check(z.minLength(8, 'shorter than 8 characters')),
});
export type WebhookEnv = z.infer<typeof WebhookEnv>;

/**
 * Reads `AGORA_WEBHOOK_URL` and `AGORA_WEBHOOK_SECRET` from `source`, with a message naming each
 * missing or broken variable (never its value). Read per execution: a changed variable applies to the
 * next one.
 */
export function readWebhookEnv(source: Record<string, string | undefined>): WebhookEnv {
  const result = WebhookEnv.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `${name} ${source[name] === undefined ? 'missing' : issue.message}`;
  });
  throw new Error(
    `Function variables are incomplete: ${problems.join(', ')}. Set AGORA_WEBHOOK_URL to the URL of the Appwrite webhook exactly as configured and AGORA_WEBHOOK_SECRET to its signature key (console → Functions → webhooks → Settings → Variables).`,
  );
}
