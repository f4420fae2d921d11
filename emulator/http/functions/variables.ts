import type { FastifyInstance, FastifyRequest } from 'fastify';
import { variableModel } from '../../core/functions/functions.ts';
import type { FunctionsService } from '../../core/functions/service.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { listMetadata } from '../../core/platform/metadata-list.ts';
import { requireScope } from '../platform/context.ts';
import { operation } from '../platform/formats/layer.ts';
import { optionalBoolean, optionalString, requiredString } from '../platform/params.ts';
import { bodyOf, includeTotal, readId } from './functions.ts';

type Body = Record<string, unknown>;

/** Appwrite's variable key: up to 255 characters (Variables/Create.php `Text(255)`). */
function readKey(body: Body): string {
  return requiredString(body, 'key', 1, 255);
}

/**
 * Variables: a function's (`/functions/{id}/variables`, scope `functions.read|write`) and the
 * project's (`/project/variables`, scope `project.read|write`), with the same model. A function
 * sees both at execution, its own winning (facts §3.2).
 */
export function registerVariableRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { functions, writes } = service;
  const scopeOf = (request: FastifyRequest) => {
    const { functionId } = request.params as { functionId?: string };
    if (functionId === undefined) return null;
    functions.get(functionId);
    return functionId;
  };

  for (const base of ['/functions/:functionId/variables', '/project/variables']) {
    const [read, write] = base.startsWith('/project')
      ? ['project.read', 'project.write']
      : ['functions.read', 'functions.write'];

    const method = base.startsWith('/project') ? 'project' : 'functions';
    app.get(base, operation(`${method}.listVariables`), async (request) => {
      requireScope(request, read);
      const owner = scopeOf(request);
      const query = request.query as Body;
      const all = functions.variables(owner).map((v) => ({ ...variableModel(v) }));
      const { total, items } = listMetadata(
        all,
        query.queries,
        '',
        '$id',
        includeTotal(query),
        LIST_ATTRIBUTES.variables,
      );
      return { total, variables: items };
    });

    app.post(base, operation(`${method}.createVariable`), async (request, reply) => {
      requireScope(request, write);
      const owner = scopeOf(request);
      const body = bodyOf(request);
      // appwrite-cli 12 sends none: request filters V21/V25 then ask for `unique()`.
      const id = readId(body, 'variableId');
      const variable = writes.createVariable(owner, id, {
        key: readKey(body),
        value: requiredString(body, 'value', 0, 8192),
        // Appwrite 1.9.5 makes a variable secret unless told otherwise (Variables/Create.php).
        secret: optionalBoolean(body, 'secret', true),
      });
      return reply.code(201).send(variableModel(variable));
    });

    app.get(`${base}/:variableId`, async (request) => {
      requireScope(request, read);
      const owner = scopeOf(request);
      const { variableId } = request.params as { variableId: string };
      return variableModel(functions.variable(owner, variableId));
    });

    app.put(`${base}/:variableId`, async (request) => {
      requireScope(request, write);
      const owner = scopeOf(request);
      const { variableId } = request.params as { variableId: string };
      const body = bodyOf(request);
      const value = body.value === undefined ? undefined : optionalString(body, 'value', '', 8192);
      const secret = body.secret === undefined ? undefined : optionalBoolean(body, 'secret', false);
      if (body.key === undefined && value === undefined && secret === undefined) {
        throw new AppwriteError('general_argument_invalid', 'Param "key" is not optional.');
      }
      const current = functions.variable(owner, variableId);
      const key = body.key === undefined ? current.key : readKey(body);
      const variable = writes.updateVariable(owner, variableId, { key, value, secret });
      return variableModel(variable);
    });

    app.delete(`${base}/:variableId`, async (request, reply) => {
      requireScope(request, write);
      const owner = scopeOf(request);
      const { variableId } = request.params as { variableId: string };
      writes.deleteVariable(owner, variableId);
      return reply.code(204).send();
    });
  }
}
