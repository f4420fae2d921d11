import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FunctionsService } from '../../core/functions/service.ts';
import { type VariableDoc, variableModel } from '../../core/functions/variables.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { requireScope } from '../platform/context.ts';
import { operation } from '../platform/formats/layer.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import { optionalBoolean, optionalString, requiredString } from '../platform/params.ts';
import { bodyOf, readId } from './functions.ts';

type Body = Record<string, unknown>;

/** Appwrite's variable key: up to 255 characters (Variables/Create.php `Text(255)`). */
function readKey(body: Body): string {
  return requiredString(body, 'key', 1, 255);
}

/**
 * One kind of variable owner's routes: where they live, their scopes and SDK namespace, and the
 * store calls for the owner a request names (`owner` checks it exists: 404 otherwise).
 */
export interface VariableRoutes<Owner> {
  base: string;
  read: string;
  write: string;
  /** The SDK namespace the request filters key on (`functions`, `project`, `sites`). */
  namespace: string;
  owner(request: FastifyRequest): Owner;
  list(owner: Owner): VariableDoc[];
  get(owner: Owner, variableId: string): VariableDoc;
  create(
    owner: Owner,
    variableId: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc;
  update(
    owner: Owner,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc;
  delete(owner: Owner, variableId: string): void;
}

/**
 * Variables of one kind of owner — a function's, a site's or the project's — with the same model
 * and rules (SRV Modules/Functions|Sites/Http/Variables/*, Project variables).
 */
export function registerVariableRoutesFor<Owner>(
  app: FastifyInstance,
  routes: VariableRoutes<Owner>,
): void {
  const { base, read, write, namespace } = routes;

  app.get(base, operation(`${namespace}.listVariables`), async (request) => {
    requireScope(request, read);
    const owner = routes.owner(request);
    const query = request.query as Body;
    const all = routes.list(owner).map((v) => ({ ...variableModel(v) }));
    const { total, items } = metadataPage(all, query, LIST_ATTRIBUTES.variables);
    return { total, variables: items };
  });

  app.post(base, operation(`${namespace}.createVariable`), async (request, reply) => {
    requireScope(request, write);
    const owner = routes.owner(request);
    const body = bodyOf(request);
    // appwrite-cli 12 sends none: request filters V21/V25 then ask for `unique()`.
    const id = readId(body, 'variableId');
    const variable = routes.create(owner, id, {
      key: readKey(body),
      value: requiredString(body, 'value', 0, 8192),
      // Appwrite 1.9.5 makes a variable secret unless told otherwise (Variables/Create.php).
      secret: optionalBoolean(body, 'secret', true),
    });
    return reply.code(201).send(variableModel(variable));
  });

  app.get(`${base}/:variableId`, async (request) => {
    requireScope(request, read);
    const owner = routes.owner(request);
    const { variableId } = request.params as { variableId: string };
    return variableModel(routes.get(owner, variableId));
  });

  app.put(`${base}/:variableId`, async (request) => {
    requireScope(request, write);
    const owner = routes.owner(request);
    const { variableId } = request.params as { variableId: string };
    const body = bodyOf(request);
    const value = body.value === undefined ? undefined : optionalString(body, 'value', '', 8192);
    const secret = body.secret === undefined ? undefined : optionalBoolean(body, 'secret', false);
    if (body.key === undefined && value === undefined && secret === undefined) {
      throw new AppwriteError('general_argument_invalid', 'Param "key" is not optional.');
    }
    const current = routes.get(owner, variableId);
    const key = body.key === undefined ? current.key : readKey(body);
    return variableModel(routes.update(owner, variableId, { key, value, secret }));
  });

  app.delete(`${base}/:variableId`, async (request, reply) => {
    requireScope(request, write);
    const owner = routes.owner(request);
    const { variableId } = request.params as { variableId: string };
    routes.delete(owner, variableId);
    return reply.code(204).send();
  });
}

/**
 * Variables: a function's (`/functions/{id}/variables`, scope `functions.read|write`) and the
 * project's (`/project/variables`, scope `project.read|write`), with the same model. A function
 * sees both at execution, its own winning (facts §3.2).
 */
export function registerVariableRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { functions, writes } = service;
  const stores = {
    list: (owner: string | null) => functions.variables(owner),
    get: (owner: string | null, id: string) => functions.variable(owner, id),
    create: writes.createVariable.bind(writes),
    update: writes.updateVariable.bind(writes),
    delete: writes.deleteVariable.bind(writes),
  };
  registerVariableRoutesFor<string>(app, {
    base: '/functions/:functionId/variables',
    read: 'functions.read',
    write: 'functions.write',
    namespace: 'functions',
    owner: (request) => {
      const { functionId } = request.params as { functionId: string };
      return functions.get(functionId).$id;
    },
    ...stores,
  });
  registerVariableRoutesFor<null>(app, {
    base: '/project/variables',
    read: 'project.read',
    write: 'project.write',
    namespace: 'project',
    owner: () => null,
    ...stores,
  });
}
