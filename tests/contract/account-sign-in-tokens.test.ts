import {
  ID,
  Account as WebAccount,
  Client as WebClient,
  AppwriteException as WebException,
} from 'appwrite';
import { Account, AppwriteException, Client, Project, Users } from 'node-appwrite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { eventNames } from '../../emulator/core/platform/event-names.ts';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Email OTP and magic-URL sign-in (Appwrite 1.9.5 account.php: `POST /account/tokens/email`,
 * `/tokens/magic-url`, then `POST /account/sessions/token` or the older `PUT /sessions/magic-url`),
 * through the web SDK 28.0.0 as a guest and node-appwrite 27.1.0 with a key, the message read from
 * the local outbox: the account made for a new email, the code or link used once and within its
 * lifetime, the verified email, the session's provider and factor, the phrase, the events, the
 * project's auth-method switches and the abuse labels. A server without Agora's settings (which turn
 * both methods off).
 */

let server: LocalServer;
let keyClient: Client;
let users: Users;
let project: Project;
let events: AppwriteEvent[] = [];

beforeAll(async () => {
  server = await startLocalServer();
  keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  users = new Users(keyClient);
  project = new Project(keyClient);
  server.app.emulator.events.subscribe((event) => events.push(event));
});
afterAll(() => server.close());
beforeEach(() => {
  events = [];
});
afterEach(() => {
  vi.useRealTimers();
});

/** The web SDK as a guest in a browser: no key, no session. */
const guest = () =>
  new WebAccount(new WebClient().setEndpoint(server.endpoint).setProject(server.projectId));

/** node-appwrite with the full-scope key. */
const withKey = () => new Account(keyClient);

