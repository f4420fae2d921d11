import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsoleAccount, ConsoleAccounts } from '../../core/identity/console-account.ts';
import { sessionModel } from '../../core/identity/models.ts';
import { parseCookies } from '../../core/platform/cookies.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Principal } from '../../core/platform/principal.ts';
import { ALL_KEY_SCOPES, KEY_BASE_SCOPES } from '../../core/platform/scopes.ts';
import type { Project } from '../../core/project.ts';
import { SITES_DOMAIN } from '../../core/sites/service.ts';
import { FUNCTION_DOMAIN_PREFIX, FUNCTIONS_DOMAIN } from '../functions/domains.ts';
import { bodyOf } from '../functions/functions.ts';
import { requiredString } from '../platform/params.ts';
import { EMAIL_SESSION_LIMIT } from './account.ts';
import { clearSessionCookies, setSessionCookies } from './session-cookies.ts';

/** The project id Appwrite's console uses for itself. */
export const CONSOLE_PROJECT = 'console';

/**
 * A route that answers `X-Appwrite-Project: console` requests only, beside the project route on the
 * same path (find-my-way constraints): `POST /account/sessions/email` and `GET /account` exist for
 * both, and which one runs depends on the project header, as in Appwrite where the console is just
 * another project.
 */
const consoleConstraint = {
  name: 'appwriteConsole',
  storage() {
    const handlers = new Map<string, unknown>();
    return {
      get: (value: string) => (handlers.get(value) ?? null) as never,
      set: (value: string, handler: unknown) => {
        handlers.set(value, handler);
      },
    };
  },
  deriveConstraint(request: { headers: Record<string, string | string[] | undefined> }) {
    const project = request.headers['x-appwrite-project'];
    return project === CONSOLE_PROJECT ? CONSOLE_PROJECT : undefined;
  },
  mustMatchWhenDerived: false,
};

/**
 * The console admin as a principal: a request carrying a valid `a_session_console` cookie and
 * `X-Appwrite-Mode: admin` (what appwrite-cli sends after `appwrite login`) acts on the project with
 * every scope, as a key does — which is how Appwrite treats its console admins. `null` otherwise.
 */
export function consoleAdminPrincipal(
  request: FastifyRequest,
  accounts: ConsoleAccounts,
): Principal | null {
  if (request.headers['x-appwrite-mode'] !== 'admin') return null;
  const value = parseCookies(request.headers.cookie).get(`a_session_${CONSOLE_PROJECT}`);
  if (!value) return null;
  const account = accounts.verify(value);
  if (!account) return null;
  return {
    kind: 'key',
    keyId: `console:${account.id}`,
    scopes: new Set([...ALL_KEY_SCOPES, ...KEY_BASE_SCOPES]),
  };
}

function accountModel(account: ConsoleAccount) {
  return {
    $id: account.id,
    $createdAt: account.createdAt,
    $updatedAt: account.updatedAt,
    name: account.name,
    registration: account.createdAt,
    status: true,
    labels: [],
    passwordUpdate: account.updatedAt,
    email: account.email,
    phone: '',
    emailVerification: true,
    phoneVerification: false,
    mfa: false,
    prefs: {},
    targets: [],
    accessedAt: account.updatedAt,
  };
}

/** The signed-in console account of a console request, or 401 as Appwrite's `account` scope. */
function requireConsoleAccount(request: FastifyRequest, accounts: ConsoleAccounts): ConsoleAccount {
  const value = parseCookies(request.headers.cookie).get(`a_session_${CONSOLE_PROJECT}`);
  const account = value ? accounts.verify(value) : null;
  if (!account) {
    throw new AppwriteError('general_unauthorized_scope', 'Sign in to the console first.');
  }
  return account;
}

/**
 * The console as far as appwrite-cli and the local console (emulator/console/) need it: `appwrite
 * login` (`POST /account/sessions/email` and `GET /account` with `X-Appwrite-Project: console`,
 * setting the `a_session_console` cookie), sign-out (`DELETE /account/sessions/current`) and
 * `GET /console/variables` (it reads `_APP_DOMAIN_FUNCTIONS` when it creates a function). One line
 * in app.ts SERVICES, after the project's own `/account` routes, which these sit beside.
 */
