import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as tar from 'tar';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { listMetadata } from '../../core/platform/metadata-list.ts';
import type { SitesService } from '../../core/sites/service.ts';
import { header } from '../functions/deployments.ts';
import { includeTotal } from '../functions/functions.ts';
import { requireScope } from '../platform/context.ts';
import { readFormBody } from '../platform/multipart.ts';
import { optionalBoolean, optionalString } from '../platform/params.ts';

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
    const text = (name: string) => {
      const value = form.fields[name];
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string' || value.length > 8192) {
        throw new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param.`);
      }
      return value;
    };
    const deployment = service.writes.uploadDeployment({
      siteId,
      installCommand: text('installCommand'),
      buildCommand: text('buildCommand'),
      outputDirectory: text('outputDirectory'),
      activate: optionalBoolean(form.fields, 'activate', false),
      file: form.files.get('code') ?? form.files.values().next().value ?? null,
      contentRange: header(request, 'content-range'),
      appwriteId: header(request, 'x-appwrite-id'),
      type: header(request, 'x-sdk-language') === 'cli' ? 'cli' : 'manual',
    });
    return reply.code(202).send(deployments.model(deployment));
  });

  app.get('/sites/:siteId/deployments', async (request) => {
    requireScope(request, 'sites.read');
    const { siteId } = params(request);
    const query = request.query as Body;
    const { total, items } = listMetadata(
      deployments.list(siteId).map((d) => deployments.model(d)),
      query.queries,
      query.search,
      '$id',
      includeTotal(query),
      LIST_ATTRIBUTES.deployments,
    );
    return { total, deployments: items };
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
