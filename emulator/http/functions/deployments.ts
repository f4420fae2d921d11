import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FunctionsService } from '../../core/functions/service.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { listMetadata } from '../../core/platform/metadata-list.ts';
import { requireScope } from '../platform/context.ts';
import { asModel } from '../platform/formats/models.ts';
import { readFormBody } from '../platform/multipart.ts';
import { optionalBoolean, requiredString } from '../platform/params.ts';
import { bodyOf, includeTotal } from './functions.ts';

type Body = Record<string, unknown>;

/** A request header's first value. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Deployments: `POST /functions/{id}/deployments` (multipart `entrypoint`, `commands`, `code`,
 * `activate`; chunked with `Content-Range` + `X-Appwrite-ID` as appwrite-cli and the SDKs send it),
 * list/get/delete, `PATCH /functions/{id}/deployment` (activate one) and
 * `PATCH …/deployments/{id}/status` (cancel). Keys and the console admin only.
 */
export function registerDeploymentRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { deployments, functions } = service;

  app.post('/functions/:functionId/deployments', async (request, reply) => {
    requireScope(request, 'functions.write');
    const { functionId } = request.params as { functionId: string };
    functions.get(functionId);
    const form = await readFormBody(request);
    const text = (name: string) => {
      const value = form.fields[name];
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string') {
        throw new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param.`);
      }
      return value;
    };
    const entrypoint = text('entrypoint');
    if (entrypoint !== null && entrypoint.length > 1028) {
      throw new AppwriteError('general_argument_invalid', 'Invalid `entrypoint` param.');
    }
    const deployment = await service.writes.uploadDeployment({
      functionId,
      entrypoint,
      commands: text('commands'),
      activate: optionalBoolean(form.fields, 'activate', false),
      file: form.files.get('code') ?? form.files.values().next().value ?? null,
      contentRange: header(request, 'content-range'),
      appwriteId: header(request, 'x-appwrite-id'),
      type: header(request, 'x-sdk-language') === 'cli' ? 'cli' : 'manual',
    });
    return reply.code(202).send(deployments.model(deployment));
  });

  app.get('/functions/:functionId/deployments', async (request) => {
    requireScope(request, 'functions.read');
    const { functionId } = request.params as { functionId: string };
    functions.get(functionId);
    const query = request.query as Body;
    const all = deployments.list(functionId).map((d) => deployments.model(d));
    const { total, items } = listMetadata(
      all,
      query.queries,
      query.search,
      '$id',
      includeTotal(query),
      LIST_ATTRIBUTES.deployments,
    );
    return { total, deployments: items };
  });

  app.get('/functions/:functionId/deployments/:deploymentId', async (request) => {
    requireScope(request, 'functions.read');
    const { functionId, deploymentId } = request.params as {
      functionId: string;
      deploymentId: string;
    };
    functions.get(functionId);
    return deployments.model(deployments.get(functionId, deploymentId));
  });

  app.delete('/functions/:functionId/deployments/:deploymentId', async (request, reply) => {
    requireScope(request, 'functions.write');
    const { functionId, deploymentId } = request.params as {
      functionId: string;
      deploymentId: string;
    };
    functions.get(functionId);
    service.writes.deleteDeployment(functionId, deploymentId);
    return reply.code(204).send();
  });

  app.patch('/functions/:functionId/deployment', async (request) => {
    requireScope(request, 'functions.write');
    const { functionId } = request.params as { functionId: string };
    functions.get(functionId);
    const deploymentId = requiredString(bodyOf(request), 'deploymentId', 1, 36);
    const fn = service.writes.activateDeployment(functionId, deploymentId);
    return asModel('function', functions.model(fn));
  });

  app.patch('/functions/:functionId/deployments/:deploymentId/status', async (request) => {
    requireScope(request, 'functions.write');
    const { functionId, deploymentId } = request.params as {
      functionId: string;
      deploymentId: string;
    };
    functions.get(functionId);
    const deployment = deployments.get(functionId, deploymentId);
    // There is no build to cancel: a deployment is ready or failed once its code has arrived.
    if (deployment.status === 'ready' || deployment.status === 'failed') {
      throw new AppwriteError('build_already_completed', 'The deployment has finished building.');
    }
    return deployments.model(deployment);
  });
}
