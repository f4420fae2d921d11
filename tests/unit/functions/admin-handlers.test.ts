import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isDerivedUserId } from '#lib/user-ids.ts';
import { AppError } from '../../../functions/_lib/app-error.ts';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import {
  type AdminDeps,
  createUser,
  EXPORT_NOT_STARTED,
  listUsers,
  queryObject,
  removeUser,
  setAdmin,
  setBlocked,
  startExport,
} from '../../../functions/admin/src/admin-handlers.ts';
import { Route, type RouteKey, routeRequest } from '../../../shared/functions.ts';
import { FakeAdminRepo } from './admin-fake-repo.ts';
import { execute } from './fake-runtime.ts';

/**
 * Every `admin` route as a table of scenarios, in-process: who asks (guest, a user, the admin on
 * themself, another admin, the target user), what they send, and what must follow — the status, the
 * error type and `fields`, and the fake repository afterwards. Then fast-check over each route's
 * input: never a 5xx, never a write on a rejected input, and `fields` names the field at fault.
 */

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const IDS = {
  guest: '',
  user: 'user-1',
  target: 'target-1',
  admin: 'admin-1',
  otherAdmin: 'admin-2',
  /** Carried `label:admin` when Appwrite admitted the execution; revoked since. */
  stale: 'stale-1',
  blockedAdmin: 'admin-blocked',
  /** Carries `label:admin` but was never vetted by the sign-up gate (no `member` label). */
  unvettedAdmin: 'admin-unvetted',
} as const;
type Who = keyof typeof IDS;

function world(): FakeAdminRepo {
  const repo = new FakeAdminRepo();
  repo.addUser(IDS.user, { name: 'Plain User' });
  repo.addUser(IDS.target, { name: 'Target Person', labels: ['beta'] });
  repo.addUser(IDS.admin, { labels: ['member', 'admin'] });
  repo.addUser(IDS.otherAdmin, { labels: ['member', 'admin', 'beta'] });
  repo.addUser(IDS.stale, { labels: ['member'] });
  repo.addUser(IDS.blockedAdmin, { labels: ['member', 'admin'], status: false });
  repo.addUser(IDS.unvettedAdmin, { labels: ['admin'] });
  return repo;
}

interface Limiter {
  calls: string[];
  refuse: boolean;
}

function handlerFor(repo: FakeAdminRepo, limiter: Limiter = { calls: [], refuse: false }) {
  const deps: AdminDeps = {
    repoFor: () => repo,
    secret: () => SECRET,
    exportLimit: async (_req, userId) => {
      limiter.calls.push(userId);
      if (limiter.refuse) {
        throw new AppError('general_rate_limit_exceeded', 'Too many exports. Try again in 60 s.');
      }
    },
  };
  return createHandler({
    [Route.admin.listUsers]: listUsers(deps),
    [Route.admin.createUser]: createUser(deps),
    [Route.admin.removeUser]: removeUser(deps),
    [Route.admin.setAdmin]: setAdmin(deps),
    [Route.admin.setBlocked]: setBlocked(deps),
    [Route.admin.startExport]: startExport(deps),
  });
}

interface Request {
  method: string;
  path: string;
  body?: string;
}

async function run(repo: FakeAdminRepo, who: Who, request: Request, limiter?: Limiter) {
  const result = await execute(handlerFor(repo, limiter), {
    method: request.method,
    path: request.path,
    body: request.body ?? '',
    headers: { 'x-appwrite-user-id': IDS[who], 'content-type': 'application/json' },
  });
  const body = (result.text === '' ? {} : result.json()) as Record<string, unknown>;
  return { ...result, body };
}

function codes(body: Record<string, unknown>): Record<string, string> | undefined {
  const fields = body.fields as Record<string, { code: string }> | undefined;
  if (!fields) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value.code]));
}

function at(route: RouteKey, userId: string = IDS.target): Request {
  return routeRequest(route, { userId });
}

const NEW_USER = '{"email":"New@Example.com","password":"Passw0rdOK","name":"New Person"}';
const NO_LEAK = ['    at ', 'node_modules', 'Passw0rdOK', 'passwordHash'];

interface Scenario {
  name: string;
  who: Who;
  request: Request;
  status: number;
  type?: string;
  fields?: Record<string, string>;
  noWrites?: boolean;
  after?: (repo: FakeAdminRepo, body: Record<string, unknown>) => void;
}

