import { createHmac, randomBytes } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { eventNames } from '../platform/event-names.ts';
import type { AppwriteEvent } from '../platform/events.ts';
import { isoDate } from '../platform/time.ts';

/**
 * Project webhooks (`/v1/webhooks`, node-appwrite's `Webhooks` service) and their delivery, as
 * Appwrite 1.9.5 does them (SRV Modules/Webhooks/Http/Webhooks/*, Platform/Workers/Webhooks.php):
 * a webhook whose `events` intersect an event's generated names gets a `POST` of the resource model
 * as JSON, signed `base64(HMAC-SHA1(secret, url + body))` in `X-Appwrite-Webhook-Signature`. A
 * failed delivery (network error or status ≥ 400) adds one to `attempts` and records `logs`; after
 * 10 consecutive failures the webhook is disabled; a success resets `attempts` to 0. As upstream,
 * a failed delivery is not retried.
 */

/** `_APP_WEBHOOK_MAX_FAILED_ATTEMPTS` default. */
export const MAX_FAILED_ATTEMPTS = 10;

/** Upstream's `APP_USERAGENT` with the version filled in (the abuse address is ours). */
export const WEBHOOK_USER_AGENT =
  'Appwrite-Server v1.9.5. Please report abuse at security@appwrite.local';

/** A stored webhook. */
export interface WebhookDoc {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  url: string;
  events: string[];
  tls: boolean;
  authUsername: string;
  authPassword: string;
  secret: string;
  enabled: boolean;
  logs: string;
  attempts: number;
}

/** The settings a webhook is created or updated with. */
export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  tls: boolean;
  authUsername: string;
  authPassword: string;
}

/** The Webhook model: the secret is shown only when it was just made (create, secret update). */
export function webhookModel(doc: WebhookDoc, showSecret = false): Record<string, unknown> {
  return showSecret ? { ...doc } : { ...doc, secret: '' };
}

/** Webhooks of the project and their delivery. */
export class WebhookStore {
  readonly #docs: DocTable<WebhookDoc>;
  readonly #deliveries = new Set<Promise<void>>();
  /** The enabled webhooks with events, oldest first; read again after any write of this store. */
  #listening: WebhookDoc[] | null = null;

  constructor(db: Sql) {
    this.#docs = new DocTable(db, 'project_webhooks');
  }

  /** Every webhook, oldest first. */
  list(): WebhookDoc[] {
    return this.#docs.all();
  }

  /** The webhook, or 404 `webhook_not_found`. */
  get(id: string): WebhookDoc {
    const doc = this.#docs.get(id);
    if (!doc) throw new AppwriteError('webhook_not_found', `No webhook has the id '${id}'.`);
    return doc;
  }

  /** Creates a webhook; the secret is the given one or 128 random hex characters, as upstream. */
  create(id: string, input: WebhookInput, secret: string | null): WebhookDoc {
    if (this.#docs.get(id)) {
      throw new AppwriteError('webhook_already_exists', `A webhook with the id '${id}' exists.`);
    }
    const now = isoDate();
    return this.#save({
      $id: id,
      $createdAt: now,
      $updatedAt: now,
      ...input,
      secret: secret ?? randomBytes(64).toString('hex'),
      logs: '',
      attempts: 0,
    });
  }

  /** Replaces a webhook's settings; re-enabling it clears its failure count. */
  update(id: string, input: WebhookInput): WebhookDoc {
    const current = this.get(id);
    const attempts = input.enabled && !current.enabled ? 0 : current.attempts;
    return this.#save({ ...current, ...input, attempts, $updatedAt: isoDate() });
  }

  /** Sets a new secret (given or random). */
  updateSecret(id: string, secret: string | null): WebhookDoc {
    const current = this.get(id);
    return this.#save({
      ...current,
      secret: secret ?? randomBytes(64).toString('hex'),
      $updatedAt: isoDate(),
    });
  }

  /** Deletes a webhook. */
  delete(id: string): void {
    this.get(id);
    this.#docs.delete(id);
    this.#listening = null;
  }

  /** Whether an enabled webhook lists events (so a published event needs naming at all). */
  get listening(): boolean {
    return this.#enabled().length > 0;
  }

  /**
   * Delivers an event to every enabled webhook that listens to one of its names. `names` are the
   * event's names when the caller has them already (the functions service names each event once).
   */
  onEvent(event: AppwriteEvent, projectId: string, names?: readonly string[]): void {
    const hooks = this.#enabled();
    if (hooks.length === 0) return;
    const all = [...(names ?? eventNames(event))];
    const heard = new Set(all);
    const body = JSON.stringify(event.payload);
    for (const hook of hooks) {
      if (!hook.events.some((e) => heard.has(e))) continue;
      const delivery = this.deliver(hook, all, body, event.userId ?? '', projectId);
      this.#deliveries.add(delivery);
      void delivery.finally(() => this.#deliveries.delete(delivery));
    }
  }

  /** Waits until every delivery under way has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#deliveries.size > 0) await Promise.allSettled([...this.#deliveries]);
  }

  #enabled(): WebhookDoc[] {
    this.#listening ??= this.list().filter((w) => w.enabled && w.events.length > 0);
    return this.#listening;
  }

  #save(doc: WebhookDoc): WebhookDoc {
    this.#listening = null;
    return this.#docs.put(doc);
  }

  private async deliver(
    hook: WebhookDoc,
    names: string[],
    body: string,
    userId: string,
    projectId: string,
  ): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'x-appwrite-webhook-id': hook.$id,
      'x-appwrite-webhook-events': names.join(','),
      'x-appwrite-webhook-name': hook.name,
      'x-appwrite-webhook-user-id': userId,
      'x-appwrite-webhook-project-id': projectId,
      'x-appwrite-webhook-signature': webhookSignature(hook.secret, hook.url, body),
    };
    if (hook.authUsername && hook.authPassword) {
      const basic = Buffer.from(`${hook.authUsername}:${hook.authPassword}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    let failure: string | null = null;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'follow',
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status >= 400) {
        failure = `URL: ${hook.url}\nMethod: POST\nStatus code: ${response.status}\nBody: \n${text.slice(0, 10_000)}\n`;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failure = `URL: ${hook.url}\nMethod: POST\nError: ${reason}\nEvents: ${names.join(', ')}\n`;
    }
    const current = this.#docs.get(hook.$id);
    if (!current) return;
    if (failure === null) {
      if (current.attempts !== 0) this.#save({ ...current, attempts: 0 });
      return;
    }
    const attempts = current.attempts + 1;
    this.#save({
      ...current,
      attempts,
      logs: failure,
      enabled: attempts >= MAX_FAILED_ATTEMPTS ? false : current.enabled,
    });
  }
}

/**
 * Appwrite's webhook signature: HMAC-SHA1 keyed with the webhook's secret over the URL exactly as
 * stored followed by the raw body, base64-encoded. A receiver recomputes it to trust the payload.
 */
export function webhookSignature(secret: string, url: string, body: string): string {
  return createHmac('sha1', secret)
    .update(url + body)
    .digest('base64');
}
