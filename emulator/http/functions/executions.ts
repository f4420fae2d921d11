import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readExecutionHeaders } from '../../core/functions/execution-headers.ts';
import { executionModel } from '../../core/functions/executions.ts';
import type { FunctionsService } from '../../core/functions/service.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import type { Principal } from '../../core/platform/principal.ts';
import { requireScope } from '../platform/context.ts';
import { asModel } from '../platform/formats/models.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import { optionalString } from '../platform/params.ts';
import { bodyOf } from './functions.ts';

type Body = Record<string, unknown>;

/** Appwrite's limit on `createExecution`'s `body` param (`Text(10485760)`). */
const BODY_PARAM_LIMIT = 10_485_760;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/**
 * `scheduledAt`: a date at least a minute ahead with whole minutes (Appwrite's DatetimeValidator
 * with `PRECISION_MINUTES` and a 60 s offset); only for async executions. Else 400 `general_bad_request`.
 */
function readScheduledAt(body: Body, async: boolean): string | null {
  const value = body.scheduledAt;
  if (value === undefined || value === null) return null;
  if (!async) {
    throw new AppwriteError(
      'general_bad_request',
      'A scheduled execution must be async: set async to true, or leave scheduledAt out.',
    );
  }
  const ms = typeof value === 'string' && value.length <= 100 ? Date.parse(value) : Number.NaN;
  const date = new Date(ms);
  if (
    Number.isNaN(ms) ||
    date.getUTCSeconds() !== 0 ||
    date.getUTCMilliseconds() !== 0 ||
    ms < Date.now() + 60_000
  ) {
    throw new AppwriteError(
      'general_bad_request',
      'scheduledAt must be a valid date in whole minutes, at least one minute from now.',
    );
  }
  return value as string;
}

function readAsync(body: Body): boolean {
  const value = body.async;
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  throw new AppwriteError('general_argument_invalid', 'Invalid `async` param: must be a boolean.');
}

/** Function lookups for readers: a disabled function is absent for everyone but keys. */
function visibleFunction(service: FunctionsService, functionId: string, principal: Principal) {
  const fn = service.functions.find(functionId);
  if (!fn || (!fn.enabled && principal.kind !== 'key')) {
    throw new AppwriteError('function_not_found', `No function has the id '${functionId}'.`);
  }
  return fn;
}

/**
 * Executions: `POST /functions/{id}/executions` (sync 201 / async 202 / scheduled), list, get and
 * delete. Callers: keys, users and guests alike, with scope `executions.read|write` and the
 * function's `execute` roles; a caller sees the executions it started (read `user:<id>`).
 */
export function registerExecutionRoutes(app: FastifyInstance, service: FunctionsService): void {
  const { executor, executions } = service;

  app.post(
    '/functions/:functionId/executions',
    // Room for a body just over Appwrite's 10 MB param limit, so it gets Appwrite's 400, not 413.
    { bodyLimit: 32 * 1024 * 1024 },
    async (request: FastifyRequest, reply) => {
      requireScope(request, 'executions.write', 'execution.write');
      const { functionId } = request.params as { functionId: string };
      const body = bodyOf(request);
      const async = readAsync(body);
      const scheduledAt = readScheduledAt(body, async);
      const headers = readExecutionHeaders(body.headers);
      const payload = optionalString(body, 'body', '', BODY_PARAM_LIMIT);
      const path = optionalString(body, 'path', '/', 2048) || '/';
      const method = optionalString(body, 'method', 'POST', 16);
      if (!METHODS.includes(method)) {
        throw new AppwriteError(
          'general_argument_invalid',
          `Invalid \`method\` param: Value must be one of (${METHODS.join(', ')}).`,
        );
      }
      const { fn, deployment } = executor.admit(functionId, request.principal);
      const result = await executor.create(
        {
          fn,
          principal: request.principal,
          body: Buffer.from(payload, 'utf8'),
          async,
          path,
          method,
          headers,
          scheduledAt,
          clientIp: request.ip,
        },
        deployment,
      );
      if ('status' in result) {
        return reply
          .code(202)
          .send(asModel('execution', executionModel(result, request.principal)));
      }
      return reply.code(201).send(
        asModel('execution', {
          ...executionModel(result.doc, request.principal),
          responseBody: result.responseBody,
          responseHeaders: result.responseHeaders,
        }),
      );
    },
  );

  app.get('/functions/:functionId/executions', async (request) => {
    requireScope(request, 'executions.read', 'execution.read');
    const { functionId } = request.params as { functionId: string };
    visibleFunction(service, functionId, request.principal);
    const query = request.query as Body;
    const all = executions
      .list(functionId, request.principal)
      .map((doc) => executionModel(doc, request.principal));
    const { total, items } = metadataPage(all, query, LIST_ATTRIBUTES.executions);
    return asModel('executionList', { total, executions: items });
  });

  app.get('/functions/:functionId/executions/:executionId', async (request) => {
    requireScope(request, 'executions.read', 'execution.read');
    const { functionId, executionId } = request.params as {
      functionId: string;
      executionId: string;
    };
    visibleFunction(service, functionId, request.principal);
    const doc = executions.get(functionId, executionId, request.principal);
    return asModel('execution', executionModel(doc, request.principal));
  });

  app.delete('/functions/:functionId/executions/:executionId', async (request, reply) => {
    requireScope(request, 'executions.write', 'execution.write');
    const { functionId, executionId } = request.params as {
      functionId: string;
      executionId: string;
    };
    visibleFunction(service, functionId, request.principal);
    const doc = executions.get(functionId, executionId, request.principal);
    if (request.principal.kind !== 'key') {
      throw new AppwriteError('user_unauthorized', 'Only an API key may delete executions.');
    }
    if (doc.status === 'waiting' || doc.status === 'processing') {
      throw new AppwriteError('execution_in_progress', 'The execution is still running.');
    }
    executions.delete(executionId);
    return reply.code(204).send();
  });
}
