import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, errorBody } from '../../core/platform/error-body.ts';
import { AppwriteError } from '../../core/platform/errors.ts';

/** What a crash report sink receives: only the server sees it, never the client. */
export type InternalErrorSink = (error: unknown, request: FastifyRequest) => void;

/**
 * Converts anything thrown into Appwrite's error body — the only place that does. An AppwriteError
 * keeps its type. A Fastify client error (bad body, bad content type, schema validation) becomes 400
 * `general_argument_invalid`, which is what Appwrite answers for a parameter it cannot read. Anything
 * else is a bug: 500 `general_unknown` with a fixed message, the details go to the sink only.
 */
export function toErrorBody(error: unknown, request: FastifyRequest, sink: InternalErrorSink) {
  if (error instanceof AppwriteError) return errorBody(error.type, error.message);
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return errorBody('general_argument_invalid', `Invalid parameter: ${fastifyError.message}`);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) return errorBody('general_route_not_found', 'Route not found.');
    if (status === 429) return errorBody('general_rate_limit_exceeded', 'Too many requests.');
    return errorBody('general_argument_invalid', clientMessage(fastifyError));
  }
  sink(error, request);
  return errorBody('general_unknown', 'An unexpected error occurred on the local Appwrite server.');
}

function clientMessage(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The request body does not match its Content-Length.';
    case 'FST_ERR_BAD_URL':
      return 'The path is not a valid URL: it has a malformed % escape.';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return `A path segment is longer than ${MAX_PARAM_LENGTH} characters.`;
    default:
      return 'The request could not be read.';
  }
}

/** The longest path parameter the router reads (Fastify's default of 100 is short for custom ids). */
export const MAX_PARAM_LENGTH = 1024;

/**
 * Fastify's `frameworkErrors` option: a malformed `%` escape in the path (FST_ERR_BAD_URL) or an
 * over-long path parameter (FST_ERR_MAX_PARAM_LENGTH, a 414 of Fastify's own) is found by the router
 * before any route or hook runs, and Fastify would answer it in its own shape. Both go through the
 * same mapper instead: 400 `general_argument_invalid`, what Appwrite answers for a parameter it
 * cannot read.
 */
export function frameworkErrorHandler(sink: InternalErrorSink) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, toErrorBody(error, request, sink));
}

/** Sends an error body with Appwrite's no-cache header. */
export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  return reply
    .code(body.code >= 1000 ? 500 : body.code)
    .header('cache-control', 'no-cache, no-store, must-revalidate')
    .type('application/json; charset=utf-8')
    .send(body);
}
