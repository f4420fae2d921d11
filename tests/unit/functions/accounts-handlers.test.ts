import { AppwriteException } from 'node-appwrite';
import { describe, expect, test } from 'vitest';
import { isDerivedUserId } from '#lib/user-ids.ts';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { register } from '../../../functions/accounts/src/accounts-handlers.ts';
import type { AccountsRepo } from '../../../functions/accounts/src/accounts-repo.ts';
import { Route, routeRequest } from '../../../shared/functions.ts';
import { FakeAccountsRepo, KeyedLimiter } from './accounts-fake-repo.ts';
import { execute } from './fake-runtime.ts';

/**
 * `POST /register` in-process: the password policy field by field, strict input, malformed JSON, a
 * taken email, and the password never in a response or a log.
 */

const SECRET = 'test-secret-'.repeat(4);
const PASSWORD = 'Secr3tPassw0rd';

function handlerFor(repo: AccountsRepo) {
  return createHandler({
    [Route.accounts.register]: register({
      repoFor: () => repo,
      secret: () => SECRET,
      limiterFor: () => new KeyedLimiter(),
    }),
  });
}

function body(fields: Record<string, unknown>): string {
  return JSON.stringify({ email: 'ann@example.com', password: PASSWORD, name: 'Ann', ...fields });
}

