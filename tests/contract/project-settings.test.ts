import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Account, AppwriteException, Client, ID, Project, Storage, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applySettingsConfig } from '../../emulator/core/project/config.ts';
import { applyProjectFile } from '../../emulator/project-file.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Project settings on the local Appwrite, with Agora's own appwrite.json `settings` applied at start:
 * what they refuse (an auth method that is off → 501, a service that is off → 403, a common password
 * → 400), who is exempt (API keys), and the two ways to read and change them — node-appwrite's
 * `Project` service with a key, and the console paths appwrite-cli 12 calls.
 */

const REPO = JSON.parse(readFileSync(resolve('appwrite.json'), 'utf8'));

let server: LocalServer;
let admin: Client;
let project: Project;

function guest(): Client {
  return new Client().setEndpoint(server.endpoint).setProject(server.projectId);
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return { code: error.code, type: error.type };
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A user with a password, signed in the SSR way; answers the user's own client. */
async function signedIn(email: string, password = 'a-long-unusual-phrase') {
  await new Users(admin).create({ userId: ID.unique(), email, password });
  const session = await new Account(admin).createEmailPasswordSession({ email, password });
  return guest().setSession(session.secret);
}

/** The console cookie `appwrite login` gets (X-Appwrite-Project: console). */
async function consoleCookie(): Promise<string> {
  const { CONSOLE_EMAIL } = await import('../../emulator/core/identity/console-account.ts');
  await server.app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, 'console-password-1');
  const login = await call(server, 'POST', '/account/sessions/email', {
    headers: { 'x-appwrite-project': 'console' },
    body: { email: CONSOLE_EMAIL, password: 'console-password-1' },
  });
  expect(login.status).toBe(201);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('a_session_console='));
  return String(cookie).split(';')[0] as string;
}

beforeAll(async () => {
  server = await startLocalServer('agora');
  await applyProjectFile(server.app.emulator, {
    path: 'appwrite.json',
    projectId: 'agora',
    settings: REPO.settings,
  });
  admin = guest().setKey(server.apiKey);
  project = new Project(admin);
});
afterAll(() => server.close());

describe("Agora's appwrite.json settings, applied at start", () => {
  test('a guest cannot start an anonymous session: 501 user_auth_method_unsupported, no user made', async () => {
    const before = (await new Users(admin).list()).total;
    const response = await call(server, 'POST', '/account/sessions/anonymous');
    expect(response.status).toBe(501);
    expect(response.json).toMatchObject({ code: 501, type: 'user_auth_method_unsupported' });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await failure(new Account(guest()).createAnonymousSession())).toEqual({
      code: 501,
      type: 'user_auth_method_unsupported',
    });
    expect((await new Users(admin).list()).total).toBe(before);
  });

  test('an API key is exempt, as in Appwrite: its anonymous session is made', async () => {
    const session = await new Account(admin).createAnonymousSession();
    expect(session.provider).toBe('anonymous');
  });

  test('email and password sign-up and sign-in stay on; so do JWTs', async () => {
    const user = await new Account(guest()).create({
      userId: ID.unique(),
      email: 'new@example.com',
      password: 'a-long-unusual-phrase',
    });
    expect(user.email).toBe('new@example.com');
    const me = await signedIn('jwt@example.com');
    expect((await new Account(me).createJWT()).jwt).toMatch(/\./);
  });

  test('the Project model reports them', async () => {
    const model = await project.get();
    expect(model.$id).toBe('agora');
    const methods = Object.fromEntries(model.authMethods.map((m) => [m.$id, m.enabled]));
    expect(methods).toEqual({
      'email-password': true,
      'magic-url': false,
      'email-otp': false,
      anonymous: false,
      invites: false,
      jwt: true,
      phone: false,
    });
    const services = Object.fromEntries(model.services.map((s) => [s.$id, s.enabled]));
    for (const [id, on] of Object.entries(REPO.settings.services)) expect(services[id]).toBe(on);
    expect(services.tablesdb).toBe(true);
    const policies = Object.fromEntries(
      (await project.listPolicies()).policies.map((p) => [p.$id, p]),
    );
    const security = REPO.settings.auth.security;
    expect(policies['session-duration']).toEqual({
      $id: 'session-duration',
      duration: security.duration,
    });
    expect(policies['session-limit']).toMatchObject({ total: security.sessionsLimit });
    expect(policies['user-limit']).toMatchObject({ total: security.limit });
    expect(policies['password-dictionary']).toMatchObject({ enabled: security.passwordDictionary });
    expect(policies['password-personal-data']).toMatchObject({
      enabled: security.personalDataCheck,
    });
    expect((await project.listMockPhones()).mockNumbers).toEqual(security.mockNumbers);
  });

  test('applied again at start, nothing changes (not even $updatedAt)', async () => {
    const before = await project.get();
    await applyProjectFile(server.app.emulator, {
      path: 'appwrite.json',
      projectId: 'agora',
      settings: REPO.settings,
    });
    expect((await project.get()).$updatedAt).toBe(before.$updatedAt);
  });
});

