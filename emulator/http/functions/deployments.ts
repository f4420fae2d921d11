import type { FastifyInstance } from 'fastify';
import type { FunctionsService } from '../../core/functions/service.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { requireScope } from '../platform/context.ts';
import { asModel } from '../platform/formats/models.ts';
import { readFormBody } from '../platform/multipart.ts';
import { requiredString } from '../platform/params.ts';
import { deploymentList, formText, uploadedCode } from './deployment-upload.ts';
import { bodyOf } from './functions.ts';

type Body = Record<string, unknown>;

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
    const deployment = await service.writes.uploadDeployment({
      functionId,
      entrypoint: formText(form, 'entrypoint', 1028),
      commands: formText(form, 'commands'),
      ...uploadedCode(request, form),
    });
    return reply.code(202).send(deployments.model(deployment));
  });

  app.get('/functions/:functionId/deployments', async (request) => {
    requireScope(request, 'functions.read');
    const { functionId } = request.params as { functionId: string };
    functions.get(functionId);
    const all = deployments.list(functionId).map((d) => deployments.model(d));
    return deploymentList(all, request.query as Body);
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
