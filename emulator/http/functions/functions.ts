import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  FUNCTION_DEFAULTS,
  type FunctionDoc,
  type FunctionSettings,
} from '../../core/functions/functions.ts';
import type { FunctionsService } from '../../core/functions/service.ts';
import {
  checkFunctionEvents,
  checkRoles,
  checkRuntime,
  checkSchedule,
  checkScopes,
  checkSpecification,
  checkTimeout,
  RUNTIMES,
  SPECIFICATIONS,
} from '../../core/functions/settings.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { resolveId } from '../../core/platform/ids.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { abuse } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { operation } from '../platform/formats/layer.ts';
import { asModel } from '../platform/formats/models.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  stringArray,
} from '../platform/params.ts';

type Body = Record<string, unknown>;

/** The JSON body as an object (`{}` for anything else). */
export function bodyOf(request: FastifyRequest): Body {
  const body = request.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Body) : {};
}

/** A custom id or `unique()`; anything else is 400 naming the param. */
export function readId(body: Body, name: string): string {
  const id = resolveId(requiredString(body, name, 1, 36));
  if (!id) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: use unique() or up to 36 letters, digits, ".", "-" and "_", not starting with a special character.`,
    );
  }
  return id;
}

/**
 * A function's settings from a create or update body (SRV Functions/Create.php, Update.php). Update
 * is a PUT: what the body lacks falls back to Appwrite's defaults, except `runtime` and `entrypoint`
 * (kept when empty, as Appwrite) and the specifications (kept). appwrite-cli 12's one `specification`
 * has become both before this runs (request filter V21, http/platform/formats/request-filters.ts).
 */
export function readFunctionSettings(body: Body, current: FunctionDoc | null): FunctionSettings {
  const runtimeParam = optionalString(body, 'runtime', '', 64);
  const runtime = current && runtimeParam === '' ? current.runtime : checkRuntime(runtimeParam);
  const spec = (name: string, fallback: string) => {
    const value = optionalString(body, name, fallback, 64);
    return checkSpecification(name, value);
  };
  return {
    name: requiredString(body, 'name', 1, 128),
    runtime,
    execute: checkRoles('execute', stringArray(body, 'execute', FUNCTION_DEFAULTS.execute)),
    events: checkFunctionEvents(stringArray(body, 'events', FUNCTION_DEFAULTS.events)),
    schedule: checkSchedule(optionalString(body, 'schedule', '', 256)),
    timeout: checkTimeout(optionalInteger(body, 'timeout', FUNCTION_DEFAULTS.timeout, 1, 900)),
    enabled: optionalBoolean(body, 'enabled', true),
    logging: optionalBoolean(body, 'logging', true),
    entrypoint: optionalString(body, 'entrypoint', '', 1028) || (current?.entrypoint ?? ''),
    commands: optionalString(body, 'commands', '', 8192),
    scopes: checkScopes(stringArray(body, 'scopes', FUNCTION_DEFAULTS.scopes)),
    buildSpecification: spec(
      'buildSpecification',
      current?.buildSpecification ?? FUNCTION_DEFAULTS.buildSpecification,
    ),
    runtimeSpecification: spec(
      'runtimeSpecification',
      current?.runtimeSpecification ?? FUNCTION_DEFAULTS.runtimeSpecification,
    ),
    deploymentRetention: optionalInteger(
      body,
      'deploymentRetention',
      current?.deploymentRetention ?? 0,
      0,
      36_500,
    ),
  };
}

/** Appwrite's specifications as `GET /functions|sites/specifications` list them. */
export function specificationList() {
  const specifications = Object.entries(SPECIFICATIONS).map(([slug, spec]) => ({
    memory: spec.memory,
    cpus: spec.cpus,
    enabled: true,
    slug,
  }));
  return { total: specifications.length, specifications };
}

/**
 * Functions: `GET|POST /functions`, `GET|PUT|DELETE /functions/{id}`, `GET /functions/runtimes`,
 * `GET /functions/specifications` (keys and the console admin; scope `functions.read|write`).
 */
export function registerFunctionRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { functions } = service;
  const model = (fn: FunctionDoc) => asModel('function', functions.model(fn));

  app.get('/functions', async (request) => {
    requireScope(request, 'functions.read');
    const query = request.query as Body;
    const search = optionalString(query, 'search', '', 256);
    const all = functions.list().map((fn) => functions.model(fn));
    const { total, items } = metadataPage(all, query, LIST_ATTRIBUTES.functions, search);
    return asModel('functionList', { total, functions: items });
  });

  // Appwrite's "temporary abuse check" in Functions/Create.php: 50 a day per project, for every
  // caller (keys included), `{url}` fixed to `/v1/functions`.
  const createLimit = abuse({
    limit: 50,
    time: 86_400,
    key: 'projectId:{projectId},url:/v1/functions',
    everyone: true,
  });
  app.post('/functions', operation('functions.create', createLimit), async (request, reply) => {
    requireScope(request, 'functions.write');
    const body = bodyOf(request);
    const id = readId(body, 'functionId');
    const fn = service.writes.createFunction(id, readFunctionSettings(body, null));
    return reply.code(201).send(model(fn));
  });

  app.get('/functions/runtimes', async (request) => {
    requireScope(request, 'functions.read');
    const runtimes = RUNTIMES.map((id) => {
      const version = id.replace(/^node-/, '');
      return {
        $id: id,
        key: 'node',
        name: 'Node.js',
        version,
        base: `node:${version}-alpine`,
        image: `openruntimes/node:v5-${version}`,
        logo: 'node.png',
        supports: ['amd64', 'arm64'],
      };
    });
    return { total: runtimes.length, runtimes };
  });

  app.get('/functions/specifications', async (request) => {
    requireScope(request, 'functions.read');
    return specificationList();
  });

  app.get('/functions/:functionId', async (request) => {
    requireScope(request, 'functions.read');
    const { functionId } = request.params as { functionId: string };
    return model(functions.get(functionId));
  });

  app.put('/functions/:functionId', operation('functions.update'), async (request) => {
    requireScope(request, 'functions.write');
    const { functionId } = request.params as { functionId: string };
    const settings = readFunctionSettings(bodyOf(request), functions.get(functionId));
    return model(service.writes.updateFunction(functionId, settings));
  });

  app.delete('/functions/:functionId', async (request, reply) => {
    requireScope(request, 'functions.write');
    const { functionId } = request.params as { functionId: string };
    service.writes.deleteFunction(functionId);
    return reply.code(204).send();
  });
}
