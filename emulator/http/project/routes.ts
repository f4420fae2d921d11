import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies } from '../../core/platform/cookies.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { parseQueries } from '../../core/platform/query-parse.ts';
import { isoDate } from '../../core/platform/time.ts';
import {
  AUTH_METHODS,
  checkMockNumbers,
  isAuthMethod,
  isOptionalService,
  MOCK_PHONE,
  type MockNumber,
  OPTIONAL_SERVICES,
  POLICY_BOUNDS,
  type ProjectSettings,
} from '../../core/project/settings.ts';
import type { Project } from '../../core/project.ts';
import { CONSOLE_PROJECT } from '../identity/console.ts';
import { requireScope } from '../platform/context.ts';
import { operation } from '../platform/formats/layer.ts';
import { asModel } from '../platform/formats/models.ts';
import { requiredBoolean, requiredString } from '../platform/params.ts';
import { mockNumberModel, POLICY_IDS, type PolicyId, policyModel, projectModel } from './models.ts';

/**
 * Project: the project's own settings, as node-appwrite 27.1.0's `Project` service calls them with an
 * API key (SRV src/Appwrite/Platform/Modules/Project/Http/Project/…, routes present since 1.9.5):
 *
 *   GET    /project                                    project.read
 *   PATCH  /project/auth-methods/{methodId}            project.write
 *   PATCH  /project/services/{serviceId}[/status]      project.write
 *   GET    /project/policies[/{policyId}]              project.policies.read (or policies.read)
 *   PATCH  /project/policies/{password-dictionary, password-history, password-personal-data,
 *          session-alert, session-duration, session-limit, user-limit}
 *                                                      project.policies.write (or policies.write)
 *   GET|POST /project/mock-phones, GET|PUT|DELETE /project/mock-phones/{number}   mocks.read|write
 *
 * and the console paths appwrite-cli 12's `push settings` calls (Appwrite keeps them as aliases of the
 * same routes): `GET|PATCH /projects/{projectId}`, `PATCH /projects/{projectId}/service`,
 * `PATCH /projects/{projectId}/auth/{method | duration | limit | max-sessions | password-dictionary |
 * password-history | personal-data | session-alerts | mock-numbers}`. They answer a console session
 * (`X-Appwrite-Project: console` and the `a_session_console` cookie of `appwrite login`; as in
 * Appwrite, which then acts on the project named in the path) or, like the other routes, the
 * project's own key. The CLI sends format 1.8.0 and its older parameter names (`status`, `service`,
 * `limit`, `alerts`), which the request filters V22/V23 rename before these handlers run
 * (http/platform/formats/request-filters.ts), and reads the Project in format 1.8.0's flat fields.
 */