/** Runs `work` and answers its Appwrite error's code and type (fails when it succeeds). */
async function refusal(work: Promise<unknown>): Promise<[number, string]> {
  try {
    await work;
  } catch (error) {
    if (error instanceof WebException || error instanceof AppwriteException) {
      return [error.code, error.type];
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The newest message in the local outbox to `email`. */
async function lastMailTo(email: string) {
  const answer = await call(server, 'GET', `/local/outbox?to=${encodeURIComponent(email)}`);
  expect(answer.status).toBe(200);
  const message = answer.json.messages[0];
  expect(message).toBeDefined();
  return message as { kind: string; userId: string; text: string; url: string; secret: string };
}

const firstNames = () => events.map((event) => eventNames(event)[0]);

describe('email OTP', () => {
  test('a guest asks for a code, reads it in the outbox and signs in; the email is verified', async () => {
    const web = guest();
    const token = await web.createEmailToken({ userId: ID.unique(), email: 'otp@example.com' });
    // The secret is sensitive: a guest gets '', the code goes by mail only.
    expect(token).toMatchObject({ secret: '', phrase: '' });
    const lifetime = Date.parse(token.expire) - Date.parse(token.$createdAt);
    expect(lifetime).toBe(15 * 60 * 1000);
    const created = await users.get({ userId: token.userId });
    expect(created).toMatchObject({ email: 'otp@example.com', emailVerification: false });

    const mail = await lastMailTo('otp@example.com');
    expect(mail).toMatchObject({ kind: 'email-otp', userId: token.userId, url: '' });
    expect(mail.secret).toMatch(/^\d{6}$/);
    expect(mail.text).toContain(mail.secret);

    const session = await web.createSession({ userId: token.userId, secret: mail.secret });
    expect(session).toMatchObject({ userId: token.userId, provider: 'token', factors: ['email'] });
    expect((await users.get({ userId: token.userId })).emailVerification).toBe(true);
    // A code works once.
    expect(
      await refusal(guest().createSession({ userId: token.userId, secret: mail.secret })),
    ).toEqual([401, 'user_invalid_token']);
  });

  test('an email that has an account signs into it: the userId sent is ignored', async () => {
    await users.create({
      userId: 'known',
      email: 'known@example.com',
      password: 'a-long-password',
    });
    const token = await guest().createEmailToken({
      userId: 'someone-else',
      email: 'Known@example.com',
    });
    expect(token.userId).toBe('known');
    expect(await refusal(users.get({ userId: 'someone-else' }))).toEqual([404, 'user_not_found']);
    const mail = await lastMailTo('known@example.com');
    const session = await guest().createSession({ userId: 'known', secret: mail.secret });
    expect(session.userId).toBe('known');
  });

  test('an API key gets the secret; phrase: true answers a phrase that the mail repeats', async () => {
    const token = await withKey().createEmailToken({
      userId: 'keyed',
      email: 'keyed@example.com',
      phrase: true,
    });
    expect(token.secret).toMatch(/^\d{6}$/);
    expect(token.phrase).toMatch(/^[A-Z][a-z]+ [a-z]+$/);
    const mail = await lastMailTo('keyed@example.com');
    expect(mail.secret).toBe(token.secret);
    expect(mail.text).toContain(token.phrase);
  });

  test('a wrong code, another kind of token, and a code past its 15 minutes are refused', async () => {
    const token = await guest().createEmailToken({ userId: 'late', email: 'late@example.com' });
    const { secret } = await lastMailTo('late@example.com');
    const wrong = String((Number(secret) + 1) % 1_000_000).padStart(6, '0');
    expect(await refusal(guest().createSession({ userId: 'late', secret: wrong }))).toEqual([
      401,
      'user_invalid_token',
    ]);
    // A recovery link's secret proves something else: it opens no session.
    await withKey().createRecovery({ email: 'late@example.com', url: 'http://localhost/reset' });
    const recovery = await lastMailTo('late@example.com');
    expect(recovery.kind).toBe('recovery');
    expect(
      await refusal(guest().createSession({ userId: 'late', secret: recovery.secret })),
    ).toEqual([401, 'user_invalid_token']);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(token.expire) + 1000);
    expect(await refusal(guest().createSession({ userId: 'late', secret }))).toEqual([
      401,
      'user_invalid_token',
    ]);
  });

  test('events: a new account announces users.*.create, the session its code opens its create', async () => {
    const token = await guest().createEmailToken({ userId: 'announced', email: 'ann@example.com' });
    expect(firstNames()).toEqual(['users.announced.create']);
    events = [];
    await guest().createEmailToken({ userId: 'announced', email: 'ann@example.com' });
    expect(firstNames()).toEqual([]);
    const { secret } = await lastMailTo('ann@example.com');
    const session = await guest().createSession({ userId: token.userId, secret });
    expect(firstNames()).toEqual([`users.announced.sessions.${session.$id}.create`]);
  });

  test('params: userId is required and checked even for a known email; email must be one', async () => {
    const missing = await call(server, 'POST', '/account/tokens/email', {
      body: { email: 'known@example.com' },
    });
    expect([missing.status, missing.json.type]).toEqual([400, 'general_argument_invalid']);
    expect(
      await refusal(guest().createEmailToken({ userId: '_bad', email: 'known@example.com' })),
    ).toEqual([400, 'general_argument_invalid']);
    expect(await refusal(guest().createEmailToken({ userId: 'x', email: 'not-an-email' }))).toEqual(
      [400, 'general_argument_invalid'],
    );
    // A new email with an id another account holds.
    expect(
      await refusal(guest().createEmailToken({ userId: 'known', email: 'fresh@example.com' })),
    ).toEqual([409, 'user_already_exists']);
  });

  test('turned off, it is 501 user_auth_method_unsupported for guests; a key is exempt', async () => {
    await project.updateAuthMethod({ methodId: 'email-otp' as never, enabled: false });
    try {
      expect(
        await refusal(guest().createEmailToken({ userId: 'off', email: 'off@example.com' })),
      ).toEqual([501, 'user_auth_method_unsupported']);
      const token = await withKey().createEmailToken({ userId: 'off', email: 'off@example.com' });
      expect(token.userId).toBe('off');
    } finally {
      await project.updateAuthMethod({ methodId: 'email-otp' as never, enabled: true });
    }
  });
});

describe('magic URL', () => {
  test('the link carries userId, secret, expire and project; updateMagicURLSession signs in', async () => {
    const web = guest();
    const token = await web.createMagicURLToken({
      userId: ID.unique(),
      email: 'magic@example.com',
      url: 'http://localhost:3000/magic?from=mail',
    });
    expect(token.secret).toBe('');
    expect(Date.parse(token.expire) - Date.parse(token.$createdAt)).toBe(60 * 60 * 1000);
    const mail = await lastMailTo('magic@example.com');
    expect(mail.kind).toBe('magic-url');
    const link = new URL(mail.url);
    expect(`${link.origin}${link.pathname}`).toBe('http://localhost:3000/magic');
    expect(Object.fromEntries(link.searchParams)).toEqual({
      from: 'mail',
      userId: token.userId,
      secret: mail.secret,
      expire: token.expire,
      project: server.projectId,
    });
    expect(mail.secret).toMatch(/^[0-9a-f]{64}$/);

    const session = await web.updateMagicURLSession({
      userId: link.searchParams.get('userId') ?? '',
      secret: link.searchParams.get('secret') ?? '',
    });
    expect(session).toMatchObject({ provider: 'magic-url', factors: ['email'] });
    expect((await users.get({ userId: token.userId })).emailVerification).toBe(true);
    expect(
      await refusal(guest().createSession({ userId: token.userId, secret: mail.secret })),
    ).toEqual([401, 'user_invalid_token']);
  });

  test('createSession takes the link too; without a url the link goes to the console page', async () => {
    const token = await guest().createMagicURLToken({
      userId: 'linked',
      email: 'link@example.com',
    });
    const mail = await lastMailTo('link@example.com');
    const origin = new URL(server.endpoint).origin;
    expect(mail.url.startsWith(`${origin}/console/auth/magic-url?userId=linked&`)).toBe(true);
    const session = await guest().createSession({ userId: token.userId, secret: mail.secret });
    expect(session.provider).toBe('magic-url');
  });

  test('phrase, expiry after an hour, and the method switch', async () => {
    const token = await withKey().createMagicURLToken({
      userId: 'hourly',
      email: 'hourly@example.com',
      url: 'https://example.com/in',
      phrase: true,
    });
    expect(token.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await lastMailTo('hourly@example.com')).text).toContain(token.phrase);

    await project.updateAuthMethod({ methodId: 'magic-url' as never, enabled: false });
    try {
      expect(
        await refusal(guest().createMagicURLToken({ userId: 'x', email: 'hourly@example.com' })),
      ).toEqual([501, 'user_auth_method_unsupported']);
    } finally {
      await project.updateAuthMethod({ methodId: 'magic-url' as never, enabled: true });
    }

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(token.expire) + 1000);
    expect(
      await refusal(guest().createSession({ userId: 'hourly', secret: token.secret })),
    ).toEqual([401, 'user_invalid_token']);
  });
});

