import type { FastifyInstance } from 'fastify';
import { openFunctionsService } from '../../core/functions/service.ts';
import { registerConsoleRoutes } from '../identity/console.ts';
import type { ServiceContext } from '../platform/context.ts';
import { registerDeploymentRoutes } from './deployments.ts';
import { registerFunctionDomainRoutes } from './domains.ts';
import { registerExecutionRoutes } from './executions.ts';
import { registerFunctionRoutes } from './functions.ts';
import { registerProxyRoutes } from './proxy-rules.ts';
import { registerVariableRoutes } from './variables.ts';
import { registerWebhookRoutes } from './webhooks.ts';

/** Where this server is reachable from a function: its listening address, else localhost. */
function endpointOf(app: FastifyInstance): () => string {
  return () => {
    const address = app.server.address();
    if (!address || typeof address === 'string') return 'http://localhost/v1';
    const host =
      address.address === '0.0.0.0' || address.address === '::'
        ? '127.0.0.1'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;
    return `http://${host}:${address.port}/v1`;
  };
}

/**
 * Functions and what hangs off them, as one service (app.ts SERVICES): functions, variables,
 * deployments, executions, function domains, proxy rules, webhooks and the console login the CLI
 * needs. Event triggers and webhooks listen on the server's event bus (`ctx.events`); execution
 * events are published on it too.
 */
export async function registerFunctions(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const bus = ctx.events;
  const endpoint = endpointOf(app);
  const service = openFunctionsService({
    db: ctx.db,
    projectId: ctx.projectId,
    dataDir: ctx.dataDir,
    identity: ctx.identity,
    endpoint,
    publish: (event) => bus.publish(event),
  });
  const unsubscribe = bus.subscribe((event) => service.onEvent(event));
  // Executions queued before a restart run once the server listens, so they see its address.
  app.addHook('onListen', async () => service.executor.resume());
  app.addHook('onClose', async () => {
    unsubscribe();
    await service.close();
  });

  registerConsoleRoutes(app, ctx.db, endpoint);
  registerFunctionRoutes(app, service);
  registerVariableRoutes(app, service);
  registerDeploymentRoutes(app, service);
  registerExecutionRoutes(app, service);
  registerProxyRoutes(app, service);
  registerWebhookRoutes(app, service);
  await registerFunctionDomainRoutes(app, service);
}
