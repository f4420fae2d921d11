/**
 * Builds the local Appwrite's HTTP app from one project, without listening (main.ts listens; tests
 * use `app.inject` or `listen({ port: 0 })`). `openProject` (core/project.ts) builds every service;
 * the HTTP layer only registers routes on it.
 *
 * Adding a service is one line in SERVICES: a `ServicePlugin` is `(app, project) => void`, called on
 * the `/v1`-prefixed instance. See http/README-internal.md for what a service receives and must do.
 */
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { CONSOLE_DIST } from './console/build.ts';
import { workFolder } from './core/local-state/archive.ts';
import {
  carryOverMachineRows,
  clearState,
  moveStateAside,
  moveStateIn,
  recoverInterruptedSwap,
} from './core/local-state/swap.ts';
import type { Sql } from './core/platform/db.ts';
import { errorBody } from './core/platform/error-body.ts';
import { AppwriteError } from './core/platform/errors.ts';
import type { Principal } from './core/platform/principal.ts';
import { parseQueryString } from './core/platform/query-string.ts';
import { openProject, type Project } from './core/project.ts';
import { registerAvatars } from './http/avatars/avatars.ts';
import { registerConsoleFiles } from './http/console/files.ts';
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
import { registerLocalCredentials } from './http/local/credentials.ts';
import { type LocalStateControl, registerLocalState } from './http/local/state.ts';
import { registerLocale } from './http/locale/locale.ts';
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

/** Everyone starts as a guest; shared, since nothing changes a principal in place. */
const GUEST: Principal = { kind: 'guest', roles: ['guests'] };

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
  registerAvatars,
  registerLocale,
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
  /**
   * Called with each project the app opens: the first, and the one after every import or reset
   * (main.ts prints function logs from its events).
   */
  onProject?: (project: Project) => void;
  /** The built local console served at `/console` (default: emulator/console/dist). */
  consoleDir?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The project every route serves (tests reach its services here: keys, outbox, functions…);
     * after an import or a reset, the new one.
     */
    emulator: Project;
    /** The Realtime endpoint on this app's server (tests count its subscriptions). */
    realtime: RealtimeServer;
  }
}

/** What serves requests now: one Fastify instance, its project and the Realtime endpoint on it. */
interface Served {
  instance: FastifyInstance;
  project: Project;
  realtime: RealtimeServer;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** How long an import or a reset waits for requests in flight before it closes their project. */
const SWAP_GRACE_MS = 10_000;

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

/**
 * Builds the app on a new project, which closes with the app (and the database it opened).
 *
 * The returned instance owns the one HTTP server (`listen` as usual); the server hands each request
 * to whichever instance serves the current state. An import or a reset (`/v1/local/import|reset`,
 * http/local/state.ts) closes the project, swaps the data folder's contents, opens a new project and
 * builds a new instance on it — every service, cache and schedule starts from the new files, none is
 * patched in place. Requests arriving meanwhile wait; Realtime sockets are closed (1001) and
 * reconnect to the new state. `app.emulator` and `app.realtime` always name the current ones;
 * `app.inject` reaches the first instance only.
 */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  let handler: Handler = () => {};
  let held: [IncomingMessage, ServerResponse][] | null = null;
  // Requests being answered, so a swap can let them finish before it closes their project.
  let inFlight = 0;
  // One listener function for every response ('close' is emitted once), not a closure per request.
  const answered = () => inFlight--;
  const dispatch: Handler = (request, response) => {
    inFlight++;
    response.on('close', answered);
    handler(request, response);
  };
  const server = createServer({ requireHostHeader: false }, (request, response) => {
    if (held) held.push([request, response]);
    else dispatch(request, response);
  });
  // Fastify's own defaults for a server it makes (it makes none here: see serverFactory below).
  server.keepAliveTimeout = 72_000;
  server.requestTimeout = 0;

  // Where the server listens, asked on every function execution: kept once it listens (reading the
  // address is a getsockname call), forgotten when it stops or listens again.
  let endpoint: string | null = null;
  const forgetEndpoint = () => {
    endpoint = null;
  };
  server.on('listening', forgetEndpoint);
  server.on('close', forgetEndpoint);
  const currentEndpoint = () => {
    if (endpoint !== null) return endpoint;
    const address = server.address();
    const value = listeningEndpoint(address);
    if (address) endpoint = value;
    return value;
  };

  const open = async () => {
    const project = await openProject({
      projectId: options.projectId,
      db: options.db,
      dataDir: options.dataDir,
      endpoint: currentEndpoint,
      abuse: typeof options.abuse === 'object' ? options.abuse : undefined,
      buildTimeout: options.buildTimeout,
    });
    options.onProject?.(project);
    return project;
  };

  // One import or reset at a time; each waits for the one before.
  let swapping: Promise<void> = Promise.resolve();
  const control: LocalStateControl = {
    replace: (fill) => {
      const next = swapping.then(() => replaceState(fill));
      swapping = next.catch(() => {});
      return next;
    },
  };

