import type { FastifyRequest } from 'fastify';
import { compileUserList } from '../../core/identity/user-queries.ts';
import type { UserStore } from '../../core/identity/users.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import {
  type AuthMethodId,
  isOptionalService,
  type ProjectSettingsStore,
} from '../../core/project/settings.ts';

/**
 * What the project's settings refuse, where Appwrite refuses it. Sessions and guests only: an API key
 * and a console admin (a `key` principal here) are exempt, as Appwrite exempts keys and privileged
 * users (`$user->isKey()`, `$user->isPrivileged()`).
 */

/** A readable name per method, for the refusal's message. */
const METHOD_NAMES: Record<AuthMethodId, string> = {
  'email-password': 'Email / Password',
  'magic-url': 'Magic URL',
  'email-otp': 'Email OTP',
  anonymous: 'Anonymous',
  invites: 'Invites',
  jwt: 'JWT',
  phone: 'Phone',
};

/**
 * 403 `general_service_disabled` when the route's service is off (SRV app/controllers/shared/api.php:
 * the route's SDK namespace against the project's `services`, checked before scopes). The service is
 * the first path segment, which is the namespace for every route this server has (`/v1/account/…`,
 * `/v1/tablesdb/…`, `/v1/storage/…`). Called once per request from app.ts.
 */
export function refuseDisabledService(
  request: FastifyRequest,
  settings: ProjectSettingsStore,
): void {
  if (request.principal.kind === 'key') return;
  const service = (request.routeOptions.url ?? '').split('/')[2];
  if (!isOptionalService(service) || settings.serviceEnabled(service)) return;
  throw new AppwriteError(
    'general_service_disabled',
    `The ${service} service is disabled for this project.`,
  );
}

/**
 * 501 `user_auth_method_unsupported` when `method` is off (SRV app/controllers/shared/api/auth.php,
 * for the routes labelled `auth.type`). Call it in such a route after the scope and signed-in checks.
 */
export function requireAuthMethod(
  request: FastifyRequest,
  settings: ProjectSettingsStore,
  method: AuthMethodId,
): void {
  if (request.principal.kind === 'key') return;
  if (settings.authMethodEnabled(method)) return;
  throw new AppwriteError(
    'user_auth_method_unsupported',
    `${METHOD_NAMES[method]} authentication is disabled for this project.`,
  );
}

/**
 * 400 `user_count_exceeded` when the project has as many users as its user limit allows (SRV
 * account.php, on sign-up and anonymous sessions — for every caller: keys are not exempt here).
 */
export function refuseOverUserLimit(settings: ProjectSettingsStore, users: UserStore): void {
  const { userLimit } = settings.get().policies;
  if (userLimit === 0) return;
  if (users.list(compileUserList([], ''), true, userLimit).total < userLimit) return;
  throw new AppwriteError(
    'user_count_exceeded',
    'This project has reached its user limit; no new accounts can be created.',
  );
}
