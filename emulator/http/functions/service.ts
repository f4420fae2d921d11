import type { FastifyInstance } from 'fastify';
import type { Project } from '../../core/project.ts';
import { registerDeploymentRoutes } from './deployments.ts';
import { registerFunctionDomainRoutes } from './domains.ts';
import { registerExecutionRoutes } from './executions.ts';
import { registerFunctionRoutes } from './functions.ts';
import { registerProxyRoutes } from './proxy-rules.ts';
import { registerVariableRoutes } from './variables.ts';
import { registerWebhookRoutes } from './webhooks.ts';

/**
 * Functions and what hangs off them, as one service (app.ts SERVICES): functions, variables,
 * deployments, executions, function domains, proxy rules and webhooks, on the project's Functions
 * service (core/functions/service.ts), which `openProject` builds, subscribes to the event bus
 * (event triggers, webhooks) and whose clock it starts.
 */
export async function registerFunctionsService(
  app: FastifyInstance,
  project: Project,
): Promise<void> {
  const service = project.functions;
  registerFunctionRoutes(app, service);
  registerVariableRoutes(app, service);
  registerDeploymentRoutes(app, service);
  registerExecutionRoutes(app, service);
  registerProxyRoutes(app, service);
  registerWebhookRoutes(app, service);
  await registerFunctionDomainRoutes(app, service);
}