describe('the user limit', () => {
  test('a new email gets no account past the limit, by code or by link; known ones still sign in', async () => {
    await users.create({ userId: 'limited', email: 'limited@example.com' });
    const { total } = await users.list();
    await project.updateUserLimitPolicy({ total });
    try {
      expect(
        await refusal(guest().createEmailToken({ userId: 'over1', email: 'over1@example.com' })),
      ).toEqual([400, 'user_count_exceeded']);
      expect(
        await refusal(guest().createMagicURLToken({ userId: 'over2', email: 'over2@example.com' })),
      ).toEqual([400, 'user_count_exceeded']);
      expect((await users.list()).total).toBe(total);
      const known = await guest().createEmailToken({
        userId: 'ignored',
        email: 'limited@example.com',
      });
      expect(known.userId).toBe('limited');
    } finally {
      await project.updateUserLimitPolicy({ total: null as never });
    }
  });
});

describe('abuse labels', () => {
  test('email tokens: 10 an hour per email; magic URLs 60, the older path counted as the route', async () => {
    const limited = await startLocalServer('limits', { abuse: true });
    try {
      const ask = (path: string, email: string) =>
        call(limited, 'POST', path, { body: { userId: 'unique()', email } });
      for (let i = 0; i < 10; i++) {
        const answer = await ask('/account/tokens/email', 'flood@example.com');
        expect(answer.status).toBe(201);
        expect(answer.headers.get('x-ratelimit-limit')).toBe('10');
      }
      const over = await ask('/account/tokens/email', 'flood@example.com');
      expect([over.status, over.json.type]).toEqual([429, 'general_rate_limit_exceeded']);

      const first = await ask('/account/tokens/magic-url', 'm@example.com');
      expect([first.status, first.headers.get('x-ratelimit-remaining')]).toEqual([201, '59']);
      const older = await ask('/account/sessions/magic-url', 'm@example.com');
      expect([older.status, older.headers.get('x-ratelimit-remaining')]).toEqual([201, '58']);
    } finally {
      await limited.close();
    }
  });
});