export function registerConsole(app: FastifyInstance, project: Project): void {
  if (!app.hasConstraintStrategy(consoleConstraint.name)) {
    app.addConstraintStrategy(consoleConstraint);
  }
  const console = project.consoleAccounts;
  const onlyConsole = {
    constraints: { appwriteConsole: CONSOLE_PROJECT },
    config: { console: true },
  };

  const signIn = { ...onlyConsole, config: { ...onlyConsole.config, abuse: EMAIL_SESSION_LIMIT } };
  app.post('/account/sessions/email', signIn, async (request, reply) => {
    const body = bodyOf(request);
    const email = requiredString(body, 'email', 1, 254);
    const password = requiredString(body, 'password', 1, 256);
    const session = await console.login(email, password);
    if (!session) {
      throw new AppwriteError(
        'user_invalid_credentials',
        'Invalid credentials: check the console email and password (credentials.json).',
      );
    }
    // Over plain http the main cookie is `SameSite=Lax`, so Chromium keeps it (session-cookies.ts).
    setSessionCookies(
      request,
      reply,
      CONSOLE_PROJECT,
      session.value,
      session.expire,
      'browser-over-http',
    );
    // appwrite-cli keeps the Set-Cookie line that starts with `a_session_console=`, so it goes first.
    const cookies = reply.getHeader('set-cookie');
    if (Array.isArray(cookies)) reply.header('set-cookie', [...cookies].reverse());
    // The project's Session model, for a console account signed in with its password.
    const model = sessionModel(
      {
        id: session.id,
        userId: session.accountId,
        createdAt: session.createdAt,
        updatedAt: session.createdAt,
        expire: session.expire,
        provider: 'email',
        providerUid: email,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        factors: ['password'],
      },
      true,
    );
    return reply.code(201).send(model);
  });

  app.get('/account', onlyConsole, async (request) =>
    accountModel(requireConsoleAccount(request, console)),
  );

  app.delete('/account/sessions/current', onlyConsole, async (request, reply) => {
    requireConsoleAccount(request, console);
    console.logout(parseCookies(request.headers.cookie).get(`a_session_${CONSOLE_PROJECT}`) ?? '');
    clearSessionCookies(request, reply, CONSOLE_PROJECT, 'browser-over-http');
    return reply.code(204).send();
  });

  app.get('/console/variables', onlyConsole, async (request) => {
    requireConsoleAccount(request, console);
    const endpoint = new URL(project.endpoint());
    return {
      _APP_DOMAIN_TARGET_CNAME: endpoint.hostname,
      _APP_DOMAIN_TARGET_AAAA: '::1',
      _APP_DOMAIN_TARGET_A: '127.0.0.1',
      _APP_DOMAIN_TARGET_CAA: '',
      _APP_STORAGE_LIMIT: 30_000_000,
      _APP_COMPUTE_BUILD_TIMEOUT: 900,
      _APP_COMPUTE_SIZE_LIMIT: 30_000_000,
      _APP_USAGE_STATS: 'disabled',
      _APP_VCS_ENABLED: false,
      _APP_DOMAIN_ENABLED: false,
      _APP_ASSISTANT_ENABLED: false,
      _APP_DOMAIN_SITES: SITES_DOMAIN,
      _APP_DOMAIN_FUNCTIONS: FUNCTIONS_DOMAIN,
      _APP_OPTIONS_FORCE_HTTPS: 'disabled',
      _APP_DOMAINS_NAMESERVERS: '',
      _APP_DB_ADAPTER: 'sqlite',
      _APP_LOCAL_FUNCTION_URL: `${endpoint.origin}/v1${FUNCTION_DOMAIN_PREFIX}/`,
    };
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route serves `X-Appwrite-Project: console` requests (the console login the CLI uses). */
    console?: boolean;
  }
}
