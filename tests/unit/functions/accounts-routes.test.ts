import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import {
  completeRecovery,
  deleteAccount,
  register,
} from '../../../functions/accounts/src/accounts-handlers.ts';
import { Route, type RouteKey, routeRequest } from '../../../shared/functions.ts';
import { FakeAccountsRepo, KeyedLimiter } from './accounts-fake-repo.ts';
import { execute } from './fake-runtime.ts';

/**
 * `DELETE /account` and `PUT /recovery` in-process as scenario tables, a permission matrix over all
 * three `accounts` routes (guest, user, other user, admin), and fast-check over each route's body:
 * never a 5xx, no write on a rejected body, a 400 names the field.
 */

const SECRET = 'test-secret-'.repeat(4);
const PASSWORD = 'Secr3tPassw0rd';
const NEW_PASSWORD = 'N3wPassw0rdOk';
const RECOVERY_SECRET = 'recovery-secret-abc';
const IDS = { guest: '', owner: 'owner-1', other: 'other-1', admin: 'admin-1' } as const;
type Who = keyof typeof IDS;

function world(): FakeAccountsRepo {
  const repo = new FakeAccountsRepo();
  for (const id of [IDS.owner, IDS.other, IDS.admin]) {
    repo.users.set(id, { $id: id, email: `${id}@example.com`, name: id, password: PASSWORD });
  }
  repo.recoveries.set(IDS.owner, RECOVERY_SECRET);
  return repo;
}

function handlerFor(repo: FakeAccountsRepo) {
  const limiter = new KeyedLimiter();
  const deps = { repoFor: () => repo, secret: () => SECRET, limiterFor: () => limiter };
  return createHandler({
    [Route.accounts.register]: register(deps),
    [Route.accounts.deleteAccount]: deleteAccount(deps),
    [Route.accounts.completeRecovery]: completeRecovery(deps),
  });
}

async function call(repo: FakeAccountsRepo, who: Who, route: RouteKey, body = '') {
  const result = await execute(handlerFor(repo), {
    ...routeRequest(route),
    body,
    headers: { 'x-appwrite-user-id': IDS[who], 'content-type': 'application/json' },
  });
  return {
    ...result,
    body: (result.text === '' ? {} : result.json()) as Record<string, unknown>,
    everything: [result.text, ...result.logs, ...result.errors].join('\n'),
  };
}

const recovery = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    userId: IDS.owner,
    secret: RECOVERY_SECRET,
    password: NEW_PASSWORD,
    ...fields,
  });

interface Scenario {
  name: string;
  who: Who;
  route: RouteKey;
  body?: string;
  status: number;
  type?: string;
  fields?: Record<string, string>;
  noWrites?: boolean;
  after?: (repo: FakeAccountsRepo) => void;
}

