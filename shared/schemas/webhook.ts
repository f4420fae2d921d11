import * as z from 'zod/mini';
import { DateTime, INT32_MAX } from './common.ts';
import { rowOf } from './row.ts';

/** How much of a webhook's headers and body a delivery record keeps (the column sizes). */
export const WebhookLimits = {
  /** An Appwrite webhook id: at most 36 characters. */
  webhookId: 36,
  /** `X-Appwrite-Webhook-Events`: every generated event name, comma-joined. */
  events: 4096,
  /** The start of the raw body, enough to tell deliveries apart by eye. */
  excerpt: 1000,
} as const;

/** A SHA-256 in lower-case hex. */
const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/), z.maxLength(64));

/**
 * What a `webhook_deliveries` row stores: one accepted delivery of an Appwrite webhook. The row id is
 * derived from `bodyHash` (`deliveryRowId`), so two concurrent copies of one delivery cannot both be
 * recorded: the second create is a 409. Readable by no one but functions (no table permissions).
 */
export const WebhookDeliveryFields = z.strictObject({
  /** `X-Appwrite-Webhook-Id`: which webhook sent it (not which delivery). */
  webhookId: z.string().check(z.maxLength(WebhookLimits.webhookId)),
  /** `X-Appwrite-Webhook-Events`, cut to the column. */
  events: z.string().check(z.maxLength(WebhookLimits.events)),
  bodyHash: Sha256Hex,
  bodyBytes: z.int().check(z.minimum(0), z.maximum(INT32_MAX)),
  bodyExcerpt: z.string().check(z.maxLength(WebhookLimits.excerpt)),
  receivedAt: DateTime,
});
export type WebhookDeliveryFields = z.infer<typeof WebhookDeliveryFields>;

export const WebhookDelivery = rowOf(WebhookDeliveryFields);
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/**
 * The headers Appwrite sends with a webhook that the receiver reads (open-runtimes lower-cases header
 * names). Not strict: a request carries many other headers. The signature is checked, not trusted.
 */
export const WebhookHeaders = z.object({
  'x-appwrite-webhook-signature': z._default(z.string(), ''),
  'x-appwrite-webhook-id': z._default(z.string(), ''),
  'x-appwrite-webhook-events': z._default(z.string(), ''),
});
export type WebhookHeaders = z.infer<typeof WebhookHeaders>;

/** What the receiver answers a delivery it accepted or recognised as a copy. */
export interface WebhookReceipt {
  /** The delivery record's id (derived from the body hash). */
  deliveryId: string;
  duplicate: boolean;
}