/** Every route refuses everyone but a current, unblocked admin, before reading the input. */
const NOT_ADMINS: Who[] = ['guest', 'user', 'target', 'stale', 'blockedAdmin', 'unvettedAdmin'];
const ROUTE_SAMPLES: [string, Request][] = [
  ['list', { method: 'GET', path: '/users' }],
  ['create', { ...routeRequest(Route.admin.createUser), body: NEW_USER }],
  ['delete', at(Route.admin.removeUser)],
  ['grant', { ...at(Route.admin.setAdmin), body: '{"admin":true}' }],
  ['block', { ...at(Route.admin.setBlocked), body: '{"blocked":true}' }],
  ['export', { ...routeRequest(Route.admin.startExport), body: '{}' }],
];

const refusals: Scenario[] = NOT_ADMINS.flatMap((who) =>
  ROUTE_SAMPLES.map(([what, request]) => ({
    name: `${who} cannot ${what} → 401`,
    who,
    request,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  })),
);

const scenarios: Scenario[] = [
  ...refusals,
  // list
  {
    name: 'admin lists users → a page with nextCursor, no secrets',
    who: 'admin',
    request: { method: 'GET', path: '/users?limit=2' },
    status: 200,
    after: (_, body) => {
      const users = body.users as { $id: string }[];
      expect(users.map((u) => u.$id)).toEqual([IDS.user, IDS.target]);
      expect(body.nextCursor).toBe(IDS.target);
      expect(Object.keys(users[0] ?? {}).sort()).toEqual(
        [
          '$createdAt',
          '$id',
          'admin',
          'email',
          'emailVerification',
          'labels',
          'name',
          'status',
        ].sort(),
      );
    },
  },
  {
    name: 'the cursor pages on; the last page has nextCursor null',
    who: 'admin',
    request: { method: 'GET', path: `/users?limit=6&cursor=${IDS.target}` },
    status: 200,
    after: (_, body) => {
      expect((body.users as { $id: string }[]).map((u) => u.$id)).toEqual([
        IDS.admin,
        IDS.otherAdmin,
        IDS.stale,
        IDS.blockedAdmin,
        IDS.unvettedAdmin,
      ]);
      expect(body.nextCursor).toBeNull();
    },
  },
  {
    name: 'search (URL-encoded) filters',
    who: 'admin',
    request: { method: 'GET', path: '/users?search=Target%20Person' },
    status: 200,
    after: (_, body) =>
      expect((body.users as { $id: string }[]).map((u) => u.$id)).toEqual([IDS.target]),
  },
  {
    name: 'limit over 100 → 400 fields.limit',
    who: 'admin',
    request: { method: 'GET', path: '/users?limit=101' },
    status: 400,
    type: 'general_argument_invalid',
    fields: { limit: 'too_big' },
  },
  {
    name: 'an unknown query key → 400 naming it',
    who: 'admin',
    request: { method: 'GET', path: '/users?offset=5' },
    status: 400,
    fields: { offset: 'unrecognized_keys' },
  },
  {
    name: 'a cursor naming no user → 400 fields.cursor',
    who: 'admin',
    request: { method: 'GET', path: '/users?cursor=nobody' },
    status: 400,
    fields: { cursor: 'cursor_not_found' },
  },
  {
    name: 'a forged cursor → 400 fields.cursor before any call',
    who: 'admin',
    request: { method: 'GET', path: '/users?cursor=..%2F..%2Fetc' },
    status: 400,
    fields: { cursor: 'invalid_id' },
  },
  {
    name: 'a key given twice → 400 naming it',
    who: 'admin',
    request: { method: 'GET', path: '/users?limit=1&limit=2' },
    status: 400,
    fields: { limit: 'duplicate_key' },
  },
  // create
  {
    name: 'admin creates a user → 201 with a derived id, the email lower-cased, no password out',
    who: 'admin',
    request: { ...routeRequest(Route.admin.createUser), body: NEW_USER },
    status: 201,
    after: (repo, body) => {
      expect(body).toMatchObject({ email: 'new@example.com', name: 'New Person', admin: false });
      const id = String(body.$id);
      expect(isDerivedUserId(SECRET, id)).toBe(true);
      expect(repo.passwords.get(id)).toBe('Passw0rdOK');
      // Recorded before the create, for on-user-created to vet; the gate writes the labels.
      expect(repo.registrations.get(id)).toEqual({ issuedBy: 'admin', admin: false });
      expect(repo.writes.slice(0, 2)).toEqual([`issueRegistration ${id}`, `createUser ${id}`]);
      expect(repo.writes.some((write) => write.startsWith('setLabels'))).toBe(false);
    },
  },
  {
    name: 'admin creates an admin → asked for in the registration, for the gate to grant',
    who: 'admin',
    request: {
      ...routeRequest(Route.admin.createUser),
      body: '{"email":"boss@example.com","password":"Passw0rdOK","name":"Boss","admin":true}',
    },
    status: 201,
    after: (repo, body) => {
      expect(body).toMatchObject({ admin: true, labels: ['member', 'admin'] });
      expect(repo.registrations.get(String(body.$id))).toEqual({ issuedBy: 'admin', admin: true });
      expect(repo.writes.some((write) => write.startsWith('setLabels'))).toBe(false);
    },
  },
  {
    name: 'a weak password → 400 naming the rule, nothing made',
    who: 'admin',
    request: {
      ...routeRequest(Route.admin.createUser),
      body: '{"email":"a@example.com","password":"password1","name":"A"}',
    },
    status: 400,
    fields: { password: 'password_uppercase' },
    noWrites: true,
  },
  {
    name: 'a taken email → 409 user_already_exists',
    who: 'admin',
    request: {
      ...routeRequest(Route.admin.createUser),
      body: '{"email":"USER-1@example.com","password":"Passw0rdOK","name":"Dup"}',
    },
    status: 409,
    type: 'user_already_exists',
    after: (repo) => expect(repo.registrations.size).toBe(0),
  },
  {
    name: 'a chosen userId in the body is refused',
    who: 'admin',
    request: {
      ...routeRequest(Route.admin.createUser),
      body: '{"userId":"mine","email":"a@example.com","password":"Passw0rdOK","name":"A"}',
    },
    status: 400,
    fields: { userId: 'unrecognized_keys' },
    noWrites: true,
  },
  // delete
  {
    name: 'admin deletes a user → 204',
    who: 'admin',
    request: at(Route.admin.removeUser),
    status: 204,
    after: (repo) => expect(repo.users.has(IDS.target)).toBe(false),
  },
  {
    name: 'admin deletes another admin → 204',
    who: 'admin',
    request: at(Route.admin.removeUser, IDS.otherAdmin),
    status: 204,
  },
  {
    name: 'admin cannot delete themself → 400 fields.userId',
    who: 'admin',
    request: at(Route.admin.removeUser, IDS.admin),
    status: 400,
    fields: { userId: 'self_not_allowed' },
    noWrites: true,
  },
  {
    name: 'delete a missing user → 404 user_not_found',
    who: 'admin',
    request: at(Route.admin.removeUser, 'nobody'),
    status: 404,
    type: 'user_not_found',
  },
  {
    name: 'delete with a forged id → 400 fields.userId, no call',
    who: 'admin',
    request: { method: 'DELETE', path: '/users/%2E%2E' },
    status: 400,
    fields: { userId: 'invalid_id' },
    noWrites: true,
  },
  {
    name: 'delete with a body → 400',
    who: 'admin',
    request: { ...at(Route.admin.removeUser), body: '{"force":true}' },
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
  // grant / revoke
  {
    name: 'grant admin keeps the other labels',
    who: 'admin',
    request: { ...at(Route.admin.setAdmin), body: '{"admin":true}' },
    status: 200,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.target, admin: true });
      expect(repo.users.get(IDS.target)?.labels).toEqual(['beta', 'admin']);
    },
  },
  {
    name: 'revoke admin keeps the other labels',
    who: 'admin',
    request: { ...at(Route.admin.setAdmin, IDS.otherAdmin), body: '{"admin":false}' },
    status: 200,
    after: (repo) => expect(repo.users.get(IDS.otherAdmin)?.labels).toEqual(['member', 'beta']),
  },
  {
    name: 'granting an admin again writes nothing',
    who: 'admin',
    request: { ...at(Route.admin.setAdmin, IDS.otherAdmin), body: '{"admin":true}' },
    status: 200,
    noWrites: true,
  },
  {
    name: 'an admin cannot revoke their own role → 400 fields.userId',
    who: 'admin',
    request: { ...at(Route.admin.setAdmin, IDS.admin), body: '{"admin":false}' },
    status: 400,
    fields: { userId: 'self_not_allowed' },
    noWrites: true,
  },
  {
    name: 'admin as a string → 400 fields.admin',
    who: 'admin',
    request: { ...at(Route.admin.setAdmin), body: '{"admin":"yes"}' },
    status: 400,
    fields: { admin: 'invalid_type' },
    noWrites: true,
  },
  {
    name: 'grant on a missing user → 404',
    who: 'admin',
    request: { ...at(Route.admin.setAdmin, 'nobody'), body: '{"admin":true}' },
    status: 404,
    type: 'user_not_found',
    noWrites: true,
  },
  // block
  {
    name: 'admin blocks a user → status false',
    who: 'admin',
    request: { ...at(Route.admin.setBlocked), body: '{"blocked":true}' },
    status: 200,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.target, status: false });
      expect(repo.users.get(IDS.target)?.status).toBe(false);
    },
  },
  {
    name: 'admin unblocks a blocked admin',
    who: 'admin',
    request: { ...at(Route.admin.setBlocked, IDS.blockedAdmin), body: '{"blocked":false}' },
    status: 200,
    after: (repo) => expect(repo.users.get(IDS.blockedAdmin)?.status).toBe(true),
  },
  {
    name: 'an admin cannot block themself → 400 fields.userId',
    who: 'admin',
    request: { ...at(Route.admin.setBlocked, IDS.admin), body: '{"blocked":true}' },
    status: 400,
    fields: { userId: 'self_not_allowed' },
    noWrites: true,
  },
  {
    name: 'block without a body → 400 fields.blocked',
    who: 'admin',
    request: at(Route.admin.setBlocked),
    status: 400,
    fields: { blocked: 'invalid_type' },
    noWrites: true,
  },
  {
    name: 'block a missing user → 404',
    who: 'admin',
    request: { ...at(Route.admin.setBlocked, 'nobody'), body: '{"blocked":true}' },
    status: 404,
    type: 'user_not_found',
  },
  // export
  {
    name: 'admin starts an export → 202 {jobId}; a queued job only they read; the execution started',
    who: 'admin',
    request: { ...routeRequest(Route.admin.startExport), body: '{"search":" ann "}' },
    status: 202,
    after: (repo, body) => {
      const jobId = String(body.jobId);
      expect(body).toEqual({ jobId });
      expect(repo.jobs.get(jobId)).toEqual({
        readerId: IDS.admin,
        fields: expect.objectContaining({
          kind: 'export-users',
          status: 'queued',
          requestedBy: IDS.admin,
          search: 'ann',
          progress: 0,
          processed: 0,
        }),
      });
      expect(repo.started).toEqual([jobId]);
    },
  },
  {
    name: 'an empty search exports everyone (search null)',
    who: 'admin',
    request: { ...routeRequest(Route.admin.startExport), body: '{"search":"  "}' },
    status: 202,
    after: (repo, body) => expect(repo.jobs.get(String(body.jobId))?.fields.search).toBeNull(),
  },
  {
    name: 'an unknown export option → 400, no job',
    who: 'admin',
    request: { ...routeRequest(Route.admin.startExport), body: '{"format":"xlsx"}' },
    status: 400,
    fields: { format: 'unrecognized_keys' },
    noWrites: true,
  },
];

