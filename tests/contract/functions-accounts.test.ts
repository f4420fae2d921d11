import {
  Account,
  AppwriteException,
  Client,
  ExecutionMethod,
  Functions,
  ID,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isDerivedUserId } from '#lib/user-ids.ts';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables, eventually } from '../support/accounts-function.ts';
import { applyAgoraTables, keyClientOf } from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Registration end to end on the local Appwrite: `accounts` registers a guest with a derived id, the
 * `users.*.create` event runs `on-user-created` (profile, stats.users), and the user signs in; a user
 * made straight through `account.create` (the hole) is blocked by the event function and cannot.
 */

const SECRET = 'contract-secret-'.repeat(4);
const PASSWORD = 'Secr3tPassw0rd';

let server: LocalServer;
let tables: TablesDB;
let users: Users;

function guest(): Client {
  return new Client().setEndpoint(server.endpoint).setProject(server.projectId);
}

async function registerAs(client: Client, body: unknown) {
  const execution = await new Functions(client).createExecution({
    functionId: FunctionId.accounts,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    async: false,
    xpath: routeRequest(Route.accounts.register).path,
    method: ExecutionMethod.POST,
    headers: { 'content-type': 'application/json' },
  });
  const text = execution.responseBody;
  return {
    status: execution.responseStatusCode,
    body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> | null,
    text,
    logs: `${execution.logs}\n${execution.errors}`,
  };
}

async function rowOrUndefined(tableId: string, rowId: string) {
  try {
    return (await tables.getRow({ databaseId: DATABASE_ID, tableId, rowId })) as unknown as Record<
      string,
      unknown
    >;
  } catch (thrown) {
    if (thrown instanceof AppwriteException && thrown.code === 404) return undefined;
    throw thrown;
  }
}

async function signInError(email: string, password: string) {
  try {
    await new Account(guest()).createEmailPasswordSession({ email, password });
    return null;
  } catch (thrown) {
    if (!(thrown instanceof AppwriteException)) throw thrown;
    return { code: thrown.code, type: thrown.type };
  }
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  users = new Users(keyClient);
  await deployWithVariables(keyClient, FunctionId.accounts, { AGORA_ID_SECRET: SECRET });
  await deployWithVariables(keyClient, FunctionId.onUserCreated, { AGORA_ID_SECRET: SECRET });
}, 60_000);
afterAll(async () => server.close());

describe('registration end to end', () => {
  let registeredId = '';

  test('guest registers → 201 with a derived id; the event makes the profile and counts the user', async () => {
    const answer = await registerAs(guest(), {
      email: 'Ann@Example.com',
      password: PASSWORD,
      name: 'Ann',
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ email: 'ann@example.com', name: 'Ann' });
    registeredId = String(answer.body?.$id);
    expect(isDerivedUserId(SECRET, registeredId)).toBe(true);
    expect(answer.text + answer.logs).not.toContain(PASSWORD);

    const profile = await eventually('the profile row', () =>
      rowOrUndefined(TableId.profiles, registeredId),
    );
    expect(profile).toMatchObject({
      name: 'Ann',
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
    });
    const stats = await eventually('stats.users = 1', async () => {
      const row = await rowOrUndefined(TableId.stats, STATS_ROW_ID);
      return row?.users === 1 ? row : undefined;
    });
    expect(stats.users).toBe(1);
    expect((await users.get({ userId: registeredId })).status).toBe(true);
  });

  test('the registered user signs in with the password', async () => {
    expect(await signInError('ann@example.com', PASSWORD)).toBeNull();
  });

  test('the same email again → 409 user_already_exists', async () => {
    const answer = await registerAs(guest(), {
      email: 'ann@example.com',
      password: PASSWORD,
      name: 'Ann again',
    });
    expect(answer.status, answer.text).toBe(409);
    expect(answer.body?.type).toBe('user_already_exists');
    expect(answer.text + answer.logs).not.toContain(PASSWORD);
  });

  test('a weak password → 400 naming the rule; no user made', async () => {
    const answer = await registerAs(guest(), {
      email: 'weak@example.com',
      password: 'weakpassword',
      name: 'Weak',
    });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body?.fields).toMatchObject({
      password: { code: 'password_uppercase' },
    });
    const listed = await users.list({ search: 'weak@example.com' });
    expect(listed.users).toHaveLength(0);
  });

  test('account.create straight from the browser (the hole) → blocked by the event; sign-in refused', async () => {
    const email = 'mallory@example.com';
    const weak = 'weakpass';
    const made = await new Account(guest()).create({ userId: ID.unique(), email, password: weak });
    const blocked = await eventually('the direct user blocked', async () => {
      const user = await users.get({ userId: made.$id });
      return user.status === false ? user : undefined;
    });
    expect(blocked.status).toBe(false);
    expect(await rowOrUndefined(TableId.profiles, made.$id)).toBeUndefined();
    expect((await rowOrUndefined(TableId.stats, STATS_ROW_ID))?.users).toBe(1);
    // The local Appwrite answers a blocked user's sign-in with 403 user_blocked.
    expect(await signInError(email, weak)).toEqual({ code: 403, type: 'user_blocked' });
  });
});