describe('passwords under the dictionary policy (on in Agora)', () => {
  const rows = [
    {
      who: 'a guest signing up',
      password: 'password123',
      status: 400,
      type: 'general_argument_invalid',
    },
    { who: 'a guest signing up', password: 'Agora-demo-1', status: 201 },
    {
      who: 'an API key (users.create)',
      password: 'iloveyou1',
      status: 400,
      type: 'general_argument_invalid',
    },
    { who: 'an API key (users.create)', password: 'Agora-lead-1', status: 201 },
  ];
  test.each(rows)(
    '$who with "$password" → $status $type',
    async ({ who, password, status, type }) => {
      const email = `${ID.unique()}@example.com`;
      const response = who.startsWith('a guest')
        ? await call(server, 'POST', '/account', { body: { userId: 'unique()', email, password } })
        : await call(server, 'POST', '/users', {
            headers: { 'x-appwrite-key': server.apiKey },
            body: { userId: 'unique()', email, password },
          });
      expect(response.status).toBe(status);
      if (type) expect(response.json.type).toBe(type);
    },
  );

  test('the demo users of the seed are accepted with their passwords', async () => {
    const users = new Users(admin);
    const demo = [
      ['admin@example.com', 'Agora-lead-1', 'Alex Admin'],
      ['ada@example.com', 'Agora-demo-1', 'Ada Lovelace'],
      ['grace@example.com', 'Agora-demo-1', 'Grace Hopper'],
      ['linus@example.com', 'Agora-demo-1', 'Linus Pauling'],
    ] as const;
    for (const [email, password, name] of demo) {
      expect((await users.create({ userId: ID.unique(), email, password, name })).email).toBe(
        email,
      );
    }
  });

  test('a password update and a recovery refuse a common password too', async () => {
    const me = await signedIn('changer@example.com');
    expect(
      await failure(
        new Account(me).updatePassword({
          password: 'qwertyuiop',
          oldPassword: 'a-long-unusual-phrase',
        }),
      ),
    ).toEqual({ code: 400, type: 'general_argument_invalid' });
    const users = new Users(admin);
    const [user] = (
      await users.list({
        queries: [`{"method":"equal","attribute":"email","values":["changer@example.com"]}`],
      })
    ).users;
    expect(
      await failure(users.updatePassword({ userId: String(user?.$id), password: 'baseball1' })),
    ).toEqual({ code: 400, type: 'general_argument_invalid' });
    const recovery = await call(server, 'PUT', '/account/recovery', {
      body: { userId: user?.$id, secret: 'whatever-secret', password: '12345678' },
    });
    expect([recovery.status, recovery.json.type]).toEqual([400, 'general_argument_invalid']);
  });
});

describe('password history (Agora keeps 5)', () => {
  test('a kept password is refused on update, admin update and recovery; the link survives a refusal', async () => {
    const email = 'history@example.com';
    const first = 'first-long-phrase';
    const second = 'second-long-phrase';
    const created = await call(server, 'POST', '/account', {
      body: { userId: 'unique()', email, password: first },
    });
    expect(created.status).toBe(201);
    const session = await new Account(admin).createEmailPasswordSession({ email, password: first });
    const me = new Account(guest().setSession(session.secret));
    const recent = { code: 400, type: 'password_recently_used' };
    expect(await failure(me.updatePassword({ password: first, oldPassword: first }))).toEqual(
      recent,
    );
    await me.updatePassword({ password: second, oldPassword: first });
    expect(await failure(me.updatePassword({ password: first, oldPassword: second }))).toEqual(
      recent,
    );
    expect(
      await failure(new Users(admin).updatePassword({ userId: session.userId, password: first })),
    ).toEqual(recent);

    await call(server, 'POST', '/account/recovery', {
      body: { email, url: 'http://localhost/reset' },
    });
    const outbox = await call(server, 'GET', `/local/outbox?to=${encodeURIComponent(email)}`);
    const { secret } = outbox.json.messages[0];
    const body = { userId: session.userId, secret };
    const refused = await call(server, 'PUT', '/account/recovery', {
      body: { ...body, password: second },
    });
    expect([refused.status, refused.json.type]).toEqual([400, 'password_recently_used']);
    const done = await call(server, 'PUT', '/account/recovery', {
      body: { ...body, password: 'third-long-phrase' },
    });
    expect(done.status).toBe(200);
  });
});