describe('admin routes in-process', () => {
  test.each(scenarios)('$name', async (s) => {
    const repo = world();
    const result = await run(repo, s.who, s.request);
    expect(result.statusCode, result.text).toBe(s.status);
    if (s.type) expect(result.body.type).toBe(s.type);
    if (s.fields) expect(codes(result.body)).toEqual(s.fields);
    else expect(result.body.fields).toBeUndefined();
    for (const text of NO_LEAK) expect(result.text).not.toContain(text);
    if (s.noWrites) expect(repo.writes).toEqual([]);
    s.after?.(repo, result.body);
  });

  test('the export rate limit is asked per admin; a refusal is a 429 and no job', async () => {
    const repo = world();
    const limiter = { calls: [] as string[], refuse: true };
    const request = { ...routeRequest(Route.admin.startExport), body: '{}' };
    const refused = await run(repo, 'admin', request, limiter);
    expect([refused.statusCode, refused.body.type]).toEqual([429, 'general_rate_limit_exceeded']);
    expect(limiter.calls).toEqual([IDS.admin]);
    expect(repo.writes).toEqual([]);
  });

  test('an execution that cannot start fails its job with a plain reason → 500, no detail out', async () => {
    const repo = world();
    repo.startFailure = new Error('executions.write missing at 10.0.0.5');
    const result = await run(repo, 'admin', {
      ...routeRequest(Route.admin.startExport),
      body: '{}',
    });
    expect(result.statusCode).toBe(500);
    expect(result.text).not.toContain('10.0.0.5');
    const [job] = [...repo.jobs.values()];
    expect(job?.fields).toMatchObject({ status: 'failed', error: EXPORT_NOT_STARTED });
  });

  test('queryObject decodes values and keeps `=` inside them', () => {
    expect(queryObject('search=a%3Db+c&limit=5')).toEqual({ search: 'a=b c', limit: '5' });
    expect(queryObject('')).toEqual({});
  });
});

