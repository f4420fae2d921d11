import { AppwriteException, Client, ID, Query, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/** Users (server): node-appwrite 27.1.0's `Users` against the local Appwrite, with API keys. */

let server: LocalServer;
let users: Users;
const PASSWORD = 'correct-horse-battery';

function clientWith(setup: (client: Client) => Client): Client {
  return setup(new Client().setEndpoint(server.endpoint).setProject(server.projectId));
}

beforeAll(async () => {
  server = await startLocalServer();
  users = new Users(clientWith((c) => c.setKey(server.apiKey)));
});
afterAll(() => server.close());

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Users with a full-scope key', () => {
  it('creates a user with the User model and no password material', async () => {
    const user = await users.create({
      userId: 'ada',
      email: 'Ada@Example.com',
      password: PASSWORD,
      name: 'Ada',
    });
    expect(user).toMatchObject({
      $id: 'ada',
      name: 'Ada',
      email: 'ada@example.com',
      phone: '',
      status: true,
      labels: [],
      emailVerification: false,
      phoneVerification: false,
      mfa: false,
      prefs: {},
    });
    for (const key of [
      '$createdAt',
      '$updatedAt',
      'registration',
      'passwordUpdate',
      'accessedAt',
    ]) {
      expect((user as Record<string, unknown>)[key]).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/,
      );
    }
    expect(user.targets).toEqual([
      expect.objectContaining({
        providerType: 'email',
        identifier: 'ada@example.com',
        userId: 'ada',
      }),
    ]);
    const text = JSON.stringify(user);
    for (const leak of [PASSWORD, 'scrypt', '"hash"', '"password"'])
      expect(text).not.toContain(leak);
  });

  it('refuses a taken id or email with 409 user_already_exists', async () => {
    for (const input of [
      { userId: 'ada', email: 'other@example.com' },
      { userId: ID.unique(), email: 'ADA@example.com' },
    ]) {
      const error = await failure(users.create({ ...input, password: PASSWORD }));
      expect([error.code, error.type]).toEqual([409, 'user_already_exists']);
    }
  });

  it('rejects bad input with 400 and a precise type', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ userId: '-bad', email: 'x@example.com' }, 'general_argument_invalid'],
      [{ userId: ID.unique(), email: 'not-an-email' }, 'general_argument_invalid'],
      [
        { userId: ID.unique(), email: 'y@example.com', password: 'short' },
        'general_argument_invalid',
      ],
      [{ userId: ID.unique(), phone: '12345' }, 'general_invalid_phone'],
    ];
    for (const [input, type] of cases) {
      const error = await failure(users.create(input as never));
      expect([error.code, error.type]).toEqual([400, type]);
    }
  });

  it('gets, renames, blocks, verifies, labels and sets prefs', async () => {
    await users.create({
      userId: 'bob',
      email: 'bob@example.com',
      password: PASSWORD,
      name: 'Bob',
    });
    expect((await users.get({ userId: 'bob' })).name).toBe('Bob');
    expect((await users.updateName({ userId: 'bob', name: 'Robert' })).name).toBe('Robert');
    expect((await users.updateStatus({ userId: 'bob', status: false })).status).toBe(false);
    expect((await users.updateStatus({ userId: 'bob', status: true })).status).toBe(true);
    const verified = await users.updateEmailVerification({
      userId: 'bob',
      emailVerification: true,
    });
    expect(verified.emailVerification).toBe(true);
    const labelled = await users.updateLabels({ userId: 'bob', labels: ['admin', 'beta'] });
    expect(labelled.labels).toEqual(['admin', 'beta']);
    const prefs = await users.updatePrefs({ userId: 'bob', prefs: { theme: 'dark' } });
    expect(prefs).toEqual({ theme: 'dark' });
    expect(await users.getPrefs({ userId: 'bob' })).toEqual({ theme: 'dark' });
    const renamed = await users.updateEmail({ userId: 'bob', email: 'robert@example.com' });
    expect(renamed).toMatchObject({ email: 'robert@example.com', emailVerification: false });
  });

  it('sets and verifies a phone number; a taken number is 409 user_phone_already_exists', async () => {
    const phoned = await users.updatePhone({ userId: 'bob', number: '+14155550100' });
    expect(phoned).toMatchObject({ phone: '+14155550100', phoneVerification: false });
    const verified = await users.updatePhoneVerification({
      userId: 'bob',
      phoneVerification: true,
    });
    expect(verified.phoneVerification).toBe(true);
    await users.create({ userId: 'carol', phone: '+14155550101' });
    const taken = await failure(users.updatePhone({ userId: 'carol', number: '+14155550100' }));
    expect([taken.code, taken.type]).toEqual([409, 'user_phone_already_exists']);
    const bad = await failure(users.updatePhone({ userId: 'carol', number: '555' }));
    expect([bad.code, bad.type]).toEqual([400, 'general_invalid_phone']);
  });

  it('refuses labels that are not alphanumeric', async () => {
    const error = await failure(users.updateLabels({ userId: 'bob', labels: ['not ok!'] }));
    expect([error.code, error.type]).toEqual([400, 'general_argument_invalid']);
  });

  it('answers 404 user_not_found for an unknown user', async () => {
    for (const promise of [
      users.get({ userId: 'nobody' }),
      users.delete({ userId: 'nobody' }),
      users.updateStatus({ userId: 'nobody', status: false }),
    ]) {
      const error = await failure(promise);
      expect([error.code, error.type]).toEqual([404, 'user_not_found']);
    }
  });

  it('creates, lists and deletes sessions; a server session carries its secret for setSession', async () => {
    const session = await users.createSession({ userId: 'ada' });
    expect(session).toMatchObject({ userId: 'ada', provider: 'server', current: false });
    expect(session.secret).not.toBe('');
    const listed = await users.listSessions({ userId: 'ada' });
    expect(listed.total).toBe(1);
    expect(listed.sessions[0]?.secret).toBe('');
    await users.deleteSession({ userId: 'ada', sessionId: session.$id });
    expect((await users.listSessions({ userId: 'ada' })).total).toBe(0);
    const error = await failure(users.deleteSession({ userId: 'ada', sessionId: session.$id }));
    expect([error.code, error.type]).toEqual([404, 'user_session_not_found']);
  });

  it('mints a JWT for a user that opens their account', async () => {
    await users.createSession({ userId: 'ada' });
    const { jwt } = await users.createJWT({ userId: 'ada' });
    const me = await call(server, 'GET', '/account', { headers: { 'x-appwrite-jwt': jwt } });
    expect(me.status).toBe(200);
    expect(me.json.$id).toBe('ada');
  });

  it('deletes a user, and with them their sessions', async () => {
    const session = await users.createSession({ userId: 'bob' });
    await users.delete({ userId: 'bob' });
    const me = await call(server, 'GET', '/account', {
      headers: { 'x-appwrite-session': session.secret },
    });
    expect(me.status).toBe(401);
    expect(me.json.type).toBe('general_unauthorized_scope');
  });
});