const scenarios: Scenario[] = [
  // DELETE /account
  {
    name: 'guest cannot delete an account → 401',
    who: 'guest',
    route: Route.accounts.deleteAccount,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  ...(['owner', 'other', 'admin'] as const).map(
    (who): Scenario => ({
      name: `${who} deletes their own account → 204; nobody else's`,
      who,
      route: Route.accounts.deleteAccount,
      status: 204,
      after: (repo) => {
        expect(repo.writes).toEqual([`deleteUser ${IDS[who]}`]);
        expect(repo.users.has(IDS[who])).toBe(false);
        expect(repo.users.size).toBe(2);
      },
    }),
  ),
  {
    name: 'naming another user in the body is refused → 400, nothing deleted',
    who: 'admin',
    route: Route.accounts.deleteAccount,
    body: JSON.stringify({ userId: IDS.owner }),
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
  {
    name: 'an account already gone is still done → 204',
    who: 'owner',
    route: Route.accounts.deleteAccount,
    body: '{}',
    status: 204,
    after: (repo) => expect(repo.users.has(IDS.owner)).toBe(false),
  },
  // PUT /recovery
  ...(['guest', 'other', 'admin'] as const).map(
    (who): Scenario => ({
      name: `${who} with the link's secret and a strong password → 204`,
      who,
      route: Route.accounts.completeRecovery,
      body: recovery(),
      status: 204,
      after: (repo) => expect(repo.users.get(IDS.owner)?.password).toBe(NEW_PASSWORD),
    }),
  ),
  {
    name: 'passwordAgain that matches → 204',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: recovery({ passwordAgain: NEW_PASSWORD }),
    status: 204,
  },
  {
    name: 'a weak password → 400 fields.password, Appwrite not asked',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: recovery({ password: 'password1' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { password: 'password_uppercase' },
    noWrites: true,
    after: (repo) => expect(repo.recoveries.get(IDS.owner)).toBe(RECOVERY_SECRET),
  },
  {
    name: 'passwords that differ → 400 fields.passwordAgain',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: recovery({ passwordAgain: 'Other1Password' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { passwordAgain: 'password_mismatch' },
    noWrites: true,
  },
  {
    name: 'a wrong secret → Appwrite’s 401 user_invalid_token in our shape',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: recovery({ secret: 'wrong' }),
    status: 401,
    type: 'user_invalid_token',
    noWrites: true,
  },
  {
    name: 'an unknown user id answers like a wrong secret (no user enumeration)',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: recovery({ userId: 'nobody' }),
    status: 401,
    type: 'user_invalid_token',
    noWrites: true,
  },
  {
    name: 'missing secret and a forged user id → 400 naming both',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: JSON.stringify({ userId: '../x', password: NEW_PASSWORD }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { userId: 'invalid_id', secret: 'invalid_type' },
    noWrites: true,
  },
  {
    name: 'an extra key → 400 unrecognized_keys',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: recovery({ email: 'x@example.com' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { email: 'unrecognized_keys' },
    noWrites: true,
  },
  {
    name: 'malformed JSON → 400 general_bad_request',
    who: 'guest',
    route: Route.accounts.completeRecovery,
    body: '{"userId":',
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
];

describe('accounts DELETE /account and PUT /recovery in-process', () => {
  test.each(scenarios)('$name', async (s) => {
    const repo = world();
    if (s.name.startsWith('an account already gone')) repo.users.delete(IDS.owner);
    const result = await call(repo, s.who, s.route, s.body ?? '');
    expect(result.statusCode, result.text).toBe(s.status);
    if (s.type) expect(result.body.type).toBe(s.type);
    if (s.fields) {
      const fields = result.body.fields as Record<string, { code: string }>;
      expect(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.code]))).toEqual(
        s.fields,
      );
    } else {
      expect(result.body.fields).toBeUndefined();
    }
    for (const text of ['    at ', 'stack', NEW_PASSWORD, RECOVERY_SECRET, SECRET]) {
      expect(result.everything).not.toContain(text);
    }
    if (s.noWrites) expect(repo.writes).toEqual([]);
    s.after?.(repo);
  });

  test('a used secret cannot be used twice → 401', async () => {
    const repo = world();
    expect(
      (await call(repo, 'guest', Route.accounts.completeRecovery, recovery())).statusCode,
    ).toBe(204);
    const again = await call(
      repo,
      'guest',
      Route.accounts.completeRecovery,
      recovery({ password: 'Th1rdPassword' }),
    );
    expect([again.statusCode, again.body.type]).toEqual([401, 'user_invalid_token']);
    expect(repo.users.get(IDS.owner)?.password).toBe(NEW_PASSWORD);
  });

  test('an unexpected failure of Appwrite → 500 generic, no secret or password out', async () => {
    const repo = world();
    repo.completeRecovery = async () => {
      throw new Error(`socket closed while sending ${NEW_PASSWORD}`);
    };
    const result = await call(repo, 'guest', Route.accounts.completeRecovery, recovery());
    expect([result.statusCode, result.body.type]).toEqual([500, 'general_server_error']);
    expect(result.text).not.toContain(NEW_PASSWORD);
  });
});

describe('permission matrix: who may call which accounts route', () => {
  const registration = JSON.stringify({
    email: 'new@example.com',
    password: PASSWORD,
    name: 'New',
  });
  const matrix: { route: RouteKey; body: () => string; expected: Record<Who, number> }[] = [
    {
      route: Route.accounts.register,
      body: () => registration,
      expected: { guest: 201, owner: 201, other: 201, admin: 201 },
    },
    {
      route: Route.accounts.deleteAccount,
      body: () => '',
      expected: { guest: 401, owner: 204, other: 204, admin: 204 },
    },
    {
      // The secret is the authority, not the caller: anyone holding the link may finish it.
      route: Route.accounts.completeRecovery,
      body: () => recovery(),
      expected: { guest: 204, owner: 204, other: 204, admin: 204 },
    },
  ];
  for (const { route, body, expected } of matrix) {
    test.each(Object.keys(expected) as Who[])(`${route} as %s`, async (who) => {
      const result = await call(world(), who, route, body());
      expect(result.statusCode, result.text).toBe(expected[who]);
    });
  }
});

function parsedObject(body: string): object {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

describe('fast-check: any body', () => {
  const routes: { route: RouteKey; keys: readonly string[] }[] = [
    { route: Route.accounts.register, keys: ['email', 'password', 'name'] },
    {
      route: Route.accounts.completeRecovery,
      keys: ['userId', 'secret', 'password', 'passwordAgain'],
    },
    { route: Route.accounts.deleteAccount, keys: [] },
  ];
  const bodies = (keys: readonly string[]) =>
    fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .dictionary(fc.constantFrom(...keys, 'extra'), fc.jsonValue(), { maxKeys: 4 })
        .map((o) => JSON.stringify(o)),
      fc
        .record(Object.fromEntries(keys.map((k) => [k, fc.string({ maxLength: 40 })])))
        .map((o) => JSON.stringify(o)),
    );

  test.each(routes)(
    '$route: no 5xx; a refusal writes nothing; a 400 names the field',
    async ({ route, keys }) => {
      await fc.assert(
        fc.asyncProperty(bodies(keys), async (body) => {
          const repo = world();
          // A guest for the public routes, the owner for the one that needs a session.
          const who = route === Route.accounts.deleteAccount ? 'owner' : 'guest';
          const result = await call(repo, who, route, body);
          expect(result.statusCode, result.text).toBeLessThan(500);
          if (result.statusCode >= 400) expect(repo.writes).toEqual([]);
          if (result.body.type === 'general_argument_invalid') {
            const allowed = ['', ...keys, ...Object.keys(parsedObject(body))];
            const named = Object.keys(result.body.fields as object);
            expect(named.length).toBeGreaterThan(0);
            for (const name of named) {
              const known = allowed.some((key) => name === key || name.startsWith(`${key}.`));
              expect(known, `${name} in ${body}`).toBe(true);
            }
          }
        }),
        { numRuns: 200 },
      );
    },
  );
});
