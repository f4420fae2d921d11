import { createHash } from 'node:crypto';
import {
  type WebhookDeliveryFields,
  WebhookHeaders,
  WebhookLimits,
  type WebhookReceipt,
} from '#shared/schemas/webhook.ts';
import { AppError } from '../../_lib/app-error.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { readWebhookEnv, verifyWebhookSignature, type WebhookEnv } from './webhook-signature.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

/** The largest body the receiver reads. Appwrite sends one resource model; 1 MiB is far above one. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * A copy of a delivery that arrives within this window of the first is dropped. Appwrite does not
 * retry a failed delivery, so a copy is a replay (a proxy's retry, or an attacker resending a
 * captured request: the signature has no timestamp, so it verifies forever).
 */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** What the handler needs per execution; tests set the clock and the variables. */
export interface WebhooksDeps {
  repoFor: (req: RuntimeRequest) => WebhooksRepo;
  env?: () => WebhookEnv;
  now?: () => Date;
}

/**
 * The delivery's record id: the first 36 hex characters of the body's SHA-256. One id per body is
 * what makes the duplicate check safe under concurrency: of two copies racing, one create wins and
 * the other gets a 409. Keying on the body also covers "same signature": with one URL and secret the
 * signature is a function of the body, and a body re-signed after a secret rotation is still caught.
 */
export function deliveryRowId(bodyHash: string): string {
  return bodyHash.slice(0, 36);
}

function unauthorized(): AppError {
  return new AppError('user_unauthorized', 'The webhook signature is missing or does not match.');
}

/**
 * `POST /`: an Appwrite webhook delivery. The signature is checked before anything else is read; a
 * missing or wrong one is 401 and nothing is written. An accepted delivery is recorded in
 * `webhook_deliveries` → 200 `{deliveryId, duplicate: false}`; a copy of one recorded within
 * `DUPLICATE_WINDOW_MS` → 200 `{deliveryId, duplicate: true}` and nothing more is written (a 2xx,
 * so a sender does not count it as a failure).
 */
export function receiveWebhook({
  repoFor,
  env = () => readWebhookEnv(process.env),
  now = () => new Date(),
}: WebhooksDeps): RouteHandler {
  return async ({ req, res }) => {
    const body = req.bodyBinary;
    if (body.byteLength > MAX_WEBHOOK_BYTES) {
      throw new AppError(
        'general_bad_request',
        `The request body is larger than ${MAX_WEBHOOK_BYTES / 1024} KiB.`,
      );
    }
    const parsed = WebhookHeaders.safeParse(req.headers);
    if (!parsed.success) throw unauthorized();
    const headers = parsed.data;
    const signature = headers['x-appwrite-webhook-signature'];
    if (signature === '') throw unauthorized();
    const { AGORA_WEBHOOK_URL, AGORA_WEBHOOK_SECRET } = env();
    if (!verifyWebhookSignature(AGORA_WEBHOOK_SECRET, AGORA_WEBHOOK_URL, body, signature)) {
      throw unauthorized();
    }

    const bodyHash = createHash('sha256').update(body).digest('hex');
    const deliveryId = deliveryRowId(bodyHash);
    const receivedAt = now();
    const fields: WebhookDeliveryFields = {
      webhookId: headers['x-appwrite-webhook-id'].slice(0, WebhookLimits.webhookId),
      events: headers['x-appwrite-webhook-events'].slice(0, WebhookLimits.events),
      bodyHash,
      bodyBytes: body.byteLength,
      bodyExcerpt: req.bodyText.slice(0, WebhookLimits.excerpt),
      receivedAt: receivedAt.toISOString(),
    };
    const recorded = await record(repoFor(req), deliveryId, fields, receivedAt);
    const receipt: WebhookReceipt = { deliveryId, duplicate: !recorded };
    return res.json(receipt);
  };
}

/**
 * Records the delivery unless a copy was recorded within the window; `true` when this call recorded
 * it. A record older than the window is deleted and the create tried again: whichever copy's create
 * wins is the one accepted, the others see a fresh record and are duplicates. Two rounds at most; a
 * record that keeps changing under us means other copies are being accepted, so this one is not.
 */
async function record(
  repo: WebhooksRepo,
  rowId: string,
  fields: WebhookDeliveryFields,
  now: Date,
): Promise<boolean> {
  for (let round = 0; round < 2; round += 1) {
    if (await repo.createDelivery(rowId, fields)) return true;
    const previous = await repo.receivedAt(rowId);
    if (previous === null) continue;
    if (now.getTime() - previous.getTime() < DUPLICATE_WINDOW_MS) return false;
    await repo.deleteDelivery(rowId);
  }
  return false;
}