export function registerProject(app: FastifyInstance, project: Project): void {
  const { settings, consoleAccounts } = project;

  /** The Project model (1.9.5), with the settings older formats read their flat fields from. */
  const modelFor = (current: ProjectSettings = settings.get()) =>
    asModel('project', projectModel(project.projectId, current), current);

  /**
   * Who may read or change the settings. On a console path with the console project: the signed-in
   * console account (else 401, as a console guest lacks the scope), and the path must name this
   * project. Otherwise the caller's scopes, as on every route.
   */
  const allow = (request: FastifyRequest, scopes: string[]) => {
    const { projectId } = (request.params ?? {}) as { projectId?: string };
    if (projectId !== undefined && projectId !== project.projectId) {
      throw new AppwriteError('project_not_found', `This server has no project '${projectId}'.`);
    }
    if (request.projectId === CONSOLE_PROJECT) {
      const value = parseCookies(request.headers.cookie).get(`a_session_${CONSOLE_PROJECT}`);
      if (!value || !consoleAccounts.verify(value)) {
        throw new AppwriteError('general_unauthorized_scope', 'Sign in to the console first.');
      }
      return;
    }
    const [first, ...others] = scopes as [string, ...string[]];
    requireScope(request, first, ...others);
  };
  const consolePath = { config: { console: true } };

  /** The body; an older format's parameter names are already renamed (request filters V22/V23). */
  const params = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  const getProject = async (request: FastifyRequest) => {
    allow(request, ['project.read']);
    return modelFor();
  };
  app.get('/project', getProject);
  app.get('/projects/:projectId', consolePath, getProject);

  app.patch('/projects/:projectId', consolePath, async (request) => {
    allow(request, ['projects.write']);
    const name = requiredString(request.body, 'name', 0, 128);
    return modelFor(
      settings.update((draft) => {
        draft.name = name;
      }),
    );
  });

  const updateAuthMethod = async (request: FastifyRequest) => {
    allow(request, ['project.write']);
    const { methodId } = request.params as { methodId: string };
    if (!isAuthMethod(methodId)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`methodId\` param: must be one of ${AUTH_METHODS.join(', ')}.`,
      );
    }
    const enabled = requiredBoolean(params(request), 'enabled');
    return modelFor(
      settings.update((draft) => {
        draft.authMethods[methodId] = enabled;
      }),
    );
  };
  app.patch(
    '/project/auth-methods/:methodId',
    operation('project.updateAuthMethod'),
    updateAuthMethod,
  );
  app.patch(
    '/projects/:projectId/auth/:methodId',
    operation('project.updateAuthMethod', consolePath),
    updateAuthMethod,
  );

  const updateService = async (request: FastifyRequest) => {
    allow(request, ['project.write']);
    const body = params(request);
    const serviceId = (request.params as { serviceId?: string }).serviceId ?? body.serviceId;
    if (!isOptionalService(serviceId)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`serviceId\` param: must be one of ${OPTIONAL_SERVICES.join(', ')}.`,
      );
    }
    const enabled = requiredBoolean(body, 'enabled');
    return modelFor(
      settings.update((draft) => {
        draft.services[serviceId] = enabled;
      }),
    );
  };
  const serviceOperation = operation('project.updateService');
  app.patch('/project/services/:serviceId', serviceOperation, updateService);
  app.patch('/project/services/:serviceId/status', serviceOperation, updateService);
  app.patch(
    '/projects/:projectId/service',
    operation('project.updateService', consolePath),
    updateService,
  );

  const readPolicies = ['project.policies.read', 'policies.read'];
  const writePolicies = ['project.policies.write', 'policies.write'];

  app.get('/project/policies', async (request) => {
    allow(request, readPolicies);
    const { total, items } = page(
      request,
      POLICY_IDS.map((id) => policyModel(id, settings.get())),
    );
    return { total, policies: items };
  });

  app.get('/project/policies/:policyId', async (request) => {
    allow(request, readPolicies);
    const { policyId } = request.params as { policyId: string };
    if (!(POLICY_IDS as readonly string[]).includes(policyId)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`policyId\` param: must be one of ${POLICY_IDS.join(', ')}.`,
      );
    }
    return policyModel(policyId as PolicyId, settings.get());
  });

  /** A policy route and its console alias: reads the value from the body, stores it, answers the Project. */
  const policy = (
    path: string,
    alias: string,
    method: string,
    read: (body: Record<string, unknown>) => (draft: ProjectSettings) => void,
  ) => {
    const handler = async (request: FastifyRequest) => {
      allow(request, writePolicies);
      return modelFor(settings.update(read(params(request))));
    };
    app.patch(`/project/policies/${path}`, operation(`project.${method}`), handler);
    app.patch(
      `/projects/:projectId/auth/${alias}`,
      operation(`project.${method}`, consolePath),
      handler,
    );
  };

  policy('password-dictionary', 'password-dictionary', 'updatePasswordDictionaryPolicy', (body) => {
    const enabled = requiredBoolean(body, 'enabled');
    return (draft) => {
      draft.policies.passwordDictionary = enabled;
    };
  });
  policy('password-personal-data', 'personal-data', 'updatePasswordPersonalDataPolicy', (body) => {
    const enabled = requiredBoolean(body, 'enabled');
    return (draft) => {
      draft.policies.personalDataCheck = enabled;
    };
  });
  policy('session-alert', 'session-alerts', 'updateSessionAlertPolicy', (body) => {
    const enabled = requiredBoolean(body, 'enabled');
    return (draft) => {
      draft.policies.sessionAlerts = enabled;
    };
  });
  policy('session-duration', 'duration', 'updateSessionDurationPolicy', (body) => {
    const duration = integer(body, 'duration', POLICY_BOUNDS.duration);
    return (draft) => {
      draft.policies.duration = duration;
    };
  });
  policy('password-history', 'password-history', 'updatePasswordHistoryPolicy', (body) => {
    const total = optionalTotal(body);
    return (draft) => {
      draft.policies.passwordHistory = total;
    };
  });
  policy('session-limit', 'max-sessions', 'updateSessionLimitPolicy', (body) => {
    const total = optionalTotal(body);
    return (draft) => {
      draft.policies.sessionLimit = total;
    };
  });
  policy('user-limit', 'limit', 'updateUserLimitPolicy', (body) => {
    const total = optionalTotal(body);
    return (draft) => {
      draft.policies.userLimit = total;
    };
  });

  // The console's older mock-numbers route (app/controllers/api/projects.php, kept for the CLI):
  // the whole list at once, stored as given.
  app.patch('/projects/:projectId/auth/mock-numbers', consolePath, async (request) => {
    allow(request, ['projects.write']);
    const numbers = checkMockNumbers((request.body as { numbers?: unknown })?.numbers, 'numbers');
    return modelFor(
      settings.update((draft) => {
        draft.policies.mockNumbers = numbers;
      }),
    );
  });

  registerMockPhones(app, project);
}

