import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyRequest,
  preValidationHookHandler,
} from 'fastify';
import { SERVER_VERSION } from '../../../core/platform/error-body.ts';
import { compareVersions, hookList } from '../context.ts';
import { asModel, type ItemModel, isListModel, LISTS, type ModelName, tagOf } from './models.ts';
import { filterRequest } from './request-filters.ts';
import { type Convert, responseFiltersFor } from './response-filters.ts';

/**
 * The one place response formats are handled (Appwrite: app/controllers/general.php adds its request
 * and response filters per `X-Appwrite-Response-Format`; the route never looks at the format).
 *
 * - `onRequest`: reads the header into `request.responseFormat` (the server's own format, 1.9.5, when
 *   absent or empty: no filter runs, as in Appwrite). A format newer than the newest this server
 *   converts to gets the newest model and an `X-Appwrite-Warning` header (the SDKs print it), as
 *   Appwrite answers a format newer than itself.
 * - `preValidation`: the request filters of the route's SDK method (`operation(...)`) rewrite an older
 *   format's parameters (the body; a GET's query) before the handler reads them.
 * - `preSerialization`: the answer the route tagged with `asModel` is converted by each response
 *   filter of the caller's format. Errors and untagged answers pass through.
 *
 * Realtime payloads and webhook bodies are the server's own model: core builds them, and Appwrite's
 * event payload too is the model before any response filter.
 */

/** The server's own format: what routes build and `/health/version` reports. */
export const SERVER_FORMAT = SERVER_VERSION;

/** The newest format this server converts to (web SDK 28.0.0). */
export const NEWEST_FORMAT = '2.3.0';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's Appwrite SDK method (`functions.create`), which the request filters key on, as
     * Appwrite keys them on the route's `sdk` label. Set with `operation(...)`.
     */
    operation?: string;
  }
}

/**
 * Route options naming the route's SDK method for the request filters, merged into other route
 * options (an abuse label): `app.post('/functions', operation('functions.create', limit), handler)`.
 */
export function operation<T extends { config?: FastifyContextConfig }>(
  id: string,
  options?: T,
): T & { config: FastifyContextConfig } {
  return { ...(options as T), config: { ...options?.config, operation: id } };
}

/** The `X-Appwrite-Warning` for a format newer than this server converts to, else `null`. */
export function formatWarning(format: string): string | null {
  if (compareVersions(format, NEWEST_FORMAT) <= 0) return null;
  return (
    `The SDK asks for response format ${format}, newer than this server knows: the local Appwrite ` +
    `(${SERVER_FORMAT}) answers in formats up to ${NEWEST_FORMAT}. Use an SDK built for Appwrite ` +
    `${NEWEST_FORMAT} or older: https://appwrite.io/docs/sdks`
  );
}

type Json = Record<string, unknown>;

/**
 * Formats seen so far, each with the conversions per model its callers get. Every answer asks, and
 * working them out compares the format with each filter's version; a client sends one format for
 * its lifetime, so they are worked out once per format. The header is the client's to choose, so at
 * most `MAX_CACHED_FORMATS` are kept (a flood of made-up ones empties the cache, and it refills).
 */
const stepsByFormat = new Map<string, Map<ItemModel, readonly Convert[]>>();

/** How many formats `stepsByFormat` keeps; real clients send a handful. */
export const MAX_CACHED_FORMATS = 64;

/** How many formats have their conversions cached (tests check the bound). */
export function cachedFormatCount(): number {
  return stepsByFormat.size;
}

/** The conversions of `model` a caller asking for `format` gets, in order. */
export function stepsFor(model: ItemModel, format: string): readonly Convert[] {
  let byModel = stepsByFormat.get(format);
  if (!byModel) {
    if (stepsByFormat.size >= MAX_CACHED_FORMATS) stepsByFormat.clear();
    byModel = new Map();
    stepsByFormat.set(format, byModel);
  }
  let steps = byModel.get(model);
  if (!steps) {
    const found: Convert[] = [];
    for (const filter of responseFiltersFor(format)) {
      const convert = filter.models[model];
      if (convert) found.push(convert);
    }
    steps = found;
    byModel.set(model, steps);
  }
  return steps;
}

function convertItem(content: Json, steps: readonly Convert[], source: unknown): Json {
  let out = content;
  for (const convert of steps) out = convert(out, source);
  return out;
}

/** A route's answer in `format`: converted when the route tagged it with `asModel`, else as it is. */
export function convertResponse(payload: unknown, format: string): unknown {
  const tag = tagOf(payload);
  if (!tag) return payload;
  const list = isListModel(tag.model) ? LISTS[tag.model] : null;
  const steps = stepsFor(list ? list.item : (tag.model as ItemModel), format);
  if (steps.length === 0) return payload;
  const content = payload as Json;
  if (!list) return convertItem(content, steps, tag.source);
  const items = content[list.key];
  if (!Array.isArray(items)) return payload;
  return {
    ...content,
    [list.key]: items.map((entry: Json) => convertItem(entry, steps, tagOf(entry)?.source)),
  };
}

/**
 * `asModel` for a route on a hot path, which has the request: the tag matters only to a format
 * that converts the model (`convertResponse` passes anything else through as it is), so for the
 * server's own format — what a current SDK asks for — the value goes untagged, sparing a property
 * definition on every answer.
 */
export function asModelFor<T extends object>(
  request: FastifyRequest,
  model: ModelName,
  value: T,
  source?: unknown,
): T {
  const item = isListModel(model) ? LISTS[model].item : model;
  return stepsFor(item, request.responseFormat).length === 0
    ? value
    : asModel(model, value, source);
}

/** A plain parameters object (a parsed JSON body or query), not a Buffer or a stream. */
function isParams(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The route's parameters after the request filters of the caller's format for SDK method `id`. */
function filterParams(request: FastifyRequest, id: string): void {
  const format = request.responseFormat;
  if (request.method === 'GET' || request.method === 'HEAD') {
    if (isParams(request.query)) request.query = filterRequest(request.query, id, format);
  } else if (request.body === undefined || request.body === null || isParams(request.body)) {
    request.body = filterRequest((request.body as Json | null) ?? {}, id, format);
  }
}

/** Installs the layer on the app (before the routes' own hooks; app.ts). */
export function registerResponseFormats(app: FastifyInstance): void {
  app.decorateRequest('responseFormat', SERVER_FORMAT);
  app.addHook('onRequest', (request, reply, done) => {
    const format = request.headers['x-appwrite-response-format'];
    if (typeof format !== 'string' || format === '') return done();
    request.responseFormat = format;
    const warning = formatWarning(format);
    if (warning) reply.header('x-appwrite-warning', warning);
    done();
  });
  // Only the routes that name an SDK method have request filters: the others skip the hook.
  // The hook knows the route's method from here (`request.routeOptions` builds an object per call).
  app.addHook('onRoute', (route) => {
    const id = route.config?.operation;
    if (!id) return;
    route.preValidation = [requestFilters(id), ...hookList(route.preValidation)];
  });
  app.addHook('preSerialization', (request, reply, payload, done) => {
    done(
      null,
      reply.statusCode >= 400 ? payload : convertResponse(payload, request.responseFormat),
    );
  });
}

const requestFilters =
  (id: string): preValidationHookHandler =>
  (request, _reply, done) => {
    filterParams(request, id);
    done();
  };