interface Scenario {
  name: string;
  body: string;
  /** Seed a user with this email first. */
  taken?: string;
  status: number;
  type?: string;
  fields?: Record<string, string>;
  /** The repository saw no write. */
  noWrites?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'valid registration → 201', body: body({}), status: 201 },
  {
    name: 'email is trimmed and lower-cased → 201',
    body: body({ email: '  Ann@Example.COM ' }),
    status: 201,
  },
  {
    name: 'password too short',
    body: body({ password: 'Ab1' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { password: 'too_small' },
    noWrites: true,
  },
  {
    name: 'password too long',
    body: body({ password: `Ab1${'x'.repeat(200)}` }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { password: 'too_big' },
    noWrites: true,
  },
  {
    name: 'password without an upper-case letter',
    body: body({ password: 'secr3tpassw0rd' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { password: 'password_uppercase' },
    noWrites: true,
  },
  {
    name: 'password without a lower-case letter',
    body: body({ password: 'SECR3TPASSW0RD' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { password: 'password_lowercase' },
    noWrites: true,
  },
  {
    name: 'password without a digit',
    body: body({ password: 'SecretPassword' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { password: 'password_digit' },
    noWrites: true,
  },
  {
    name: 'bad email and blank name',
    body: body({ email: 'not-an-email', name: '   ' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { email: 'invalid_format', name: 'too_small' },
    noWrites: true,
  },
  {
    name: 'an unknown key (userId) is refused',
    body: body({ userId: 'chosen-id' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { userId: 'unrecognized_keys' },
    noWrites: true,
  },
  {
    name: 'empty body names every missing field',
    body: '',
    status: 400,
    type: 'general_argument_invalid',
    fields: { email: 'invalid_type', password: 'invalid_type', name: 'invalid_type' },
    noWrites: true,
  },
  {
    name: 'malformed JSON → 400 general_bad_request',
    body: '{"email":',
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
  {
    name: 'duplicate email → 409 user_already_exists',
    body: body({}),
    taken: 'ann@example.com',
    status: 409,
    type: 'user_already_exists',
  },
];

const NO_LEAK = ['    at ', 'node_modules', 'stack', PASSWORD, SECRET];

describe('accounts POST /register', () => {
  test.each(scenarios)('$name', async (s) => {
    const repo = new FakeAccountsRepo();
    if (s.taken) {
      repo.users.set('seeded', {
        $id: 'seeded',
        email: s.taken,
        name: 'Seeded',
        password: 'x',
      });
    }
    const result = await execute(handlerFor(repo), {
      ...routeRequest(Route.accounts.register),
      body: s.body,
      headers: { 'content-type': 'application/json' },
    });
    expect(result.statusCode, result.text).toBe(s.status);
    const answer = result.json() as Record<string, unknown>;
    if (s.type) expect(answer.type).toBe(s.type);
    if (s.fields) {
      const fields = answer.fields as Record<string, { code: string }>;
      expect(
        Object.fromEntries(Object.entries(fields).map(([path, issue]) => [path, issue.code])),
      ).toEqual(s.fields);
    }
    if (s.status === 201) {
      const id = String(answer.$id);
      expect(isDerivedUserId(SECRET, id)).toBe(true);
      expect(answer).toEqual({ $id: id, email: 'ann@example.com', name: 'Ann' });
      expect(repo.users.get(id)?.password).toBe(PASSWORD);
    }
    const everything = [result.text, ...result.logs, ...result.errors].join('\n');
    for (const text of NO_LEAK) expect(everything).not.toContain(text);
    if (s.noWrites) expect(repo.writes).toEqual([]);
  });

  test('a failing repository → 500 generic; neither the password nor the cause goes out', async () => {
    const repo = new FakeAccountsRepo();
    repo.createUser = async () => {
      throw new Error('upstream exploded');
    };
    const result = await execute(handlerFor(repo), {
      ...routeRequest(Route.accounts.register),
      body: body({}),
    });
    expect(result.statusCode).toBe(500);
    expect(result.text).not.toContain('upstream exploded');
    expect([result.text, ...result.logs, ...result.errors].join('\n')).not.toContain(PASSWORD);
  });
});

describe('accounts POST /register: registrations, limits per address, Appwrite’s password refusals', () => {
  function limitedHandler(repo: AccountsRepo, limiter: KeyedLimiter) {
    return createHandler({
      [Route.accounts.register]: register({
        repoFor: () => repo,
        secret: () => SECRET,
        limiterFor: () => limiter,
      }),
    });
  }
  const from = (ip: string | null, email: string) => ({
    ...routeRequest(Route.accounts.register),
    body: body({ email }),
    headers: {
      'content-type': 'application/json',
      ...(ip === null ? {} : { 'x-appwrite-client-ip': ip }),
    },
  });

  test('the id is recorded in registrations before users.create, for on-user-created to consume', async () => {
    const repo = new FakeAccountsRepo();
    const result = await execute(
      limitedHandler(repo, new KeyedLimiter()),
      from('192.0.2.1', 'a@example.com'),
    );
    expect(result.statusCode, result.text).toBe(201);
    const id = String((result.json() as { $id: string }).$id);
    expect(repo.registrations.get(id)).toEqual({ issuedBy: 'accounts', admin: false });
    expect(repo.writes).toEqual([`issueRegistration ${id}`, `createUser ${id}`]);
  });

  test('a taken email withdraws the registration: no open id is left behind', async () => {
    const repo = new FakeAccountsRepo();
    repo.users.set('seeded', { $id: 'seeded', email: 'a@example.com', name: 'S', password: 'x' });
    const result = await execute(
      limitedHandler(repo, new KeyedLimiter()),
      from('192.0.2.1', 'a@example.com'),
    );
    expect(result.statusCode).toBe(409);
    expect(repo.registrations.size).toBe(0);
  });

  test('at most 5 sign-ups an hour per client address; the 6th is a 429 with retry-after and writes nothing', async () => {
    const repo = new FakeAccountsRepo();
    const limiter = new KeyedLimiter();
    const handler = limitedHandler(repo, limiter);
    for (let i = 0; i < 5; i++) {
      const ok = await execute(handler, from('203.0.113.7', `u${i}@example.com`));
      expect(ok.statusCode, ok.text).toBe(201);
    }
    const writes = repo.writes.length;
    const refused = await execute(handler, from('203.0.113.7', 'u5@example.com'));
    expect(refused.statusCode).toBe(429);
    expect((refused.json() as { type: string }).type).toBe('general_rate_limit_exceeded');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(repo.writes.length).toBe(writes);
    // Another address has its own allowance; callers with no address share one, never unlimited.
    expect((await execute(handler, from('198.51.100.2', 'v@example.com'))).statusCode).toBe(201);
    for (let i = 0; i < 5; i++) await execute(handler, from(null, `n${i}@example.com`));
    expect((await execute(handler, from(null, 'n5@example.com'))).statusCode).toBe(429);
  });

  test.each([
    {
      name: 'personal data (Appwrite’s check) → 400 password_personal_data on the password field',
      refusal: new AppwriteException(
        'The password you are trying to use contains references to your name, email, phone or userID.',
        400,
        'password_personal_data',
      ),
      type: 'password_personal_data',
      fields: { password: 'password_personal_data' },
    },
    {
      name: 'a dictionary word (Appwrite’s password param) → 400 with fields.password',
      refusal: new AppwriteException(
        'Invalid `password` param: Password must be at least 8 characters and should not be one of the commonly used password.',
        400,
        'general_argument_invalid',
      ),
      type: 'general_argument_invalid',
      fields: { password: 'password_rejected' },
    },
    {
      name: 'an email Appwrite refuses → 400 with fields.email',
      refusal: new AppwriteException(
        'Invalid `email` param: Value must be a valid email address',
        400,
        'general_argument_invalid',
      ),
      type: 'general_argument_invalid',
      fields: { email: 'invalid' },
    },
  ])('$name, and the registration is withdrawn', async ({ refusal, type, fields }) => {
    const repo = new FakeAccountsRepo();
    repo.refuseCreate = refusal;
    const result = await execute(
      limitedHandler(repo, new KeyedLimiter()),
      from('192.0.2.9', 'p@example.com'),
    );
    expect(result.statusCode, result.text).toBe(400);
    const answer = result.json() as { type: string; fields: Record<string, { code: string }> };
    expect(answer.type).toBe(type);
    expect(
      Object.fromEntries(Object.entries(answer.fields).map(([key, issue]) => [key, issue.code])),
    ).toEqual(fields);
    expect(repo.registrations.size).toBe(0);
    expect(result.text).not.toContain(PASSWORD);
  });
});

describe('accounts POST /register: the handle', () => {
  const handler = (repo: AccountsRepo) =>
    createHandler({
      [Route.accounts.register]: register({
        repoFor: () => repo,
        secret: () => SECRET,
        limiterFor: () => new KeyedLimiter(),
      }),
    });
  const send = (repo: AccountsRepo, fields: Record<string, unknown>) =>
    execute(handler(repo), {
      ...routeRequest(Route.accounts.register),
      body: body(fields),
      headers: { 'content-type': 'application/json', 'x-appwrite-client-ip': '192.0.2.9' },
    });

  test('a chosen handle goes, lower-cased, into the registration for the gate to give', async () => {
    const repo = new FakeAccountsRepo();
    const result = await send(repo, { handle: ' Ann_L ' });
    expect(result.statusCode, result.text).toBe(201);
    const id = String((result.json() as { $id: string }).$id);
    expect(repo.registrations.get(id)).toEqual({
      issuedBy: 'accounts',
      admin: false,
      handle: 'ann_l',
    });
  });

  test('a taken handle → 400 fields.handle handle_taken, nothing written', async () => {
    const repo = new FakeAccountsRepo();
    repo.handles.add('ann');
    const result = await send(repo, { handle: 'Ann' });
    expect(result.statusCode).toBe(400);
    expect(result.json()).toMatchObject({
      type: 'general_argument_invalid',
      fields: { handle: { code: 'handle_taken' } },
    });
    expect(repo.writes).toEqual([]);
  });

  test.each([
    ['ab', 'too_small'],
    ['a'.repeat(21), 'too_big'],
    ['ann-l', 'invalid_handle'],
    ['@ann', 'invalid_handle'],
  ])('handle %j → 400 fields.handle %s', async (handle, code) => {
    const repo = new FakeAccountsRepo();
    const result = await send(repo, { handle });
    expect(result.statusCode).toBe(400);
    expect(result.json()).toMatchObject({ fields: { handle: { code } } });
    expect(repo.writes).toEqual([]);
  });
});
