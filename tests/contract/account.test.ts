import { Account, AppwriteException, Client, ID, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Account, driven by the real node-appwrite 27.1.0 the SSR way (a key creates the session, the user's
 * client calls `setSession(secret)`), and by raw fetch for cookies and X-Fallback-Cookies.
 */

let server: LocalServer;
let admin: Client;
const PASSWORD = 'correct-horse-battery';

function guestClient(): Client {
  return new Client().setEndpoint(server.endpoint).setProject(server.projectId);
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Creates an account as a guest and signs it in the SSR way; returns its id and session secret. */
async function signUp(email: string, password = PASSWORD) {
  const user = await new Account(guestClient()).create({ userId: ID.unique(), email, password });
  const session = await new Account(admin).createEmailPasswordSession({ email, password });
  return { userId: user.$id, secret: session.secret, sessionId: session.$id };
}

function asUser(secret: string): Account {
  return new Account(guestClient().setSession(secret));
}

async function latestMail(to: string) {
  const response = await call(server, 'GET', `/local/outbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  const message = response.json.messages[0];
  const link = new URL(message.url);
  return {
    message,
    userId: link.searchParams.get('userId') ?? '',
    secret: link.searchParams.get('secret') ?? '',
  };
}

beforeAll(async () => {
  server = await startLocalServer();
  admin = guestClient().setKey(server.apiKey);
});
afterAll(() => server.close());

describe('signing up and in', () => {
  it('a guest creates an account: 201 User with no password material', async () => {
    const user = await new Account(guestClient()).create({
      userId: 'grace',
      email: 'grace@example.com',
      password: PASSWORD,
      name: 'Grace',
    });
    expect(user).toMatchObject({
      $id: 'grace',
      email: 'grace@example.com',
      name: 'Grace',
      status: true,
    });
    for (const leak of [PASSWORD, 'scrypt', '"hash"'])
      expect(JSON.stringify(user)).not.toContain(leak);
  });

  it('the SSR flow: a key creates the session, whose secret opens the account', async () => {
    const session = await new Account(admin).createEmailPasswordSession({
      email: 'GRACE@example.com',
      password: PASSWORD,
    });
    expect(session).toMatchObject({
      userId: 'grace',
      provider: 'email',
      current: true,
      factors: ['password'],
    });
    expect(session.secret).not.toBe('');
    const me = await asUser(session.secret).get();
    expect(me.$id).toBe('grace');
  });

  it('wrong password and unknown email give the same 401 user_invalid_credentials', async () => {
    for (const [email, password] of [
      ['grace@example.com', 'wrong-password-1'],
      ['nobody@example.com', PASSWORD],
    ] as const) {
      const error = await failure(
        new Account(admin).createEmailPasswordSession({ email, password }),
      );
      expect([error.code, error.type]).toEqual([401, 'user_invalid_credentials']);
      expect(error.response).not.toContain(password);
    }
  });

  it('a signed-in user cannot open another session: 401 user_session_already_exists', async () => {
    const { secret } = await signUp('again@example.com');
    const error = await failure(
      asUser(secret).createEmailPasswordSession({ email: 'again@example.com', password: PASSWORD }),
    );
    expect([error.code, error.type]).toEqual([401, 'user_session_already_exists']);
  });

  it('a guest session secret from the browser is blank (only keys see it)', async () => {
    const response = await call(server, 'POST', '/account/sessions/email', {
      body: { email: 'grace@example.com', password: PASSWORD },
    });
    expect(response.status).toBe(201);
    expect(response.json.secret).toBe('');
  });
});

describe('anonymous and token sessions', () => {
  it('an anonymous session makes a user without email', async () => {
    const session = await new Account(admin).createAnonymousSession();
    expect(session).toMatchObject({ provider: 'anonymous', factors: ['anonymous'] });
    const me = await asUser(session.secret).get();
    expect(me).toMatchObject({ $id: session.userId, email: '', name: '' });
  });

  it('a token from Users.createToken opens one session, once', async () => {
    const { userId } = await signUp('token@example.com');
    const token = await new Users(admin).createToken({ userId, length: 8 });
    expect(token.secret).toHaveLength(8);
    const session = await new Account(admin).createSession({ userId, secret: token.secret });
    expect(session).toMatchObject({ userId, provider: 'token' });
    expect((await asUser(session.secret).get()).$id).toBe(userId);
    const reuse = await failure(new Account(admin).createSession({ userId, secret: token.secret }));
    expect([reuse.code, reuse.type]).toEqual([401, 'user_invalid_token']);
  });

  it('a guest cannot mint tokens', async () => {
    const error = await failure(new Users(guestClient()).createToken({ userId: 'grace' }));
    expect([error.code, error.type]).toEqual([401, 'general_unauthorized_scope']);
  });
});

describe('who may read /account', () => {
  interface Scenario {
    who: string;
    headers: () => Record<string, string>;
    status: number;
    type?: string;
  }
  let secret = '';
  let blockedSecret = '';
  beforeAll(async () => {
    secret = (await signUp('reader@example.com')).secret;
    const blocked = await signUp('blocked@example.com');
    blockedSecret = blocked.secret;
    await new Users(admin).updateStatus({ userId: blocked.userId, status: false });
  });
  const scenarios: Scenario[] = [
    { who: 'guest', headers: () => ({}), status: 401, type: 'general_unauthorized_scope' },
    {
      who: 'user (X-Appwrite-Session)',
      headers: () => ({ 'x-appwrite-session': secret }),
      status: 200,
    },
    {
      who: 'API key (keys have no account scope)',
      headers: () => ({ 'x-appwrite-key': server.apiKey }),
      status: 401,
      type: 'general_unauthorized_scope',
    },
    {
      who: 'blocked user with a live session',
      headers: () => ({ 'x-appwrite-session': blockedSecret }),
      status: 403,
      type: 'user_blocked',
    },
    {
      who: 'forged session value',
      headers: () => ({
        'x-appwrite-session': Buffer.from(
          JSON.stringify({ id: 'grace', secret: 'guess' }),
        ).toString('base64'),
      }),
      status: 401,
      type: 'general_unauthorized_scope',
    },
    {
      who: 'garbage session value',
      headers: () => ({ 'x-appwrite-session': '%%%not-base64' }),
      status: 401,
      type: 'general_unauthorized_scope',
    },
  ];
  it.each(scenarios)('$who → $status', async (s) => {
    const response = await call(server, 'GET', '/account', { headers: s.headers() });
    expect(response.status).toBe(s.status);
    if (s.type) expect(response.json.type).toBe(s.type);
    else expect(response.json.email).toBe('reader@example.com');
    expect(response.text).not.toContain(PASSWORD);
  });

  it('a blocked user cannot sign in: 403 user_blocked', async () => {
    const error = await failure(
      new Account(admin).createEmailPasswordSession({
        email: 'blocked@example.com',
        password: PASSWORD,
      }),
    );
    expect([error.code, error.type]).toEqual([403, 'user_blocked']);
  });
});

describe('sessions', () => {
  it('lists, gets current, deletes current, then the secret no longer works', async () => {
    const { secret, sessionId } = await signUp('sessions@example.com');
    await new Account(admin).createEmailPasswordSession({
      email: 'sessions@example.com',
      password: PASSWORD,
    });
    const me = asUser(secret);
    const list = await me.listSessions();
    expect(list.total).toBe(2);
    expect(list.sessions.filter((s) => s.current).map((s) => s.$id)).toEqual([sessionId]);
    expect(list.sessions.every((s) => s.secret === '')).toBe(true);
    expect((await me.getSession({ sessionId: 'current' })).$id).toBe(sessionId);
    await me.deleteSession({ sessionId: 'current' });
    const error = await failure(me.get());
    expect([error.code, error.type]).toEqual([401, 'general_unauthorized_scope']);
  });

  it('deleteSessions signs out everywhere', async () => {
    const { secret } = await signUp('everywhere@example.com');
    const other = await new Account(admin).createEmailPasswordSession({
      email: 'everywhere@example.com',
      password: PASSWORD,
    });
    await asUser(secret).deleteSessions();
    for (const s of [secret, other.secret]) {
      expect((await failure(asUser(s).get())).type).toBe('general_unauthorized_scope');
    }
  });

  it('an unknown session id is 404 user_session_not_found', async () => {
    const { secret } = await signUp('unknown-session@example.com');
    const error = await failure(asUser(secret).deleteSession({ sessionId: 'nope' }));
    expect([error.code, error.type]).toEqual([404, 'user_session_not_found']);
  });
});

describe('JWTs', () => {
  it('a JWT opens the account; with a session too → 403; forged → 401; cannot mint another', async () => {
    const { secret } = await signUp('jwt@example.com');
    const { jwt } = await asUser(secret).createJWT({ duration: 60 });
    expect(jwt.split('.')).toHaveLength(3);
    const viaJwt = new Account(guestClient().setJWT(jwt));
    expect((await viaJwt.get()).email).toBe('jwt@example.com');

    const both = await call(server, 'GET', '/account', {
      headers: { 'x-appwrite-jwt': jwt, 'x-appwrite-session': secret },
    });
    expect([both.status, both.json.type]).toEqual([403, 'user_jwt_and_cookie_set']);

    const forged = `${jwt.slice(0, -4)}AAAA`;
    const bad = await call(server, 'GET', '/account', { headers: { 'x-appwrite-jwt': forged } });
    expect([bad.status, bad.json.type]).toEqual([401, 'user_jwt_invalid']);

    const again = await failure(viaJwt.createJWT({}));
    expect([again.code, again.type]).toEqual([403, 'user_jwt_creation_denied']);

    const tooLong = await failure(asUser(secret).createJWT({ duration: 3601 }));
    expect([tooLong.code, tooLong.type]).toEqual([400, 'general_argument_invalid']);
  });

  it('a JWT dies with its session', async () => {
    const { secret } = await signUp('jwt-dies@example.com');
    const { jwt } = await asUser(secret).createJWT({});
    await asUser(secret).deleteSession({ sessionId: 'current' });
    const response = await call(server, 'GET', '/account', { headers: { 'x-appwrite-jwt': jwt } });
    expect(response.status).toBe(401);
  });
});

describe('profile updates', () => {
  it('prefs and name', async () => {
    const { secret } = await signUp('profile@example.com');
    const me = asUser(secret);
    expect((await me.updatePrefs({ prefs: { lang: 'fr' } })).prefs).toEqual({ lang: 'fr' });
    expect(await me.getPrefs()).toEqual({ lang: 'fr' });
    expect((await me.updateName({ name: 'Pro File' })).name).toBe('Pro File');
  });

  it('password: the old one is checked, other sessions end, the new one signs in', async () => {
    const { secret } = await signUp('password@example.com');
    const other = await new Account(admin).createEmailPasswordSession({
      email: 'password@example.com',
      password: PASSWORD,
    });
    const me = asUser(secret);
    const wrong = await failure(
      me.updatePassword({ password: 'new-password-2', oldPassword: 'nope-nope' }),
    );
    expect([wrong.code, wrong.type]).toEqual([401, 'user_invalid_credentials']);
    const updated = await me.updatePassword({ password: 'new-password-2', oldPassword: PASSWORD });
    expect(JSON.stringify(updated)).not.toContain('new-password-2');
    expect((await me.get()).email).toBe('password@example.com');
    expect((await failure(asUser(other.secret).get())).code).toBe(401);
    await expect(
      new Account(admin).createEmailPasswordSession({
        email: 'password@example.com',
        password: 'new-password-2',
      }),
    ).resolves.toHaveProperty('userId');
  });

  it('email: needs the password, refuses an address in use, resets verification', async () => {
    const { secret } = await signUp('email@example.com');
    await signUp('taken@example.com');
    const me = asUser(secret);
    const wrong = await failure(
      me.updateEmail({ email: 'new@example.com', password: 'wrong-password' }),
    );
    expect([wrong.code, wrong.type]).toEqual([401, 'user_invalid_credentials']);
    const taken = await failure(me.updateEmail({ email: 'taken@example.com', password: PASSWORD }));
    expect([taken.code, taken.type]).toEqual([409, 'user_target_already_exists']);
    const moved = await me.updateEmail({ email: 'new@example.com', password: PASSWORD });
    expect(moved).toMatchObject({ email: 'new@example.com', emailVerification: false });
  });

  it('PATCH /account/status blocks the account: it can no longer sign in', async () => {
    const { secret } = await signUp('leaving@example.com');
    const user = await asUser(secret).updateStatus();
    expect(user.status).toBe(false);
    const error = await failure(
      new Account(admin).createEmailPasswordSession({
        email: 'leaving@example.com',
        password: PASSWORD,
      }),
    );
    expect(error.type).toBe('user_blocked');
  });
});

describe('email verification and password recovery through the local outbox', () => {
  it('verifies an email with the link from the outbox, once', async () => {
    const { secret, userId } = await signUp('verify@example.com');
    const me = asUser(secret);
    const token = await me.createEmailVerification({
      url: 'http://localhost:5173/verify?from=mail',
    });
    expect(token).toMatchObject({ userId, secret: '' });
    const mail = await latestMail('verify@example.com');
    expect(mail.message).toMatchObject({ kind: 'verification', to: 'verify@example.com' });
    expect(mail.message.url).toContain('from=mail');
    expect(mail.userId).toBe(userId);
    await new Account(guestClient()).updateEmailVerification({ userId, secret: mail.secret });
    expect((await me.get()).emailVerification).toBe(true);
    const reuse = await failure(
      new Account(guestClient()).updateEmailVerification({ userId, secret: mail.secret }),
    );
    expect([reuse.code, reuse.type]).toEqual([401, 'user_invalid_token']);
    const again = await failure(
      me.createEmailVerification({ url: 'http://localhost:5173/verify' }),
    );
    expect([again.code, again.type]).toEqual([409, 'user_email_already_verified']);
  });

  it('a guest cannot ask for a verification mail', async () => {
    const error = await failure(
      new Account(guestClient()).createEmailVerification({ url: 'http://localhost:5173/verify' }),
    );
    expect([error.code, error.type]).toEqual([401, 'general_unauthorized_scope']);
  });

  it('recovers a password: sessions end, the new password works, the link works once', async () => {
    const { secret, userId } = await signUp('recover@example.com');
    const guest = new Account(guestClient());
    const token = await guest.createRecovery({
      email: 'recover@example.com',
      url: 'http://localhost:5173/reset',
    });
    expect(token).toMatchObject({ userId, secret: '' });
    const mail = await latestMail('recover@example.com');
    expect(mail.message.kind).toBe('recovery');
    await guest.updateRecovery({ userId, secret: mail.secret, password: 'brand-new-pass' });
    expect((await failure(asUser(secret).get())).code).toBe(401);
    await expect(
      new Account(admin).createEmailPasswordSession({
        email: 'recover@example.com',
        password: 'brand-new-pass',
      }),
    ).resolves.toHaveProperty('userId', userId);
    const reuse = await failure(
      guest.updateRecovery({ userId, secret: mail.secret, password: 'another-pass-3' }),
    );
    expect([reuse.code, reuse.type]).toEqual([401, 'user_invalid_token']);
  });

  it('recovery for an unknown email is 404 user_not_found', async () => {
    const error = await failure(
      new Account(guestClient()).createRecovery({
        email: 'ghost@example.com',
        url: 'http://localhost:5173/reset',
      }),
    );
    expect([error.code, error.type]).toEqual([404, 'user_not_found']);
  });

  it('the outbox is for this machine or a key: a remote guest is refused', async () => {
    const remote = await server.app.inject({ url: '/v1/local/outbox', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(401);
    expect(remote.json().type).toBe('general_access_forbidden');
    expect(remote.body).not.toContain('secret');
    const withKey = await server.app.inject({
      url: '/v1/local/outbox',
      remoteAddress: '10.1.2.3',
      headers: { 'x-appwrite-project': server.projectId, 'x-appwrite-key': server.apiKey },
    });
    expect(withKey.statusCode).toBe(200);
  });
});

describe('the outbox and web pages', () => {
  // A page the developer has open on another site reaches 127.0.0.1 from their browser: its loopback
  // peer must not read the codes and links (CORS would hand the answer to the page).
  it('refuses a page of another origin, and a Host that is not this machine (DNS rebinding)', async () => {
    const ask = (headers: Record<string, string>) =>
      server.app.inject({ url: '/v1/local/outbox', remoteAddress: '127.0.0.1', headers });
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { host: 'rebind.evil.example:8080' },
      { host: '127.0.0.1.evil.example' },
    ];
    for (const headers of foreign) {
      const answer = await ask(headers);
      expect([answer.statusCode, answer.json().type], JSON.stringify(headers)).toEqual([
        401,
        'general_access_forbidden',
      ]);
      expect(answer.body).not.toContain('secret');
    }
    const cleared = await server.app.inject({
      method: 'DELETE',
      url: '/v1/local/outbox',
      remoteAddress: '127.0.0.1',
      headers: { origin: 'https://evil.example' },
    });
    expect(cleared.statusCode).toBe(401);
    // The app's own pages: through Vite's proxy (Host and Origin localhost:5173), or straight.
    const local: Record<string, string>[] = [
      { host: 'localhost:5173', origin: 'http://localhost:5173' },
      { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:5173' },
      { host: '[::1]:8080' },
      { host: 'agora.localhost:8080', origin: 'http://agora.localhost:5173' },
    ];
    for (const headers of local) {
      expect((await ask(headers)).statusCode, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe('cookies and X-Fallback-Cookies (raw HTTP, as a browser)', () => {
  const cookieName = () => `a_session_${server.projectId}`;

  async function browserSignIn(origin: string) {
    await signUp(`cookie-${origin.length}-${Date.now()}@example.com`).catch(() => undefined);
    const email = `browser${Math.random().toString(36).slice(2)}@example.com`;
    await new Account(guestClient()).create({ userId: ID.unique(), email, password: PASSWORD });
    return call(server, 'POST', '/account/sessions/email', {
      headers: { origin },
      body: { email, password: PASSWORD },
    });
  }

  it('sets both session cookies and, for a localhost page, the fallback header', async () => {
    const response = await browserSignIn('http://localhost:5173');
    expect(response.status).toBe(201);
    const cookies = response.headers.getSetCookie();
    const main = cookies.find((c) => c.startsWith(`${cookieName()}=`)) ?? '';
    const legacy = cookies.find((c) => c.startsWith(`${cookieName()}_legacy=`)) ?? '';
    expect(main).toMatch(/HttpOnly/);
    expect(main).toMatch(/SameSite=None/);
    expect(main).toMatch(/Path=\//);
    expect(legacy).toMatch(/HttpOnly/);
    expect(legacy).not.toMatch(/SameSite/);
    expect(main).not.toMatch(/Secure/); // plain http
    const fallback = JSON.parse(response.headers.get('x-fallback-cookies') ?? '{}');
    const value = fallback[cookieName()];
    expect(typeof value).toBe('string');
    expect(JSON.parse(Buffer.from(value, 'base64').toString())).toMatchObject({
      id: response.json.userId,
    });
    expect(response.json.secret).toBe('');

    for (const headers of <Record<string, string>[]>[
      { cookie: `${cookieName()}=${encodeURIComponent(value)}` },
      { cookie: `${cookieName()}_legacy=${encodeURIComponent(value)}` },
      { 'x-fallback-cookies': JSON.stringify({ [cookieName()]: value }) },
    ]) {
      const me = await call(server, 'GET', '/account', { headers });
      expect(me.status).toBe(200);
      expect(me.json.$id).toBe(response.json.userId);
    }

    const logout = await call(server, 'DELETE', '/account/sessions/current', {
      headers: {
        origin: 'http://localhost:5173',
        'x-fallback-cookies': JSON.stringify({ [cookieName()]: value }),
      },
    });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('x-fallback-cookies')).toBe('[]');
    expect(logout.headers.getSetCookie().join('\n')).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await call(server, 'GET', '/account', {
      headers: { 'x-fallback-cookies': JSON.stringify({ [cookieName()]: value }) },
    });
    expect(after.status).toBe(401);
  });

  it('sends no fallback header when page and API share a registrable domain', async () => {
    const email = 'samesite@example.com';
    await new Account(guestClient()).create({ userId: ID.unique(), email, password: PASSWORD });
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/account/sessions/email',
      headers: {
        host: 'api.example.test',
        origin: 'https://app.example.test',
        'x-appwrite-project': server.projectId,
        'content-type': 'application/json',
      },
      payload: { email, password: PASSWORD },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-fallback-cookies']).toBeUndefined();
    expect(String(response.headers['set-cookie'])).toContain(`${cookieName()}=`);
  });
});