/** `GET|POST /project/mock-phones`, `GET|PUT|DELETE /project/mock-phones/{number}` (SRV …/MockPhone). */
function registerMockPhones(app: FastifyInstance, project: Project): void {
  const { settings } = project;
  const phoneOf = (value: unknown, name: string) => {
    if (typeof value !== 'string' || !MOCK_PHONE.test(value)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`${name}\` param: must be an E.164 phone number such as +15550100.`,
      );
    }
    return value;
  };
  const otpOf = (body: unknown) => {
    const otp = requiredString(body, 'otp', 6, 6);
    if (!/^\d{6}$/.test(otp)) {
      throw new AppwriteError('general_argument_invalid', 'Invalid `otp` param: must be 6 digits.');
    }
    return otp;
  };
  const find = (number: string): MockNumber => {
    const mock = settings.get().policies.mockNumbers.find((m) => m.phone === number);
    if (!mock) throw new AppwriteError('mock_number_not_found', `No mock phone ${number}.`);
    return mock;
  };
  const numberParam = (request: FastifyRequest) =>
    phoneOf((request.params as { number: string }).number, 'number');

  app.get('/project/mock-phones', async (request) => {
    requireScope(request, 'mocks.read');
    const { total, items } = page(request, settings.get().policies.mockNumbers);
    return { total, mockNumbers: items.map(mockNumberModel) };
  });

  app.post('/project/mock-phones', async (request, reply: FastifyReply) => {
    requireScope(request, 'mocks.write');
    const phone = phoneOf((request.body as { number?: unknown })?.number, 'number');
    const otp = otpOf(request.body);
    const mocks = settings.get().policies.mockNumbers;
    if (mocks.length >= POLICY_BOUNDS.total.max) {
      throw new AppwriteError('mock_number_limit_exceeded', 'Too many mock phones.');
    }
    if (mocks.some((m) => m.phone === phone)) {
      throw new AppwriteError('mock_number_already_exists', `Mock phone ${phone} already exists.`);
    }
    const now = isoDate();
    const mock: MockNumber = { phone, otp, $createdAt: now, $updatedAt: now };
    settings.update((draft) => {
      draft.policies.mockNumbers.push(mock);
    });
    return reply.code(201).send(asModel('mockNumber', mockNumberModel(mock)));
  });

  app.get('/project/mock-phones/:number', async (request) => {
    requireScope(request, 'mocks.read');
    return asModel('mockNumber', mockNumberModel(find(numberParam(request))));
  });

  app.put('/project/mock-phones/:number', async (request) => {
    requireScope(request, 'mocks.write');
    const number = numberParam(request);
    const otp = otpOf(request.body);
    find(number);
    const updated = settings.update((draft) => {
      for (const mock of draft.policies.mockNumbers) {
        if (mock.phone === number) Object.assign(mock, { otp, $updatedAt: isoDate() });
      }
    });
    const mock = updated.policies.mockNumbers.find((m) => m.phone === number) as MockNumber;
    return asModel('mockNumber', mockNumberModel(mock));
  });

  app.delete('/project/mock-phones/:number', async (request, reply: FastifyReply) => {
    requireScope(request, 'mocks.write');
    const number = numberParam(request);
    find(number);
    settings.update((draft) => {
      draft.policies.mockNumbers = draft.policies.mockNumbers.filter((m) => m.phone !== number);
    });
    return reply.code(204).send();
  });
}

/**
 * A list route's page: only `limit` and `offset` queries (Appwrite's `Queries([Limit, Offset])`),
 * no limit by default; `total=false` answers a total of 0.
 */
function page<T>(request: FastifyRequest, all: T[]): { total: number; items: T[] } {
  const query = request.query as Record<string, unknown>;
  let offset = 0;
  let limit = all.length;
  for (const q of parseQueries(query.queries)) {
    const value = q.values?.[0];
    if ((q.method !== 'limit' && q.method !== 'offset') || !Number.isInteger(value)) {
      throw new AppwriteError(
        'general_query_invalid',
        'Only limit and offset queries are allowed.',
      );
    }
    if (q.method === 'limit') limit = value as number;
    else offset = value as number;
  }
  const withTotal = query.total !== 'false' && query.total !== false;
  return { total: withTotal ? all.length : 0, items: all.slice(offset, offset + limit) };
}

/** A required integer within bounds. */
function integer(
  body: Record<string, unknown>,
  name: string,
  { min, max }: { min: number; max: number },
) {
  const value = body[name];
  if (value === undefined || value === null) {
    throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
  }
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: must be an integer between ${min} and ${max}.`,
    );
  }
  return value as number;
}

/** `total`: an integer from 1 to 5000, or null for no limit (stored as 0, as Appwrite does). */
function optionalTotal(body: Record<string, unknown>): number {
  if (!('total' in body)) {
    throw new AppwriteError('general_argument_invalid', 'Param "total" is not optional.');
  }
  return body.total === null ? 0 : integer(body, 'total', POLICY_BOUNDS.total);
}