/** Each route's valid input, and for each field values that must be refused. */
interface InputCase {
  request: (body: string) => Request;
  valid: Record<string, unknown>;
  bad: Record<string, fc.Arbitrary<unknown>>;
}

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()));
const notBoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant([]));

const INPUTS: Record<string, InputCase> = {
  create: {
    request: (body) => ({ ...routeRequest(Route.admin.createUser), body }),
    valid: { email: 'fuzz@example.com', password: 'Passw0rdOK', name: 'Fuzz' },
    bad: {
      email: fc.oneof(
        notString,
        fc.string().filter((s) => !s.includes('@')),
      ),
      password: fc.oneof(
        notString,
        fc.string({ maxLength: 7 }),
        fc.stringMatching(/^[a-z0-9]{8,20}$/),
        fc.string({ minLength: 129, maxLength: 200 }),
      ),
      name: fc.oneof(notString, fc.constantFrom('', '   '), fc.string({ minLength: 129 })),
      admin: notBoolean,
    },
  },
  grant: {
    request: (body) => ({ ...at(Route.admin.setAdmin), body }),
    valid: { admin: true },
    bad: { admin: notBoolean },
  },
  block: {
    request: (body) => ({ ...at(Route.admin.setBlocked), body }),
    valid: { blocked: true },
    bad: { blocked: notBoolean },
  },
  export: {
    request: (body) => ({ ...routeRequest(Route.admin.startExport), body }),
    valid: { search: 'ann' },
    bad: {
      search: fc.oneof(
        notString,
        fc.string({ minLength: 129, maxLength: 300 }).filter((s) => s.trim().length > 128),
      ),
    },
  },
};

