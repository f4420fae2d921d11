/**
 * Builds the local Appwrite's HTTP app from one project, without listening (main.ts listens; tests
 * use `app.inject` or `listen({ port: 0 })`). `openProject` (core/project.ts) builds every service;
 * the HTTP layer only registers routes on it.
 *
 * Adding a service is one line in SERVICES: a `ServicePlugin` is `(app, project) => void`, called on
 * the `/v1`-prefixed instance. See http/README-internal.md for what a service receives and must do.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Sql } from './core/platform/db.ts';
import { errorBody } from './core/platform/error-body.ts';
import { AppwriteError } from './core/platform/errors.ts';
import { parseQueryString } from './core/platform/query-string.ts';
import { openProject, type Project } from './core/project.ts';
import { rewriteFunctionHost } from './http/functions/domains.ts';
import { registerFunctionsService } from './http/functions/service.ts';
import { registerHealth } from './http/health/health.ts';
import { registerAccount } from './http/identity/account.ts';
import {
  CONSOLE_PROJECT,
  consoleAdminPrincipal,
  registerConsole,
} from './http/identity/console.ts';
import { registerOutbox } from './http/identity/outbox.ts';
import { registerSignInTokens } from './http/identity/sign-in-tokens.ts';
import { registerUsers } from './http/identity/users.ts';
import { type AbuseSettings, registerAbuseLimits } from './http/platform/abuse.ts';
import { resolvePrincipal } from './http/platform/authenticate.ts';
import { registerBodyParsers } from './http/platform/body.ts';
import type { ServicePlugin } from './http/platform/context.ts';
import { registerCors } from './http/platform/cors.ts';
import {
  frameworkErrorHandler,
  type InternalErrorSink,
  MAX_PARAM_LENGTH,
  sendError,
  toErrorBody,
} from './http/platform/errors.ts';
import { registerResponseFormats } from './http/platform/formats/layer.ts';
import {
  answerOutsideRoutes,
  clientErrorHandler,
  requireHost,
} from './http/platform/protocol-errors.ts';
import { refuseDisabledService } from './http/project/access.ts';
import { registerProject } from './http/project/routes.ts';
import { rewriteSiteHost } from './http/sites/serve.ts';
import { registerSitesService } from './http/sites/service.ts';
import { registerStorage } from './http/storage/service.ts';
import { registerTablesDB } from './http/tablesdb/service.ts';
import { registerTeamsService } from './http/teams/service.ts';
import { attachRealtime, type RealtimeServer } from './realtime/transport.ts';

export { databaseFile } from './core/project.ts';

/** The services, in registration order. Add one line per service. */
const SERVICES: readonly ServicePlugin[] = [
  registerHealth,
  registerAccount,
  registerSignInTokens,
  registerUsers,
  registerTeamsService,
  registerOutbox,
  registerConsole,
  registerTablesDB,
  registerStorage,
  registerFunctionsService,
  registerSitesService,
  registerProject,
];

/**
 * How to build the app. Give `db` (tests, in-memory) or `dataDir` (the SQLite file lives there; the
 * folder is created 0700, an existing one tightened to owner-only modes: core/platform/private-files.ts).
 * Both are handed to `openProject` (core/project.ts).
 */
export interface BuildOptions {
  projectId: string;
  db?: Sql;
  dataDir?: string | null;
  /** Largest request body in bytes (uploads send 5 MiB chunks plus multipart framing). */
  bodyLimit?: number;
  /** Where unexpected errors are reported; defaults to stderr. Never reaches the client. */
  onInternalError?: InternalErrorSink;
  /**
   * Appwrite's abuse limits (http/platform/abuse.ts): on unless `_APP_OPTIONS_ABUSE=disabled`, as in Appwrite;
   * `false` turns them off (tests, benchmarks), an object also bounds the counter store.
   */
  abuse?: boolean | AbuseSettings;
  /** A site build's time limit in seconds (`_APP_COMPUTE_BUILD_TIMEOUT`, default 900). */
  buildTimeout?: number;
  /** Services registered after the built-in ones (tests use it to probe the error handler). */
  extraServices?: readonly ServicePlugin[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The project every route serves (tests reach its services here: keys, outbox, functions…). */
    emulator: Project;
    /** The Realtime endpoint on this app's server (tests count its subscriptions). */
    realtime: RealtimeServer;
  }
}

