import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Principal } from '../../core/platform/principal.ts';
import { GUEST_SCOPES, USER_SCOPES } from '../../core/platform/scopes.ts';
import type { Project } from '../../core/project.ts';

/**
 * A service: a plain function that registers its routes, given the project whose services they
 * call (core/project.ts; it builds nothing itself). It is called with the `/v1`-prefixed instance,
 * so it declares paths as Appwrite does without the prefix (`/users/:userId`).
 */
export type ServicePlugin = (app: FastifyInstance, project: Project) => void | Promise<void>;

/**
 * Whether a route needs `X-Appwrite-Project`. Nearly all do; `/health/version` does not (the CLI asks it
 * before it knows a project). Set per route: `app.get('/x', { config: { project: 'optional' } }, h)`.
 */
export type ProjectRequirement = 'required' | 'optional';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: an API key, a signed-in user or a guest (resolved before the handler runs). */
    principal: Principal;
    /** The project asked for (always this emulator's project on a route that requires one). */
    projectId: string;
    /**
     * `X-Appwrite-Response-Format`, defaulting to the server's own (1.9.5). Only the response-format
     * layer reads it (http/platform/formats/): routes build the server's own model.
     */
    responseFormat: string;
  }
  interface FastifyContextConfig {
    project?: ProjectRequirement;
  }
}

/** Compares two dotted versions numerically: negative when `a < b`, 0 when equal, positive otherwise. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * A route option's hooks as a list (Fastify takes one or several), so a hook added in `onRoute` for
 * the routes that need it goes first and keeps the route's own.
 */
export function hookList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/** The scopes the caller holds: a key's own (plus the base ones), else the role's. */
export function scopesOf(principal: Principal): ReadonlySet<string> {
  if (principal.kind === 'key') return principal.scopes;
  return principal.kind === 'user' ? USER_SCOPES : GUEST_SCOPES;
}

/**
 * Throws 401 `general_unauthorized_scope` unless the caller holds `scope` (or one of `alternatives`,
 * for the few Appwrite routes that accept several). Call it first in every handler with the scope
 * Appwrite's route declares (`rows.read`, `users.write`, `account`...). Keys are checked against their
 * scopes; users and guests against their role's (a guest lacks `account`, no user holds `users.read`).
 */
export function requireScope(
  request: FastifyRequest,
  scope: string,
  ...alternatives: string[]
): void {
  const principal = request.principal;
  const held = scopesOf(principal);
  if (held.has(scope) || alternatives.some((s) => held.has(s))) return;
  const who =
    principal.kind === 'key' ? 'API key' : principal.kind === 'user' ? 'User (users)' : 'Guest';
  throw new AppwriteError(
    'general_unauthorized_scope',
    `${who} lacks the scope this route needs (${JSON.stringify([scope, ...alternatives])}).`,
  );
}

/** The signed-in user's id, or 401 `general_unauthorized_scope` like Appwrite's `account` scope check. */
export function requireUser(request: FastifyRequest): { userId: string; sessionId: string | null } {
  requireScope(request, 'account');
  const principal = request.principal;
  if (principal.kind !== 'user') {
    throw new AppwriteError('general_unauthorized_scope', 'Sign in first.');
  }
  return { userId: principal.userId, sessionId: principal.sessionId };
}