describe('admin routes under fast-check', () => {
  for (const [name, input] of Object.entries(INPUTS)) {
    test(`${name}: one bad field → 400 naming it, nothing written`, async () => {
      const field = fc.constantFrom(...Object.keys(input.bad));
      await fc.assert(
        fc.asyncProperty(
          field.chain((key) => fc.tuple(fc.constant(key), input.bad[key] as fc.Arbitrary<unknown>)),
          async ([key, value]) => {
            const repo = world();
            const body = JSON.stringify({ ...input.valid, [key]: value });
            const result = await run(repo, 'admin', input.request(body));
            expect(result.statusCode, result.text).toBe(400);
            expect(Object.keys((result.body.fields ?? {}) as object)).toContain(key);
            expect(repo.writes).toEqual([]);
          },
        ),
        { numRuns: 60 },
      );
    });

    test(`${name}: any body → never a 5xx; a refusal writes nothing`, async () => {
      const body = fc.oneof(
        fc.json(),
        fc.string(),
        fc
          .dictionary(fc.constantFrom(...Object.keys(input.bad), 'x', '__proto__'), fc.jsonValue())
          .map((value) => JSON.stringify(value)),
      );
      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          const repo = world();
          const result = await run(repo, 'admin', input.request(text));
          expect(result.statusCode, result.text).toBeLessThan(500);
          if (result.statusCode >= 400) expect(repo.writes).toEqual([]);
          if (result.body.type === 'general_argument_invalid') {
            expect(Object.keys((result.body.fields ?? {}) as object).length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 80 },
      );
    });
  }

  test('list: any query string → never a 5xx; a 400 names a field', async () => {
    const pair = fc.tuple(
      fc.constantFrom('search', 'cursor', 'limit', 'offset', '%zz', ''),
      fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('%', '%E0%A4%A', 'user-1')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 4 }), async (pairs) => {
        const repo = world();
        const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        const result = await run(repo, 'admin', { method: 'GET', path: `/users?${query}` });
        expect(result.statusCode, result.text).toBeLessThan(500);
        if (result.statusCode === 400) {
          expect(Object.keys((result.body.fields ?? {}) as object).length).toBeGreaterThan(0);
        }
        expect(repo.writes).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  test('delete / grant / block: any path id → never a 5xx; a refused one writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 50 }),
        fc.constantFrom(Route.admin.removeUser, Route.admin.setAdmin, Route.admin.setBlocked),
        async (userId, route) => {
          const repo = world();
          const body = {
            [Route.admin.removeUser]: '',
            [Route.admin.setAdmin]: '{"admin":true}',
            [Route.admin.setBlocked]: '{"blocked":true}',
          }[route];
          const request = { ...routeRequest(route, { userId }), body };
          const result = await run(repo, 'admin', request);
          expect(result.statusCode, result.text).toBeLessThan(500);
          if (result.statusCode === 400) expect(repo.writes).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
