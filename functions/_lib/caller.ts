import { Client } from 'node-appwrite';
import { AppError } from './app-error.ts';
import type { RuntimeRequest } from './context.ts';
import { functionEnv } from './env.ts';

/** Who executes the function: a signed-in user's id, or `null` for a guest. */
export interface Caller {
  userId: string | null;
}

/** Reads the caller from `x-appwrite-user-id`, which Appwrite sets to `''` for a guest. */
export function callerOf(req: RuntimeRequest): Caller {
  const userId = req.headers['x-appwrite-user-id'] ?? '';
  return { userId: userId === '' ? null : userId };
}

/** The signed-in caller's id; a guest gets 401 `user_unauthorized` with `message`. */
export function signedIn(req: RuntimeRequest, message = 'Sign in to do this.'): string {
  const { userId } = callerOf(req);
  if (userId === null) throw new AppError('user_unauthorized', message);
  return userId;
}

/**
 * A `node-appwrite` client for this execution. Appwrite hands each execution a short-lived key in
 * `x-appwrite-key` carrying the function's scopes, so the client is built per execution and never
 * cached: a warm runtime serves many executions, each with its own key.
 */
export function appwriteClient(req: RuntimeRequest): Client {
  const key = req.headers['x-appwrite-key'];
  if (!key)
    throw new Error('The x-appwrite-key header is missing; Appwrite sets it on every execution.');
  const env = functionEnv();
  return new Client()
    .setEndpoint(env.APPWRITE_FUNCTION_API_ENDPOINT)
    .setProject(env.APPWRITE_FUNCTION_PROJECT_ID)
    .setKey(key);
}
