import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as tar from 'tar';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { SitesService } from '../../core/sites/service.ts';
import { deploymentList, formText, uploadedCode } from '../functions/deployment-upload.ts';
import { requireScope } from '../platform/context.ts';
import { readFormBody } from '../platform/multipart.ts';
import { optionalString } from '../platform/params.ts';

type Body = Record<string, unknown>;

/**
 * A site's deployments (SRV Modules/Sites/Http/Deployments/*): `POST /sites/{id}/deployments`
 * (multipart `installCommand`, `buildCommand`, `outputDirectory`, `code`, `activate`; chunked as
 * appwrite-cli sends it) answers 202 `waiting` and builds in the background; list, get, delete,
 * `GET …/download?type=source|output` and `PATCH …/status` (cancel a build). Keys and the console
 * admin only (scope `sites.read|write`).
 */
export function registerSiteDeploymentRoutes(app: FastifyInstance, service: SitesService): void {
  const { sites, deployments } = service;
  const params = (request: FastifyRequest) => {
    const { siteId, deploymentId } = request.params as { siteId: string; deploymentId: string };
    sites.get(siteId);
    return { siteId, deploymentId };
  };

  app.post('/sites/:siteId/deployments', async (request, reply) => {
    requireScope(request, 'sites.write');
    const { siteId } = params(request);
    const form = await readFormBody(request);
    const deployment = service.writes.uploadDeployment({
      siteId,
      installCommand: formText(form, 'installCommand', 8192),
      buildCommand: formText(form, 'buildCommand', 8192),
      outputDirectory: formText(form, 'outputDirectory', 8192),
      ...uploadedCode(request, form),
    });
    return reply.code(202).send(deployments.model(deployment));
  });

  app.get('/sites/:siteId/deployments', async (request) => {
    requireScope(request, 'sites.read');
    const { siteId } = params(request);
    const all = deployments.list(siteId).map((d) => deployments.model(d));
    return deploymentList(all, request.query as Body);
  });

  app.get('/sites/:siteId/deployments/:deploymentId', async (request) => {
    requireScope(request, 'sites.read');
    const { siteId, deploymentId } = params(request);
    return deployments.model(deployments.get(siteId, deploymentId));
  });

  app.delete('/sites/:siteId/deployments/:deploymentId', async (request, reply) => {
    requireScope(request, 'sites.write');
    const { siteId, deploymentId } = params(request);
    service.writes.deleteDeployment(siteId, deploymentId);
    return reply.code(204).send();
  });

  app.patch('/sites/:siteId/deployments/:deploymentId/status', async (request) => {
    requireScope(request, 'sites.write');
    const { siteId, deploymentId } = params(request);
    return deployments.model(deployments.cancel(siteId, deploymentId));
  });

  // The uploaded archive (`source`, the default) or the built output as a tar.gz (`output`).
  app.get('/sites/:siteId/deployments/:deploymentId/download', async (request, reply) => {
    requireScope(request, 'sites.read');
    const { siteId, deploymentId } = params(request);
    const type = optionalString(request.query as Body, 'type', 'source', 16);
    if (type !== 'source' && type !== 'output') {
      throw new AppwriteError('general_argument_invalid', 'Invalid `type` param.');
    }
    const doc = deployments.get(siteId, deploymentId);
    reply
      .header('content-type', 'application/gzip')
      .header('content-disposition', `attachment; filename="${deploymentId}.tar.gz"`);
    if (type === 'source') {
      if (doc.sourceChunksUploaded < doc.sourceChunksTotal || doc.status === 'waiting') {
        throw new AppwriteError('build_not_ready', 'The deployment has not been unpacked yet.');
      }
      return reply.send(createReadStream(deployments.archive(siteId, deploymentId)));
    }
    const output = doc.status === 'ready' ? deployments.outputRoot(doc) : null;
    if (!output) throw new AppwriteError('build_not_ready', 'The deployment has no built output.');
    return reply.send(tar.c({ gzip: true, cwd: output, portable: true }, ['.']));
  });
}
