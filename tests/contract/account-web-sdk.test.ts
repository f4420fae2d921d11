// @vitest-environment jsdom
import { Account, AppwriteException, Client, ID } from 'appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Account through the real web SDK 28.0.0 in a jsdom window. Node's fetch keeps no cookies, so this is
 * the path a browser takes when cookies are refused: the session travels in `X-Fallback-Cookies`, which
 * the SDK stores in localStorage (`cookieFallback`) and sends back on every call.
 */

/** jsdom's localStorage (the node tsconfig carries no DOM types). */
const storage = () =>
  (
    globalThis as unknown as {
      localStorage: { getItem(key: string): string | null; clear(): void };
    }
  ).localStorage;

let server: LocalServer;
let account: Account;
const PASSWORD = 'correct-horse-battery';

beforeAll(async () => {
  server = await startLocalServer();
  storage().clear();
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  account = new Account(client);
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

describe('web SDK Account', () => {
  it('a guest is refused /account', async () => {
    const error = await failure(account.get());
    expect([error.code, error.type]).toEqual([401, 'general_unauthorized_scope']);
  });

  it('signs up, signs in (session kept through X-Fallback-Cookies) and reads the account', async () => {
    const user = await account.create({
      userId: ID.unique(),
      email: 'web@example.com',
      password: PASSWORD,
      name: 'Web',
    });
    expect(user.email).toBe('web@example.com');
    const session = await account.createEmailPasswordSession({
      email: 'web@example.com',
      password: PASSWORD,
    });
    expect(session.secret).toBe('');
    const stored = JSON.parse(storage().getItem('cookieFallback') ?? '{}');
    expect(Object.keys(stored)).toEqual([`a_session_${server.projectId}`]);
    const me = await account.get();
    expect(me).toMatchObject({ $id: user.$id, name: 'Web', emailVerification: false });
  });

  it('updates prefs and name, lists sessions, mints a JWT', async () => {
    expect((await account.updatePrefs({ prefs: { theme: 'dark' } })).prefs).toEqual({
      theme: 'dark',
    });
    expect((await account.updateName({ name: 'Web User' })).name).toBe('Web User');
    const sessions = await account.listSessions();
    expect(sessions.total).toBe(1);
    expect(sessions.sessions[0]?.current).toBe(true);
    const { jwt } = await account.createJWT();
    expect(jwt.split('.')).toHaveLength(3);
  });

  it('verifies the email with the link from the local outbox', async () => {
    await account.createEmailVerification({ url: 'http://localhost:3000/verify' });
    const outbox = await fetch(`${server.endpoint}/local/outbox?to=web@example.com`);
    const { messages } = (await outbox.json()) as { messages: Array<{ url: string }> };
    const link = new URL(messages[0]?.url ?? '');
    await account.updateEmailVerification({
      userId: link.searchParams.get('userId') ?? '',
      secret: link.searchParams.get('secret') ?? '',
    });
    expect((await account.get()).emailVerification).toBe(true);
  });

  it('signs out: the server answers X-Fallback-Cookies: [] and the SDK forgets the session', async () => {
    await account.deleteSession({ sessionId: 'current' });
    expect(storage().getItem('cookieFallback')).toBe('[]');
    const error = await failure(account.get());
    expect(error.code).toBe(401);
  });
});
