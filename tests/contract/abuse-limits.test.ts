import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../emulator/app.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Appwrite's abuse limits on the local Appwrite, over real HTTP (every request comes from
 * 127.0.0.1): the labelled routes count per filled key in a fixed window and answer 429
 * `general_rate_limit_exceeded` past the limit, with `X-RateLimit-*` headers; keys are exempt; a
 * successful sign-in resets its counter; the switch turns it all off; the store stays bounded.
 * The clock the windows follow is pinned, so no window turns mid-test.
 */

const HOUR = 3_600_000;
/** Always half past an hour, so an hour's window ends 30 minutes later. */
let clock = Date.UTC(2030, 0, 1, 10, 30, 0);
let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer('abuse', { abuse: { enabled: true, now: () => clock } });
});
afterAll(async () => server.close());
afterEach(() => {
  // Each test starts in a window of its own.
  clock += 24 * HOUR;
});

const key = () => ({ 'x-appwrite-key': server.apiKey });
const rateHeaders = (headers: Headers) => ({
  limit: headers.get('x-ratelimit-limit'),
  remaining: headers.get('x-ratelimit-remaining'),
  reset: headers.get('x-ratelimit-reset'),
});

let seq = 0;
/** `POST /account` as a guest with a fresh user id and email. */
async function signUp(headers: Record<string, string> = {}) {
  seq += 1;
  return call(server, 'POST', '/account', {
    headers,
    body: { userId: `u${seq}`, email: `u${seq}@example.com`, password: 'password123' },
  });
}

async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return call(server, 'POST', '/account/sessions/email', { headers, body: { email, password } });
}

describe('account create: 10 per hour per url + ip', () => {
  test('the first 10 count down the headers; the 11th is 429 with the headers and creates nobody', async () => {
    // Reset: the end of the fixed window, the top of the next hour, in epoch seconds.
    const windowEnd = String((clock + HOUR / 2) / 1000);
    for (let i = 0; i < 10; i++) {
      const answer = await signUp();
      expect(answer.status).toBe(201);
      expect(rateHeaders(answer.headers)).toEqual({
        limit: '10',
        remaining: String(9 - i),
        reset: windowEnd,
      });
    }
    const refused = await signUp();
    expect([refused.status, refused.json.type, refused.json.code]).toEqual([
      429,
      'general_rate_limit_exceeded',
      429,
    ]);
    expect(rateHeaders(refused.headers)).toEqual({
      limit: '10',
      remaining: '0',
      reset: windowEnd,
    });
    const lookup = await call(server, 'GET', `/users/u${seq}`, { headers: key() });
    expect(lookup.status).toBe(404);
  });

  test('20 at once → exactly 10 created, 10 × 429', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => signUp()));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  test('a fixed window: at its Reset time the counter starts over', async () => {
    for (let i = 0; i < 10; i++) expect((await signUp()).status).toBe(201);
    expect((await signUp()).status).toBe(429);
    clock += HOUR;
    const next = await signUp();
    expect(next.status).toBe(201);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('9');
  });

  test('an API key is never limited (the headers still come, nothing is counted)', async () => {
    for (let i = 0; i < 15; i++) {
      const answer = await signUp(key());
      expect(answer.status).toBe(201);
      expect(answer.headers.get('x-ratelimit-remaining')).toBe('9');
    }
  });
});

describe('email session: 10 per hour per email, reset by a successful sign-in', () => {
  const email = 'victim@example.com';
  const password = 'right-password';

  beforeAll(async () => {
    const created = await call(server, 'POST', '/users', {
      headers: key(),
      body: { userId: 'victim', email, password },
    });
    expect(created.status).toBe(201);
  });

  test('9 wrong passwords, then the right one resets: 10 more wrong ones pass, the 11th is 429', async () => {
    for (let i = 0; i < 9; i++) expect((await signIn(email, 'wrong')).status).toBe(401);
    const success = await signIn(email, password);
    expect(success.status).toBe(201);
    expect(success.headers.get('x-ratelimit-remaining')).toBe('0');
    for (let i = 0; i < 10; i++) {
      const answer = await signIn(email, 'wrong');
      expect([answer.status, answer.json.type]).toEqual([401, 'user_invalid_credentials']);
      expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(9 - i));
    }
    const refused = await signIn(email, password);
    expect([refused.status, refused.json.type]).toEqual([429, 'general_rate_limit_exceeded']);
    // Another address has its own counter.
    expect((await signIn('someone-else@example.com', 'wrong')).status).toBe(401);
  });

  test('a key signing users in (the SSR flow) is never limited and counts nothing', async () => {
    for (let i = 0; i < 12; i++) expect((await signIn(email, 'wrong', key())).status).toBe(401);
    const guest = await signIn(email, 'wrong');
    expect([guest.status, guest.headers.get('x-ratelimit-remaining')]).toEqual([401, '9']);
  });
});

