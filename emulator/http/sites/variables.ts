import type { FastifyInstance } from 'fastify';
import type { SitesService } from '../../core/sites/service.ts';
import { registerVariableRoutesFor } from '../functions/variables.ts';

/**
 * A site's variables (`/sites/{id}/variables`, scope `sites.read|write`; SRV Sites/Http/Variables/*):
 * the same model and rules as a function's. A build sees the project's, then the site's.
 */
export function registerSiteVariableRoutes(app: FastifyInstance, service: SitesService): void {
  const { sites, writes } = service;
  registerVariableRoutesFor<string>(app, {
    base: '/sites/:siteId/variables',
    read: 'sites.read',
    write: 'sites.write',
    namespace: 'sites',
    owner: (request) => sites.get((request.params as { siteId: string }).siteId).$id,
    list: (siteId) => sites.variables(siteId),
    get: (siteId, id) => sites.variable(siteId, id),
    create: (siteId, id, fields) => writes.createVariable(siteId, id, fields),
    update: (siteId, id, fields) => writes.updateVariable(siteId, id, fields),
    delete: (siteId, id) => writes.deleteVariable(siteId, id),
  });
}
