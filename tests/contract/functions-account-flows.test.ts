import {
  Account,
  AppwriteException,
  Client,
  Functions,
  Query,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables, eventually } from '../support/accounts-function.ts';
import { applyAgoraBuckets } from '../support/agora-buckets.ts';
import { countersAndRecount } from '../support/agora-counters.ts';
import {
  applyAgoraTables,
  deployPosts,
  executeFunction,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * An account's life end to end on the local Appwrite: register through `accounts` → verify the email
 * with the link from the local outbox → recover the password through `PUT /recovery` (our policy,
 * then Appwrite's own check of the secret) → sign in with the new password → delete the account
 * through `DELETE /account`, after which `on-user-deleted` removes their post, comment and like with
 * every counter exact.
 */

const SECRET = 'contract-secret-'.repeat(4);
const EMAIL = 'ann@example.com';
const PASSWORD = 'Secr3tPassw0rd';
const NEW_PASSWORD = 'N3wSecr3tPassword';

let server: LocalServer;
let keyClient: Client;
let tables: TablesDB;
let users: Users;
let bob: Client;
let annId = '';
let ann: Client;

function guest(): Client {
  return new Client().setEndpoint(server.endpoint).setProject(server.projectId);
}

/** Signs in with email and password; the session client, or the error Appwrite answered. */
async function signIn(password: string): Promise<Client | AppwriteException> {
  try {
    // With a key, Appwrite hands back the session secret (server-side rendering); a browser gets a cookie.
    const session = await new Account(keyClient).createEmailPasswordSession({
      email: EMAIL,
      password,
    });
    return guest().setSession(session.secret);
  } catch (thrown) {
    if (thrown instanceof AppwriteException) return thrown;
    throw thrown;
  }
}

/** The newest message of `kind` the local outbox holds for `EMAIL`, as the link's query. */
async function latestLink(kind: 'verification' | 'recovery'): Promise<URLSearchParams> {
  const answer = await fetch(`${server.endpoint}/local/outbox?to=${encodeURIComponent(EMAIL)}`, {
    headers: { 'x-appwrite-project': server.projectId, 'x-appwrite-key': server.apiKey },
  });
  const { messages } = (await answer.json()) as { messages: { kind: string; url: string }[] };
  const message = messages.find((m) => m.kind === kind);
  if (!message) throw new Error(`no ${kind} message in the outbox`);
  return new URL(message.url).searchParams;
}

async function rowExists(tableId: string, rowId: string): Promise<boolean> {
  try {
    await tables.getRow({ databaseId: DATABASE_ID, tableId, rowId });
    return true;
  } catch (thrown) {
    if (thrown instanceof AppwriteException && thrown.code === 404) return false;
    throw thrown;
  }
}

const run = (client: Client, functionId: string, route: string, params = {}, body?: unknown) =>
  executeFunction(client, functionId, routeRequest(route as never, params), body);

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  users = new Users(keyClient);
  await applyAgoraBuckets(keyClient);
  // Bob exists before the event functions do, so on-user-created does not see (and block) him.
  bob = await userWithSession(server, keyClient, 'bob');
  await tables.createRow({
    databaseId: DATABASE_ID,
    tableId: TableId.stats,
    rowId: STATS_ROW_ID,
    data: { users: 1, posts: 0, comments: 0, likes: 0 },
  });
  await deployPosts(keyClient);
  await deployWithVariables(keyClient, FunctionId.accounts, { AGORA_ID_SECRET: SECRET });
  await deployWithVariables(keyClient, FunctionId.onUserCreated, { AGORA_ID_SECRET: SECRET });
  await deployWithVariables(keyClient, FunctionId.onUserDeleted, {});
}, 90_000);
afterAll(async () => server.close());

