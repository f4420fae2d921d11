import type { RouteKey } from '#shared/functions.ts';
import { AppError, errorResponse } from './app-error.ts';
import type { RuntimeContext, RuntimeFunction, RuntimeResponse } from './context.ts';

/** What a route handler receives: the runtime's context plus the route's decoded `:params`. */
export interface RouteContext extends RuntimeContext {
  readonly params: Readonly<Record<string, string>>;
}

/** A route handler: returns a `res.*` value, or throws an `AppError` to answer with an error. */
export type RouteHandler = (context: RouteContext) => RuntimeResponse | Promise<RuntimeResponse>;

/** A function's routes: `{ 'GET /': handler, 'DELETE /posts/:postId': handler }`. */
export type RouteTable = Partial<Record<RouteKey, RouteHandler>>;

interface CompiledRoute {
  method: string;
  /** A literal segment, or `{ param }` for a `:param` segment. */
  segments: (string | { param: string })[];
  handler: RouteHandler;
}

/**
 * Builds a function's default export from its route table. It matches the execution's method and
 * path, runs the handler, and is the one place errors become responses:
 *
 * - no route for the path, or none for the method → 404 `general_route_not_found`. Appwrite itself
 *   answers a known path with an unknown method this way (its `general_not_implemented` 405 means a
 *   feature that is not built, not a method that is not allowed), so callers see one behaviour.
 * - a thrown `AppError` → its type and status; anything else thrown → 500 with a generic message,
 *   the detail going to `context.error` only.
 * - a handler that returns nothing → 500, logged. The runtime would do the same, but with an empty
 *   body; this way every answer has Agora's error shape.
 *
 * Routes are tried in table order; the first whose method and segments match wins.
 */
export function createHandler(routes: RouteTable): RuntimeFunction {
  const compiled = Object.entries(routes).map(([key, handler]) => compile(key, handler));

  return async (context) => {
    try {
      const { req } = context;
      const match = matchRoute(compiled, req.method, req.path);
      if (!match) {
        throw new AppError('general_route_not_found', `No route for ${req.method} ${req.path}.`);
      }
      const response = await match.handler({ ...context, params: match.params });
      if (!isResponse(response)) {
        throw new Error(`The handler for ${req.method} ${req.path} returned no res.* value.`);
      }
      return response;
    } catch (thrown) {
      return errorResponse(context, thrown);
    }
  };
}

function compile(key: string, handler: RouteHandler | undefined): CompiledRoute {
  if (!handler) throw new Error(`Route ${key} has no handler.`);
  const [method = '', path = ''] = key.split(' ');
  const segments = splitPath(path).map((segment) =>
    segment.startsWith(':') ? { param: segment.slice(1) } : segment,
  );
  return { method, segments, handler };
}

function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): { handler: RouteHandler; params: Record<string, string> } | undefined {
  const parts = splitPath(path);
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const params = matchSegments(route.segments, parts);
    if (params) return { handler: route.handler, params };
  }
  return undefined;
}

function matchSegments(
  segments: CompiledRoute['segments'],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index] ?? '';
    if (typeof segment === 'string') {
      if (segment !== part) return undefined;
      continue;
    }
    const value = decode(part);
    if (value === undefined) return undefined;
    params[segment.param] = value;
  }
  return params;
}

/** `/posts/abc/` → `['posts', 'abc']`; empty segments (a trailing or doubled slash) are dropped. */
function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** A parameter as the caller meant it (`routeRequest` encodes it); `undefined` if it is not valid. */
function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function isResponse(value: unknown): value is RuntimeResponse {
  return typeof value === 'object' && value !== null && 'statusCode' in value;
}
