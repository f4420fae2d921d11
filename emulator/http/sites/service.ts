import type { FastifyInstance } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { uniqueId } from '../../core/platform/ids.ts';
import type { Project } from '../../core/project.ts';
import { bodyOf } from '../functions/functions.ts';
import { abuse } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { requiredString } from '../platform/params.ts';
import { registerSiteDeploymentRoutes } from './deployments.ts';
import { registerSiteServing } from './serve.ts';
import { registerSiteRoutes } from './sites.ts';
import { registerSiteVariableRoutes } from './variables.ts';

/**
 * Sites as one service (app.ts SERVICES): sites, their variables and deployments, the site proxy
 * rule appwrite-cli creates with a new site, and the sites themselves served at their domains, on
 * the project's Sites service (core/sites/service.ts).
 */
export async function registerSitesService(app: FastifyInstance, project: Project): Promise<void> {
  const service = project.sites;
  registerSiteRoutes(app, service);
  registerSiteVariableRoutes(app, service);
  registerSiteDeploymentRoutes(app, service);

  // `POST /proxy/rules/site` (SRV Modules/Proxy/Http/Rules/Site/Create.php), beside the function
  // rule of http/functions/proxy-rules.ts; Appwrite's abuse label, key template included.
  const ruleLimit = abuse({ limit: 10, time: 60, key: 'userId:{userId}, url:{url}' });
  app.post('/proxy/rules/site', ruleLimit, async (request, reply) => {
    requireScope(request, 'rules.write');
    const body = bodyOf(request);
    const domain = requiredString(body, 'domain', 1, 255).toLowerCase();
    const siteId = requiredString(body, 'siteId', 1, 36);
    if (!service.sites.find(siteId)) {
      throw new AppwriteError('rule_resource_not_found', `No site has the id '${siteId}'.`);
    }
    return reply.code(201).send(service.rules.createSiteRule(uniqueId(), domain, siteId));
  });

  await registerSiteServing(app, service);
}
