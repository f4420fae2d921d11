import type { ExecutionMethod } from 'appwrite';
import { type FunctionId, type RouteKey, routeRequest } from '#shared/functions.ts';
import { ApiError, errorFromBody, toApiError } from './api-error.ts';
import { account, functions } from './appwrite.ts';
import { withRetry } from './retry.ts';
import { session } from './session.svelte.ts';

/**
 * Calls one route of an Agora function through a synchronous execution and returns its parsed JSON
 * body (`undefined` for an empty body, e.g. 204).
 *
 *   const post = await callFunction<Post>(FunctionId.posts, Route.posts.create, {}, { title, body, tags });
 *   const state = await callFunction<LikeState>(FunctionId.posts, Route.posts.like, { postId });
 *   const page = await callFunction<AdminUserPage>(FunctionId.admin, Route.admin.listUsers, {}, undefined,
 *     { search: 'ann', limit: '25' });   // query string for GET routes
 *
 * Throws ApiError: `type`, `status` and `fields` come from the function's error body (or Appwrite's,
 * e.g. the execute permission), `network_error` when no answer came. Network errors are retried with
 * backoff for idempotent methods (GET, PUT, PATCH, DELETE); POST is not retried, since a lost answer
 * may hide a done write (a second post). A 401 while signed in whose session is gone on the server
 * sends you to sign-in and back (session.expired()).
 */
export async function callFunction<T = unknown>(
  functionId: FunctionId,
  route: RouteKey,
  params: Record<string, string> = {},
  body?: unknown,
  query?: Record<string, string | undefined>,
): Promise<T> {
  const { method, path } = routeRequest(route, params);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const xpath = search.size ? `${path}?${search}` : path;
  const execute = () =>
    functions.createExecution({
      functionId,
      body: body === undefined ? '' : JSON.stringify(body),
      async: false,
      xpath,
      method: method as ExecutionMethod,
      headers: { 'content-type': 'application/json' },
    });
  try {
    const execution = method === 'POST' ? await execute() : await withRetry(execute);
    const status = execution.responseStatusCode;
    const text = execution.responseBody;
    if (status >= 400 || execution.status === 'failed') {
      throw errorFromBody(status || 500, text);
    }
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('general_server_error', 'The answer was not JSON.', 500);
    }
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.status === 401 && session.user) {
      await checkSession();
      // Sent to sign in with its own message: the caller need not add a toast.
      if (!session.user) apiError.handled = true;
    }
    throw apiError;
  }
}

/** After a 401: if the server no longer knows our session, it expired; else it was a real refusal. */
async function checkSession(): Promise<void> {
  try {
    await account.get();
  } catch (error) {
    if (toApiError(error).status === 401) session.expired();
  }
}
