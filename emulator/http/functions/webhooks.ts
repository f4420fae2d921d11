import type { FastifyInstance } from 'fastify';
import type { FunctionsService } from '../../core/functions/service.ts';
import { checkEventName } from '../../core/functions/settings.ts';
import { type WebhookInput, webhookModel } from '../../core/functions/webhooks.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { requireScope } from '../platform/context.ts';
import { operation } from '../platform/formats/layer.ts';
import { asModel } from '../platform/formats/models.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import {
  optionalBoolean,
  optionalString,
  requiredString,
  stringArray,
} from '../platform/params.ts';
import { bodyOf, readId } from './functions.ts';

type Body = Record<string, unknown>;

function readSecret(body: Body): string | null {
  const value = body.secret;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < 8 || value.length > 256) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `secret` param: must be between 8 and 256 characters long.',
    );
  }
  return value;
}

/** A webhook's settings (SRV Modules/Webhooks/Http/Webhooks/Create.php, Update.php). */
function readWebhookInput(body: Body): WebhookInput {
  const url = requiredString(body, 'url', 1, 2048);
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `url` param: must be a valid URL.',
    );
  }
  const events = stringArray(body, 'events');
  if (events.length > 100) {
    throw new AppwriteError('general_argument_invalid', 'Invalid `events` param: at most 100.');
  }
  for (const event of events) checkEventName('events', event);
  return {
    name: requiredString(body, 'name', 1, 128),
    url,
    events,
    enabled: optionalBoolean(body, 'enabled', true),
    tls: optionalBoolean(body, 'tls', false),
    authUsername: optionalString(body, 'authUsername', '', 256),
    authPassword: optionalString(body, 'authPassword', '', 256),
  };
}

/**
 * Webhooks — the local Appwrite's webhook settings — at `/v1/webhooks`, as node-appwrite 27's
 * `Webhooks` service calls them: list, create, get, update (PUT), delete, and
 * `PATCH /webhooks/{id}/secret`. Scope `webhooks.read|write` (keys and the console admin). Local
 * receivers are allowed (Appwrite refuses non-public hosts only in production mode).
 */
export function registerWebhookRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { webhooks } = service;

  app.get('/webhooks', async (request) => {
    requireScope(request, 'webhooks.read');
    const query = request.query as Body;
    const all = webhooks.list().map((w) => webhookModel(w));
    const { total, items } = metadataPage(all, query, LIST_ATTRIBUTES.webhooks);
    return asModel('webhookList', { total, webhooks: items });
  });

  app.post('/webhooks', operation('webhooks.create'), async (request, reply) => {
    requireScope(request, 'webhooks.write');
    const body = bodyOf(request);
    const id = readId(body, 'webhookId');
    const hook = webhooks.create(id, readWebhookInput(body), readSecret(body));
    return reply.code(201).send(asModel('webhook', webhookModel(hook, true)));
  });

  app.get('/webhooks/:webhookId', async (request) => {
    requireScope(request, 'webhooks.read');
    const { webhookId } = request.params as { webhookId: string };
    return asModel('webhook', webhookModel(webhooks.get(webhookId)));
  });

  app.put('/webhooks/:webhookId', operation('webhooks.update'), async (request) => {
    requireScope(request, 'webhooks.write');
    const { webhookId } = request.params as { webhookId: string };
    const hook = webhooks.update(webhookId, readWebhookInput(bodyOf(request)));
    return asModel('webhook', webhookModel(hook));
  });

  app.patch('/webhooks/:webhookId/secret', async (request) => {
    requireScope(request, 'webhooks.write');
    const { webhookId } = request.params as { webhookId: string };
    const hook = webhooks.updateSecret(webhookId, readSecret(bodyOf(request)));
    return asModel('webhook', webhookModel(hook, true));
  });

  app.delete('/webhooks/:webhookId', async (request, reply) => {
    requireScope(request, 'webhooks.write');
    const { webhookId } = request.params as { webhookId: string };
    webhooks.delete(webhookId);
    return reply.code(204).send();
  });
}