describe('Users.list', () => {
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      await users.create({
        userId: `member${String(i).padStart(2, '0')}`,
        email: `member${i}@list.test`,
        name: i % 2 === 0 ? `Even ${i}` : `Odd ${i}`,
      });
    }
    await users.updateLabels({ userId: 'member03', labels: ['admin'] });
  });

  it('pages 25 by default and counts the total', async () => {
    const page = await users.list({ queries: [Query.startsWith('email', 'member')] });
    expect(page.total).toBe(30);
    expect(page.users).toHaveLength(25);
  });

  it('filters with equal, orders, limits and offsets', async () => {
    const page = await users.list({
      queries: [
        Query.startsWith('name', 'Even'),
        Query.orderDesc('email'),
        Query.limit(3),
        Query.offset(1),
      ],
    });
    expect(page.total).toBe(15);
    expect(page.users.map((u) => u.email)).toEqual([
      'member6@list.test',
      'member4@list.test',
      'member2@list.test', // '@' sorts after digits
    ]);
    const exact = await users.list({ queries: [Query.equal('name', ['Odd 7', 'Odd 9'])] });
    expect(exact.users.map((u) => u.$id).sort()).toEqual(['member07', 'member09']);
    // labels is an array: Appwrite queries it with contains (equal on an array is refused).
    const labelled = await users.list({ queries: [Query.contains('labels', ['admin'])] });
    expect(labelled.users.map((u) => u.$id)).toEqual(['member03']);
  });

  it('walks every user with cursorAfter and back with cursorBefore', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const queries = [Query.startsWith('email', 'member'), Query.orderAsc('name'), Query.limit(7)];
      if (cursor) queries.push(Query.cursorAfter(cursor));
      const page = await users.list({ queries });
      if (page.users.length === 0) break;
      seen.push(...page.users.map((u) => u.$id));
      cursor = page.users.at(-1)?.$id;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const back = await users.list({
      queries: [
        Query.startsWith('email', 'member'),
        Query.orderAsc('name'),
        Query.cursorBefore(seen[10] as string),
        Query.limit(3),
      ],
    });
    expect(back.users.map((u) => u.$id)).toEqual(seen.slice(7, 10));
  });

  it('pages from a cursor user the filter leaves out, as Appwrite looks the cursor up by id alone', async () => {
    const page = await users.list({
      queries: [Query.startsWith('name', 'Even'), Query.cursorAfter('member03'), Query.limit(2)],
    });
    expect(page.users.map((u) => u.$id)).toEqual(['member04', 'member06']);
  });

  it('searches id, email and name', async () => {
    const found = await users.list({ search: 'Odd 1' });
    expect(found.users.length).toBeGreaterThan(0);
    const byEmail = await users.list({ search: 'member29@list.test' });
    expect(byEmail.users.map((u) => u.$id)).toContain('member29');
  });

  it('skips counting with total=false', async () => {
    const page = await users.list({ queries: [Query.limit(1)], total: false });
    expect(page.total).toBe(0);
    expect(page.users).toHaveLength(1);
  });

  it('refuses malformed queries, unknown attributes and unknown cursors', async () => {
    // Appwrite checks users' queries while it validates the param (Validator/Queries/Users.php):
    // general_argument_invalid; only a cursor it cannot find is the action's own answer.
    const cases: Array<[string[], string]> = [
      [['{not json'], 'general_argument_invalid'],
      [[Query.equal('password', ['x'])], 'general_argument_invalid'],
      [[Query.limit(-1)], 'general_argument_invalid'],
      [[Query.cursorAfter('nobody')], 'general_cursor_not_found'],
    ];
    for (const [queries, type] of cases) {
      const error = await failure(users.list({ queries }));
      expect([error.code, error.type]).toEqual([400, type]);
    }
  });
});