describe('an account’s life', () => {
  test('register → the event makes the profile → sign in', async () => {
    const answer = await run(
      guest(),
      FunctionId.accounts,
      Route.accounts.register,
      {},
      {
        email: EMAIL,
        password: PASSWORD,
        name: 'Ann',
      },
    );
    expect(answer.status, answer.text).toBe(201);
    annId = String(answer.body?.$id);
    await eventually('the profile', async () =>
      (await rowExists(TableId.profiles, annId)) ? true : undefined,
    );
    const session = await signIn(PASSWORD);
    expect(session).toBeInstanceOf(Client);
    ann = session as Client;
  });

  test('email verification: createVerification → the outbox link → updateVerification → verified', async () => {
    const account = new Account(ann);
    expect((await account.get()).emailVerification).toBe(false);
    await account.createVerification({ url: 'http://localhost:5173/verify' });
    const link = await latestLink('verification');
    expect(link.get('userId')).toBe(annId);
    await account.updateVerification({
      userId: String(link.get('userId')),
      secret: String(link.get('secret')),
    });
    expect((await account.get()).emailVerification).toBe(true);
  });

  test('recovery: a weak password → 400 fields.password; a wrong secret → 401; a strong one → sign in with it', async () => {
    await new Account(guest()).createRecovery({
      email: EMAIL,
      url: 'http://localhost:5173/recover',
    });
    const link = await latestLink('recovery');
    const body = (password: string, secret = String(link.get('secret'))) => ({
      userId: String(link.get('userId')),
      secret,
      password,
    });

    const weak = await run(
      guest(),
      FunctionId.accounts,
      Route.accounts.completeRecovery,
      {},
      body('password1'),
    );
    expect(weak.status, weak.text).toBe(400);
    expect(weak.body).toMatchObject({
      type: 'general_argument_invalid',
      fields: { password: { code: 'password_uppercase' } },
    });

    const wrong = await run(
      guest(),
      FunctionId.accounts,
      Route.accounts.completeRecovery,
      {},
      body(NEW_PASSWORD, 'not-the-secret'),
    );
    expect(wrong.status, wrong.text).toBe(401);
    expect(wrong.body).toMatchObject({ type: 'user_invalid_token', code: 401 });
    expect(wrong.text).not.toContain(NEW_PASSWORD);

    const done = await run(
      guest(),
      FunctionId.accounts,
      Route.accounts.completeRecovery,
      {},
      body(NEW_PASSWORD),
    );
    expect(done.status, done.text).toBe(204);

    const again = await run(
      guest(),
      FunctionId.accounts,
      Route.accounts.completeRecovery,
      {},
      body('An0therPassword'),
    );
    expect([again.status, again.body?.type]).toEqual([401, 'user_invalid_token']);

    const old = await signIn(PASSWORD);
    expect(old).toMatchObject({ code: 401, type: 'user_invalid_credentials' });
    const fresh = await signIn(NEW_PASSWORD);
    expect(fresh).toBeInstanceOf(Client);
    ann = fresh as Client;
  });

  test('delete account → user and profile gone; their post, comment and like gone; counters exact', async () => {
    const post = async (as: Client) => {
      const answer = await run(
        as,
        FunctionId.posts,
        Route.posts.create,
        {},
        { title: 'T', body: 'B' },
      );
      expect(answer.status, answer.text).toBe(201);
      return String(answer.body?.$id);
    };
    const annPost = await post(ann);
    const bobPost = await post(bob);
    for (const [as, postId] of [
      [ann, bobPost],
      [bob, annPost],
    ] as const) {
      expect(
        (await run(as, FunctionId.posts, Route.posts.comment, { postId }, { body: 'c' })).status,
      ).toBe(201);
      expect((await run(as, FunctionId.posts, Route.posts.like, { postId })).status).toBe(200);
    }
    const before = await countersAndRecount(tables);
    expect(before.stored).toEqual(before.recount);
    expect(before.stored.stats).toEqual({ users: 2, posts: 2, comments: 2, likes: 2 });

    const asGuest = await run(guest(), FunctionId.accounts, Route.accounts.deleteAccount);
    expect([asGuest.status, asGuest.body?.type]).toEqual([401, 'user_unauthorized']);

    const deleted = await run(ann, FunctionId.accounts, Route.accounts.deleteAccount);
    expect(deleted.status, deleted.text).toBe(204);
    await expect(users.get({ userId: annId })).rejects.toMatchObject({ code: 404 });

    const cleaned = await eventually('on-user-deleted to finish', async () => {
      const list = await new Functions(keyClient).listExecutions({
        functionId: FunctionId.onUserDeleted,
        queries: [Query.limit(1)],
      });
      const execution = list.executions[0];
      return execution && ['completed', 'failed'].includes(execution.status)
        ? execution
        : undefined;
    });
    expect(cleaned.status, cleaned.errors).toBe('completed');

    expect(await rowExists(TableId.profiles, annId)).toBe(false);
    const after = await countersAndRecount(tables);
    expect(after.stored).toEqual(after.recount);
    expect(after.stored.stats).toEqual({ users: 1, posts: 1, comments: 0, likes: 0 });
    expect(after.rows.posts.map((p) => p.$id)).toEqual([bobPost]);
    expect(after.stored.posts[bobPost]).toEqual([0, 0]);
    expect(after.stored.profiles.bob).toEqual([1, 0, 0]);
  });
});