describe('an emailed code: 10 guesses per hour per IP and user, on either sign-in path', () => {
  test('10 wrong codes, then the right one is 429 and still unused; it signs in next window', async () => {
    const asked = await call(server, 'POST', '/account/tokens/email', {
      body: { userId: 'otp-victim', email: 'otp-victim@example.com' },
    });
    expect(asked.status).toBe(201);
    const outbox = await call(server, 'GET', '/local/outbox?to=otp-victim%40example.com');
    const code: string = outbox.json.messages[0].secret;
    const wrong = `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;
    const attempt = (secret: string, i: number) =>
      i % 2 === 0
        ? call(server, 'POST', '/account/sessions/token', {
            body: { userId: 'otp-victim', secret },
          })
        : call(server, 'PUT', '/account/sessions/magic-url', {
            body: { userId: 'otp-victim', secret },
          });
    for (let i = 0; i < 10; i++) {
      const answer = await attempt(wrong, i);
      expect([answer.status, answer.json.type]).toEqual([401, 'user_invalid_token']);
    }
    const refused = await attempt(code, 0);
    expect([refused.status, refused.json.type]).toEqual([429, 'general_rate_limit_exceeded']);
    clock += HOUR;
    const signedIn = await attempt(code, 1);
    expect([signedIn.status, signedIn.json.provider]).toEqual([201, 'token']);
  });
});

describe('JWT: 120 a minute per user, the alias /account/jwt counted with /account/jwts', () => {
  test('60 + 60 pass, the 121st is 429', async () => {
    await call(server, 'POST', '/users', {
      headers: key(),
      body: { userId: 'jwt-user', email: 'jwt@example.com' },
    });
    const session = await call(server, 'POST', '/users/jwt-user/sessions', { headers: key() });
    const headers = { 'x-appwrite-session': session.json.secret as string };
    const jwt = (path: string) => call(server, 'POST', path, { headers, body: {} });
    for (let i = 0; i < 60; i++) expect((await jwt('/account/jwts')).status).toBe(201);
    for (let i = 0; i < 60; i++) expect((await jwt('/account/jwt')).status).toBe(201);
    const refused = await jwt('/account/jwts');
    expect([refused.status, refused.json.type]).toEqual([429, 'general_rate_limit_exceeded']);
    expect(rateHeaders(refused.headers).limit).toBe('120');
  });
});

describe('function create: 50 a day per project, for keys too (Appwrite exempts nobody here)', () => {
  test('the 51st function with a full-scope key is 429', async () => {
    const create = (id: string) =>
      call(server, 'POST', '/functions', {
        headers: key(),
        body: { functionId: id, name: id, runtime: 'node-22' },
      });
    for (let i = 0; i < 50; i++) expect((await create(`f${i}`)).status).toBe(201);
    const refused = await create('f50');
    expect([refused.status, refused.json.type]).toEqual([429, 'general_rate_limit_exceeded']);
    expect(rateHeaders(refused.headers).limit).toBe('50');
  });
});

describe('the store is bounded', () => {
  test('300 sign-ins for distinct emails keep at most maxCounters counters, and none is refused', async () => {
    const small = await startLocalServer('bounded', { abuse: { enabled: true, maxCounters: 50 } });
    try {
      for (let i = 0; i < 300; i++) {
        const answer = await call(small, 'POST', '/account/sessions/email', {
          body: { email: `nobody${i}@example.com`, password: 'wrong' },
        });
        expect(answer.status).toBe(401);
      }
      expect(small.app.emulator.abuse.size).toBe(50);
    } finally {
      await small.close();
    }
  });
});

describe('a counter at its limit outlives a flood of fresh keys', () => {
  // A flood of distinct keys evicts the least recently used counters; were the victim's spent
  // counter among them, each `maxCounters` junk requests would buy 10 more guesses at a code.
  test('10 wrong codes, 40 junk user ids through a 20-counter store, and the 11th guess is still 429', async () => {
    const small = await startLocalServer('flood', {
      abuse: { enabled: true, maxCounters: 20, now: () => clock },
    });
    try {
      const guess = (userId: string) =>
        call(small, 'POST', '/account/sessions/token', { body: { userId, secret: '000000' } });
      for (let i = 0; i < 10; i++) expect((await guess('victim')).status).toBe(401);
      expect((await guess('victim')).status).toBe(429);
      for (let i = 0; i < 40; i++) expect((await guess(`junk${i}`)).status).toBe(401);
      const again = await guess('victim');
      expect([again.status, again.json.type]).toEqual([429, 'general_rate_limit_exceeded']);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(small.app.emulator.abuse.size).toBeLessThanOrEqual(40);
    } finally {
      await small.close();
    }
  });
});

describe('the switch', () => {
  test('buildApp({ abuse: false }): nothing is limited; the headers are still sent, as Appwrite does', async () => {
    const off = await startLocalServer('off', { abuse: false });
    try {
      for (let i = 0; i < 12; i++) {
        const answer = await call(off, 'POST', '/account', {
          body: { userId: `off${i}`, email: `off${i}@example.com`, password: 'password123' },
        });
        expect(answer.status).toBe(201);
        expect(answer.headers.get('x-ratelimit-remaining')).toBe('9');
      }
    } finally {
      await off.close();
    }
  });

  test.each([
    ['_APP_OPTIONS_ABUSE=disabled → off', 'disabled', 201],
    ['_APP_OPTIONS_ABUSE unset → on, as in Appwrite', undefined, 429],
  ])('%s', async (_name, value, eleventh) => {
    const saved = process.env._APP_OPTIONS_ABUSE;
    if (value === undefined) delete process.env._APP_OPTIONS_ABUSE;
    else process.env._APP_OPTIONS_ABUSE = value;
    const app = await buildApp({ projectId: 'env' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const answer = await app.inject({
          method: 'POST',
          url: '/v1/account',
          headers: { 'x-appwrite-project': 'env' },
          payload: { userId: `env${i}`, email: `env${i}@example.com`, password: 'password123' },
        });
        statuses.push(answer.statusCode);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
      expect(statuses[10]).toBe(eleventh);
    } finally {
      if (saved === undefined) delete process.env._APP_OPTIONS_ABUSE;
      else process.env._APP_OPTIONS_ABUSE = saved;
      await app.close();
    }
  });
});