describe('who may call Users', () => {
  interface Scenario {
    who: string;
    client: () => Client;
    status: number;
    type?: string;
  }
  const scenarios: Scenario[] = [
    {
      who: 'guest',
      client: () => clientWith((c) => c),
      status: 401,
      type: 'general_unauthorized_scope',
    },
    {
      who: 'signed-in user',
      client: () => clientWith((c) => c.setSession(userSession)),
      status: 401,
      type: 'general_unauthorized_scope',
    },
    {
      who: 'key with users.write only',
      client: () => clientWith((c) => c.setKey(server.keyWith(['users.write']))),
      status: 401,
      type: 'general_unauthorized_scope',
    },
    {
      who: 'key with users.read',
      client: () => clientWith((c) => c.setKey(server.keyWith(['users.read']))),
      status: 200,
    },
  ];
  let userSession = '';
  beforeAll(async () => {
    await users.create({ userId: 'caller', email: 'caller@example.com', password: PASSWORD });
    userSession = (await users.createSession({ userId: 'caller' })).secret;
  });

  it.each(scenarios)('$who listing users → $status', async (s) => {
    const list = new Users(s.client()).list();
    if (s.status === 200) {
      await expect(list).resolves.toHaveProperty('total');
      return;
    }
    const error = await failure(list);
    expect([error.code, error.type]).toEqual([s.status, s.type]);
    expect(error.response).not.toContain('caller@example.com');
  });

  it('a key with users.read cannot write', async () => {
    const readOnly = new Users(clientWith((c) => c.setKey(server.keyWith(['users.read']))));
    const error = await failure(readOnly.updateName({ userId: 'caller', name: 'x' }));
    expect([error.code, error.type]).toEqual([401, 'general_unauthorized_scope']);
  });
});