  if (options.dataDir && !options.db) recoverInterruptedSwap(options.dataDir);
  const first = await open();
  const app = await assemble(first, options, control, (fastifyHandler) => {
    handler = fastifyHandler;
    return server;
  });
  let served: Served = { instance: app, project: first, realtime: attachRealtime(server, first) };

  /** Closes the current project, lets `fill` change the data folder, and serves what is there. */
  const replaceState = async (fill: (dataDir: string) => void) => {
    const dataDir = served.project.dataDir;
    if (!dataDir || options.db) throw new Error('An in-memory project has no state to replace.');
    held = [];
    try {
      // The request asking for the swap is one of them; the others get a few seconds to finish.
      const deadline = Date.now() + SWAP_GRACE_MS;
      while (inFlight > 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await served.realtime.close();
      await served.project.close();
      const aside = `${workFolder(dataDir)}/previous-${Date.now().toString(36)}`;
      moveStateAside(dataDir, aside);
      let project: Project;
      try {
        fill(dataDir);
        project = await open();
        carryOverMachineRows(project.db, aside);
      } catch (error) {
        // Put the old state back whole and serve it again; the caller reports the failure.
        clearState(dataDir);
        moveStateIn(aside, dataDir);
        await serve(await open());
        throw error;
      }
      await serve(project);
      // The old state is no longer needed; removing it need not hold the waiting requests.
      void rm(aside, { recursive: true, force: true });
    } finally {
      const waiting = held ?? [];
      held = null;
      for (const [request, response] of waiting) dispatch(request, response);
    }
  };

  /** Builds an instance on `project` and sends the server's requests and upgrades to it. */
  const serve = async (project: Project) => {
    let next: Handler | null = null;
    const instance = await assemble(project, options, control, (fastifyHandler) => {
      next = fastifyHandler;
      return createServer();
    });
    await instance.ready();
    served = { instance, project, realtime: attachRealtime(server, project) };
    if (server.listening) project.functions.executor.resume();
    handler = next ?? handler;
  };

  app.decorate('emulator', { getter: () => served.project });
  app.decorate('realtime', { getter: () => served.realtime });
  answerOutsideRoutes(server);
  // Executions queued before a restart run once the server listens, so they see its address.
  app.addHook('onListen', async () => served.project.functions.executor.resume());
  // Realtime's sockets are closed before the server, which would otherwise wait for them.
  app.addHook('preClose', () => served.realtime.close());
  app.addHook('onClose', async () => {
    await swapping;
    await served.project.close();
  });
  return app;
}

/**
 * One Fastify instance serving `project`: hooks, the error mapper and every service's routes. It
 * makes no server of its own: `serverFactory` receives its request handler.
 */
async function assemble(
  project: Project,
  options: BuildOptions,
  control: LocalStateControl,
  serverFactory: (handler: Handler) => Server,
): Promise<FastifyInstance> {
  const sink = options.onInternalError ?? defaultSink;

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    serverFactory,
    // `<function>.functions.localhost` requests go to that function (http/functions/domains.ts),
    // `<site>.sites.localhost` ones to that site (http/sites/serve.ts).
    // Both need a `.localhost` host; every other request keeps its URL without either looking.
    rewriteUrl: (request) =>
      request.headers.host?.toLowerCase().includes('.localhost')
        ? (rewriteSiteHost(request) ?? rewriteFunctionHost(request))
        : (request.url ?? '/'),
    // Errors found before any route runs are answered in Appwrite's shape too (http/platform/errors.ts,
    // http/platform/protocol-errors.ts).
    frameworkErrors: frameworkErrorHandler(sink),
    clientErrorHandler,
    routerOptions: {
      querystringParser: parseQueryString,
      ignoreTrailingSlash: true,
      maxParamLength: MAX_PARAM_LENGTH,
    },
  });
  app.decorateRequest('principal', null as never);
  app.decorateRequest('projectId', '');

  registerBodyParsers(app);
  app.addHook('onRequest', requireHost);
  registerCors(app);
  // X-Appwrite-Response-Format: request filters before the handler, response filters after it.
  registerResponseFormats(app);

  // Project and principal, once per request, before any handler. An unknown route skips this so it
  // is a plain 404 whatever the credentials. Callback-style, as every per-request hook here: an
  // `async` hook costs a promise and a turn of the microtask queue on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    resolveRequester(request, project);
    done();
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
        registerLocalState(v1, project, control);
        registerLocalCredentials(v1, project);
      },
      { prefix: '/v1' },
    );
    registerConsoleFiles(app, project, options.consoleDir ?? CONSOLE_DIST);
  } catch (error) {
    // The app never started, so its onClose hook will not run: stop the clock, close the database.
    await project.close();
    throw error;
  }
  return app;
}

/**
 * Who asks, for which project: `request.projectId` and `request.principal` (a guest until shown
 * otherwise). A missing project id is 403 `project_id_missing` unless the route needs none, another
 * project 404 `project_not_found`; a project service turned off refuses sessions and guests.
 */
function resolveRequester(request: FastifyRequest, project: Project): void {
  request.principal = GUEST;
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
}