/** Where a function reaches this server: its listening address, else localhost. */
function listeningEndpoint(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return 'http://localhost/v1';
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}/v1`;
}

// The query string is left out: it can carry a file token or a Realtime JWT, which are never logged.
const defaultSink: InternalErrorSink = (error, request) => {
  const path = request.url.split('?')[0];
  console.error(`[local appwrite] ${request.method} ${path} failed:`, error);
};

/** Builds the Fastify app on a new project, which closes with the app (and the database it opened). */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const sink = options.onInternalError ?? defaultSink;

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    // `<function>.functions.localhost` requests go to that function (http/functions/domains.ts),
    // `<site>.sites.localhost` ones to that site (http/sites/serve.ts).
    rewriteUrl: (request) => rewriteSiteHost(request) ?? rewriteFunctionHost(request),
    // Errors found before any route runs are answered in Appwrite's shape too (http/platform/errors.ts,
    // http/platform/protocol-errors.ts).
    frameworkErrors: frameworkErrorHandler(sink),
    clientErrorHandler,
    http: { requireHostHeader: false },
    routerOptions: {
      querystringParser: parseQueryString,
      ignoreTrailingSlash: true,
      maxParamLength: MAX_PARAM_LENGTH,
    },
  });
  const project = await openProject({
    projectId: options.projectId,
    db: options.db,
    dataDir: options.dataDir,
    endpoint: () => listeningEndpoint(app.server.address()),
    abuse: typeof options.abuse === 'object' ? options.abuse : undefined,
    buildTimeout: options.buildTimeout,
  });
  app.decorate('emulator', project);
  app.decorateRequest('principal', null as never);
  app.decorateRequest('projectId', '');
  app.addHook('onClose', async () => project.close());
  // Executions queued before a restart run once the server listens, so they see its address.
  app.addHook('onListen', async () => project.functions.executor.resume());
  // Realtime rides on the same HTTP server's upgrade event (listening stays main.ts's job); its
  // sockets are closed before the server, which would otherwise wait for them.
  const realtime = attachRealtime(app.server, project);
  app.decorate('realtime', realtime);
  answerOutsideRoutes(app.server);
  app.addHook('preClose', () => realtime.close());

  registerBodyParsers(app);
  app.addHook('onRequest', requireHost);
  registerCors(app);
  // X-Appwrite-Response-Format: request filters before the handler, response filters after it.
  registerResponseFormats(app);

  // Project and principal, once per request, before any handler. An unknown route skips this so it
  // is a plain 404 whatever the credentials.
  app.addHook('onRequest', async (request) => {
    request.principal = { kind: 'guest', roles: ['guests'] };
    if (request.is404) return;
    const query = request.query as Record<string, unknown>;
    const header = request.headers['x-appwrite-project'];
    const asked =
      (typeof header === 'string' && header) ||
      (typeof query.project === 'string' ? query.project : '');
    if (!asked) {
      if (request.routeOptions.config.project === 'optional') return;
      throw new AppwriteError(
        'project_id_missing',
        'Send the project id in the X-Appwrite-Project header.',
      );
    }
    // The console login appwrite-cli uses (`appwrite login`) is served by routes of its own; a
    // route that needs no project (`/health/version`, which `appwrite client` asks as the console)
    // serves the console too.
    const config = request.routeOptions.config;
    if (asked === CONSOLE_PROJECT && (config.console || config.project === 'optional')) {
      request.projectId = asked;
      return;
    }
    if (asked !== project.projectId) {
      throw new AppwriteError('project_not_found', `This server has no project '${asked}'.`);
    }
    request.projectId = asked;
    request.principal =
      consoleAdminPrincipal(request, project.consoleAccounts) ??
      resolvePrincipal(request, asked, project.identity, project.teams);
    // A service the project turned off refuses sessions and guests before any scope check.
    refuseDisabledService(request, project.settings);
  });

  // After the principal (it decides who is exempt), before every handler.
  registerAbuseLimits(app, project.abuse, options.abuse);

  app.setErrorHandler((error, request, reply) =>
    sendError(reply, toErrorBody(error, request, sink)),
  );
  app.setNotFoundHandler((_request, reply) =>
    sendError(reply, errorBody('general_route_not_found', 'No route matches this path.')),
  );

  try {
    await app.register(
      async (v1) => {
        for (const service of [...SERVICES, ...(options.extraServices ?? [])]) {
          await service(v1, project);
        }
      },
      { prefix: '/v1' },
    );
  } catch (error) {
    // The app never started, so its onClose hook will not run: stop the clock, close the database.
    await project.close();
    throw error;
  }
  return app;
}