describe('changing settings with a key (node-appwrite Project)', () => {
  test('a key needs project.write / project.policies.write; project.read only reads', async () => {
    const reader = new Project(guest().setKey(server.keyWith(['project.read'])));
    expect((await reader.get()).$id).toBe('agora');
    expect(
      await failure(reader.updateAuthMethod({ methodId: 'anonymous' as never, enabled: true })),
    ).toEqual({ code: 401, type: 'general_unauthorized_scope' });
    expect(await failure(reader.updateSessionLimitPolicy({ total: 3 }))).toEqual({
      code: 401,
      type: 'general_unauthorized_scope',
    });
    expect(await failure(new Project(guest()).get())).toEqual({
      code: 401,
      type: 'general_unauthorized_scope',
    });
  });

  test('a service turned off: 403 general_service_disabled for sessions and guests, not for keys', async () => {
    const me = await signedIn('files@example.com');
    await new Storage(admin).createBucket({
      bucketId: 'box',
      name: 'box',
      permissions: ['read("users")'],
    });
    const off = await project.updateService({ serviceId: 'storage' as never, enabled: false });
    expect(off.services.find((s) => s.$id === 'storage')?.enabled).toBe(false);
    try {
      expect(await failure(new Storage(me).listFiles({ bucketId: 'box' }))).toEqual({
        code: 403,
        type: 'general_service_disabled',
      });
      const asGuest = await call(server, 'GET', '/storage/buckets/box/files');
      expect([asGuest.status, asGuest.json.type]).toEqual([403, 'general_service_disabled']);
      expect((await new Storage(admin).listFiles({ bucketId: 'box' })).total).toBe(0);
      // Another service is untouched.
      expect((await new Account(me).get()).email).toBe('files@example.com');
    } finally {
      await project.updateService({ serviceId: 'storage' as never, enabled: true });
    }
    expect((await new Storage(me).listFiles({ bucketId: 'box' })).total).toBe(0);
  });

  test('email/password off: sign-up and sign-in are 501; back on, they work', async () => {
    await project.updateAuthMethod({ methodId: 'email-password' as never, enabled: false });
    try {
      const signUp = await call(server, 'POST', '/account', {
        body: { userId: 'unique()', email: 'late@example.com', password: 'a-long-unusual-phrase' },
      });
      expect([signUp.status, signUp.json.type]).toEqual([501, 'user_auth_method_unsupported']);
      const signIn = await call(server, 'POST', '/account/sessions/email', {
        body: { email: 'new@example.com', password: 'a-long-unusual-phrase' },
      });
      expect([signIn.status, signIn.json.type]).toEqual([501, 'user_auth_method_unsupported']);
    } finally {
      await project.updateAuthMethod({ methodId: 'email-password' as never, enabled: true });
    }
    const again = await call(server, 'POST', '/account/sessions/email', {
      body: { email: 'new@example.com', password: 'a-long-unusual-phrase' },
    });
    expect(again.status).toBe(201);
  });

  test('personal data (on in Agora’s settings): a password holding the email or name is 400 password_personal_data', async () => {
    // appwrite.json turns it on; the rest of this file expects the file's settings back after.
    await project.updatePasswordPersonalDataPolicy({ enabled: true });
    try {
      const signUp = await call(server, 'POST', '/account', {
        body: { userId: 'unique()', email: 'marie@example.com', password: 'marie-is-great' },
      });
      expect([signUp.status, signUp.json.type]).toEqual([400, 'password_personal_data']);
      expect(
        await failure(
          new Users(admin).create({
            userId: ID.unique(),
            email: 'pierre@example.com',
            password: 'Curie-forever-1',
            name: 'Curie',
          }),
        ),
      ).toEqual({ code: 400, type: 'password_personal_data' });
      const fine = await call(server, 'POST', '/account', {
        body: { userId: 'unique()', email: 'marie@example.com', password: 'radium-and-polonium' },
      });
      expect(fine.status).toBe(201);
    } finally {
      await project.updatePasswordPersonalDataPolicy({
        enabled: REPO.settings.auth.security.personalDataCheck,
      });
    }
  });

  test('user limit: sign-up and anonymous sessions stop at the limit; null lifts it', async () => {
    const { total } = await new Users(admin).list();
    await project.updateUserLimitPolicy({ total });
    await project.updateAuthMethod({ methodId: 'anonymous' as never, enabled: true });
    try {
      const signUp = await call(server, 'POST', '/account', {
        body: { userId: 'unique()', email: 'over@example.com', password: 'a-long-unusual-phrase' },
      });
      expect([signUp.status, signUp.json.type]).toEqual([400, 'user_count_exceeded']);
      const anonymous = await call(server, 'POST', '/account/sessions/anonymous');
      expect([anonymous.status, anonymous.json.type]).toEqual([400, 'user_count_exceeded']);
    } finally {
      await project.updateUserLimitPolicy({ total: null as never });
      await project.updateAuthMethod({ methodId: 'anonymous' as never, enabled: false });
    }
    expect((await project.getPolicy({ policyId: 'user-limit' as never })) as unknown).toEqual({
      $id: 'user-limit',
      total: 0,
    });
  });

  test('session limit: past it the oldest sessions go; duration sets the expiry', async () => {
    await project.updateSessionLimitPolicy({ total: 2 });
    await project.updateSessionDurationPolicy({ duration: 3600 });
    try {
      await new Users(admin).create({
        userId: 'many',
        email: 'many@example.com',
        password: 'a-long-unusual-phrase',
      });
      const made = [];
      for (let i = 0; i < 3; i++) {
        made.push(
          await new Account(admin).createEmailPasswordSession({
            email: 'many@example.com',
            password: 'a-long-unusual-phrase',
          }),
        );
      }
      const left = await new Users(admin).listSessions({ userId: 'many' });
      expect(left.sessions.map((s) => s.$id)).toEqual([made[1]?.$id, made[2]?.$id]);
      const last = made[2] as { $createdAt: string; expire: string };
      expect(Date.parse(last.expire) - Date.parse(last.$createdAt)).toBe(3600_000);
    } finally {
      await project.updateSessionLimitPolicy({ total: REPO.settings.auth.security.sessionsLimit });
      await project.updateSessionDurationPolicy({ duration: REPO.settings.auth.security.duration });
    }
  });

  test('bad values are refused with general_argument_invalid', async () => {
    expect(await failure(project.updateSessionDurationPolicy({ duration: 1 }))).toEqual({
      code: 400,
      type: 'general_argument_invalid',
    });
    expect(await failure(project.updateUserLimitPolicy({ total: 0 }))).toEqual({
      code: 400,
      type: 'general_argument_invalid',
    });
    expect(
      await failure(
        project.updateAuthMethod({ methodId: 'carrier-pigeon' as never, enabled: false }),
      ),
    ).toEqual({ code: 400, type: 'general_argument_invalid' });
    expect(await failure(project.createMockPhone({ number: '12345', otp: '123456' }))).toEqual({
      code: 400,
      type: 'general_argument_invalid',
    });
  });

  test('mock phones: create, update, list, delete', async () => {
    await project.createMockPhone({ number: '+15550100', otp: '123456' });
    expect(await failure(project.createMockPhone({ number: '+15550100', otp: '654321' }))).toEqual({
      code: 409,
      type: 'mock_number_already_exists',
    });
    await project.updateMockPhone({ number: '+15550100', otp: '654321' });
    const { mockNumbers } = await project.listMockPhones();
    expect(mockNumbers.map((m) => [m.number, m.otp])).toEqual([['+15550100', '654321']]);
    await project.deleteMockPhone({ number: '+15550100' });
    expect((await project.listMockPhones()).total).toBe(0);
  });
});

