import type { FastifyInstance } from 'fastify';
import type { FunctionsService } from '../../core/functions/service.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { uniqueId } from '../../core/platform/ids.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { abuse } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import { requiredString } from '../platform/params.ts';
import { bodyOf } from './functions.ts';

/**
 * Proxy rules, as far as appwrite-cli 12 uses them: `POST /proxy/rules/function` after creating a
 * function, `GET /proxy/rules` (filtered by `deploymentResourceType`, `deploymentResourceId`,
 * `trigger`) after deploying, plus get and delete. Scope `rules.read|write`.
 */
export function registerProxyRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { rules } = service;

  app.get('/proxy/rules', async (request) => {
    requireScope(request, 'rules.read');
    const query = request.query as Record<string, unknown>;
    const { total, items } = metadataPage(
      rules.list() as unknown as Record<string, unknown>[],
      query,
      LIST_ATTRIBUTES.rules,
      query.search,
    );
    return { total, rules: items };
  });

  // Note the space in Appwrite's key template; it is part of the key.
  const ruleLimit = abuse({ limit: 10, time: 60, key: 'userId:{userId}, url:{url}' });
  app.post('/proxy/rules/function', ruleLimit, async (request, reply) => {
    requireScope(request, 'rules.write');
    const body = bodyOf(request);
    const domain = requiredString(body, 'domain', 1, 255).toLowerCase();
    const functionId = requiredString(body, 'functionId', 1, 36);
    if (!service.functions.find(functionId)) {
      throw new AppwriteError('function_not_found', `No function has the id '${functionId}'.`);
    }
    return reply.code(201).send(rules.createFunctionRule(uniqueId(), domain, functionId));
  });

  app.get('/proxy/rules/:ruleId', async (request) => {
    requireScope(request, 'rules.read');
    const { ruleId } = request.params as { ruleId: string };
    return rules.get(ruleId);
  });

  app.delete('/proxy/rules/:ruleId', async (request, reply) => {
    requireScope(request, 'rules.write');
    const { ruleId } = request.params as { ruleId: string };
    rules.delete(ruleId);
    return reply.code(204).send();
  });
}