describe('the console paths appwrite-cli 12 calls (format 1.8.0, console login)', () => {
  const cli = { 'x-appwrite-project': 'console', 'x-appwrite-response-format': '1.8.0' };

  test('GET /projects/{id}: the flat model the CLI reads', async () => {
    const cookie = await consoleCookie();
    const response = await call(server, 'GET', '/projects/agora', { headers: { ...cli, cookie } });
    expect(response.status).toBe(200);
    const security = REPO.settings.auth.security;
    expect(response.json).toMatchObject({
      $id: 'agora',
      authAnonymous: false,
      authEmailPassword: true,
      authJWT: true,
      authUsersAuthMagicURL: false,
      serviceStatusForAvatars: false,
      serviceStatusForSites: true,
      authDuration: security.duration,
      authLimit: security.limit,
      authSessionsLimit: security.sessionsLimit,
      authPasswordHistory: security.passwordHistory,
      authPasswordDictionary: security.passwordDictionary,
      authPersonalDataCheck: security.personalDataCheck,
      authSessionAlerts: security.sessionAlerts,
      authMockNumbers: security.mockNumbers,
    });
    expect(response.json).not.toHaveProperty('authMethods');
    expect(response.json).not.toHaveProperty('protocolStatusForRest');
  });

  test("the CLI's parameter names change the settings, and the Project API sees it", async () => {
    const cookie = await consoleCookie();
    const headers = { ...cli, cookie };
    const method = await call(server, 'PATCH', '/projects/agora/auth/invites', {
      headers,
      body: { status: true },
    });
    expect([method.status, method.json.authInvites]).toEqual([200, true]);
    const service = await call(server, 'PATCH', '/projects/agora/service', {
      headers,
      body: { service: 'teams', status: true },
    });
    expect([service.status, service.json.serviceStatusForTeams]).toEqual([200, true]);
    const limit = await call(server, 'PATCH', '/projects/agora/auth/max-sessions', {
      headers,
      body: { limit: 0 },
    });
    expect([limit.status, limit.json.authSessionsLimit]).toEqual([200, 0]);
    const alerts = await call(server, 'PATCH', '/projects/agora/auth/session-alerts', {
      headers,
      body: { alerts: true },
    });
    expect([alerts.status, alerts.json.authSessionAlerts]).toEqual([200, true]);
    const mocks = await call(server, 'PATCH', '/projects/agora/auth/mock-numbers', {
      headers,
      body: { numbers: [{ phone: '+15550199', otp: '111111' }] },
    });
    expect([mocks.status, mocks.json.authMockNumbers]).toEqual([
      200,
      [{ phone: '+15550199', otp: '111111' }],
    ]);
    const model = await project.get();
    expect(model.authMethods.find((m) => m.$id === 'invites')?.enabled).toBe(true);
    expect(model.services.find((s) => s.$id === 'teams')?.enabled).toBe(true);
    // Put Agora's settings back.
    applySettingsConfig(server.app.emulator.settings, { settings: REPO.settings });
    expect((await project.get()).authMethods.find((m) => m.$id === 'invites')?.enabled).toBe(false);
  });

  test('without a console session: 401; another project: 404', async () => {
    const anonymous = await call(server, 'GET', '/projects/agora', { headers: cli });
    expect([anonymous.status, anonymous.json.type]).toEqual([401, 'general_unauthorized_scope']);
    const cookie = await consoleCookie();
    const other = await call(server, 'PATCH', '/projects/elsewhere/auth/anonymous', {
      headers: { ...cli, cookie },
      body: { status: true },
    });
    expect([other.status, other.json.type]).toEqual([404, 'project_not_found']);
  });
});

describe('appwrite.json settings that appwrite-cli 12 could not push are refused at start', () => {
  test('security without all eight keys names the missing one', () => {
    const store = server.app.emulator.settings;
    const { mockNumbers: _left, ...seven } = REPO.settings.auth.security;
    expect(() => applySettingsConfig(store, { settings: { auth: { security: seven } } })).toThrow(
      /mockNumbers/,
    );
    expect(() => applySettingsConfig(store, { settings: { services: { chat: false } } })).toThrow(
      /settings\.services\.chat/,
    );
    expect(() =>
      applySettingsConfig(store, { settings: { auth: { methods: { anonymous: 'no' } } } }),
    ).toThrow(/anonymous/);
  });
});
