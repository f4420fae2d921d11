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
import { isDerivedUserId } from '#lib/user-ids.ts';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, TableId } from '../../shared/ids.ts';
import { deployWithVariables, eventually } from '../support/accounts-function.ts';
import {
  type AdminAnswer,
  deployAdmin,
  executeAdmin,
  sessionUser,
  TEST_ID_SECRET,
} from '../support/admin-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `admin` function end to end on the local Appwrite: deployed with its appwrite.json settings
 * (`execute: ["label:admin"]`), executed with real sessions. Appwrite refuses guests and users before
 * the function runs; an API key gets in but the function's own check refuses it; labels, status and
 * deletion are read back through the Users API, and a blocked user's session really stops working.
 */

const PASSWORD = 'Adm1nPassword';

let server: LocalServer;
let keyClient: Client;
let users: Users;
let admin: Client;
let adminId: string;
let plain: Client;
let plainId: string;

function guest(): Client {
  return new Client().setEndpoint(server.endpoint).setProject(server.projectId);
}

async function accountError(client: Client): Promise<{ code: number; type: string } | null> {
  try {
    await new Account(client).get();
    return null;
  } catch (thrown) {
    if (!(thrown instanceof AppwriteException)) throw thrown;
    return { code: thrown.code, type: thrown.type };
  }
}

const outcome = (answer: AdminAnswer) => [answer.status, answer.body?.type ?? answer.refusedBy];

beforeAll(async () => {
  server = await startLocalServer();
  keyClient = await deployAdmin(server);
  await deployWithVariables(keyClient, FunctionId.onUserDeleted, {});
  users = new Users(keyClient);
  ({ client: admin, userId: adminId } = await sessionUser(server, keyClient, ['admin']));
  ({ client: plain, userId: plainId } = await sessionUser(server, keyClient));
}, 90_000);
afterAll(async () => server.close());

describe('admin end to end', () => {
  test('guest and user are refused by Appwrite (execute label:admin); an API key by the function', async () => {
    const list = routeRequest(Route.admin.listUsers);
    expect(outcome(await executeAdmin(guest(), list))).toEqual([401, 'user_unauthorized']);
    expect(outcome(await executeAdmin(plain, list))).toEqual([401, 'user_unauthorized']);
    const byKey = await executeAdmin(keyClient, list);
    expect(byKey.refusedBy).toBeUndefined();
    expect([byKey.status, byKey.body?.type]).toEqual([401, 'user_unauthorized']);
    expect((await executeAdmin(admin, list)).status).toBe(200);
  });

  test('list pages by cursor through every user, without secrets', async () => {
    for (let i = 0; i < 7; i++) {
      await users.create({ userId: `paged-${i}`, email: `paged-${i}@example.com`, name: `P${i}` });
    }
    const expected = (await users.list({ queries: [Query.limit(100)] })).users.map((u) => u.$id);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const answer = await executeAdmin(admin, { method: 'GET', path: `/users${query}` });
      expect(answer.status, answer.text).toBe(200);
      const body = answer.body as { users: { $id: string }[]; nextCursor: string | null };
      expect(body.users.length).toBeLessThanOrEqual(3);
      seen.push(...body.users.map((u) => u.$id));
      cursor = body.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(expected);
    const one = await executeAdmin(admin, { method: 'GET', path: '/users?search=paged-3' });
    expect(((one.body?.users ?? []) as { $id: string }[]).map((u) => u.$id)).toEqual(['paged-3']);
    expect(one.text).not.toMatch(/"(password|hash|hashOptions|prefs|targets)"/);
  });

  test('a bad query → 400 naming the field', async () => {
    const answer = await executeAdmin(admin, { method: 'GET', path: '/users?limit=0' });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body?.fields as object)).toEqual(['limit']);
    const cursor = await executeAdmin(admin, { method: 'GET', path: '/users?cursor=nobody' });
    expect([cursor.status, Object.keys(cursor.body?.fields as object)]).toEqual([400, ['cursor']]);
  });

  test('create → a derived id the event profiles, the password signs in; the same email → 409', async () => {
    const create = routeRequest(Route.admin.createUser);
    const answer = await executeAdmin(admin, create, {
      email: 'Made@Example.com',
      password: PASSWORD,
      name: 'Made',
      admin: true,
    });
    expect(answer.status, answer.text).toBe(201);
    const userId = String(answer.body?.$id);
    expect(isDerivedUserId(TEST_ID_SECRET, userId)).toBe(true);
    expect(answer.body).toMatchObject({
      email: 'made@example.com',
      admin: true,
      labels: ['member', 'admin'],
    });
    expect(answer.text).not.toContain(PASSWORD);
    const tables = new TablesDB(keyClient);
    await eventually('the profile of the new user', async () => {
      try {
        return await tables.getRow({
          databaseId: DATABASE_ID,
          tableId: TableId.profiles,
          rowId: userId,
        });
      } catch {
        return undefined;
      }
    });
    // The gate, vetting the user, wrote the labels the registration asked for.
    const user = await eventually('the gate to vet the new user', async () => {
      const made = await users.get({ userId });
      return made.labels.includes('member') ? made : undefined;
    });
    expect([user.status, user.labels]).toEqual([true, ['member', 'admin']]);
    await new Account(guest()).createEmailPasswordSession({
      email: 'made@example.com',
      password: PASSWORD,
    });

    const again = await executeAdmin(admin, create, {
      email: 'made@example.com',
      password: PASSWORD,
      name: 'Again',
    });
    expect(outcome(again)).toEqual([409, 'user_already_exists']);
    const weak = await executeAdmin(admin, create, {
      email: 'weak@example.com',
      password: 'weak',
      name: 'Weak',
    });
    expect(weak.status).toBe(400);
    expect(Object.keys(weak.body?.fields as object)).toEqual(['password']);
  });

  test('grant keeps other labels and lets the user in; revoke shuts them out again', async () => {
    const { client: target, userId: promoted } = await sessionUser(server, keyClient, ['beta']);
    const list = routeRequest(Route.admin.listUsers);
    expect(outcome(await executeAdmin(target, list))).toEqual([401, 'user_unauthorized']);

    const grant = routeRequest(Route.admin.setAdmin, { userId: promoted });
    const granted = await executeAdmin(admin, grant, { admin: true });
    expect(granted.status, granted.text).toBe(200);
    expect((await users.get({ userId: promoted })).labels).toEqual(['member', 'beta', 'admin']);
    expect((await executeAdmin(target, list)).status).toBe(200);

    const revoked = await executeAdmin(admin, grant, { admin: false });
    expect(revoked.status).toBe(200);
    expect((await users.get({ userId: promoted })).labels).toEqual(['member', 'beta']);
    expect(outcome(await executeAdmin(target, list))).toEqual([401, 'user_unauthorized']);

    const self = routeRequest(Route.admin.setAdmin, { userId: adminId });
    const refused = await executeAdmin(admin, self, { admin: false });
    expect([refused.status, Object.keys(refused.body?.fields as object)]).toEqual([
      400,
      ['userId'],
    ]);
    expect((await users.get({ userId: adminId })).labels).toEqual(['member', 'admin']);
  });

  test('block: the user’s existing session stops working (403 user_blocked); unblock restores it', async () => {
    const { client: target, userId: blockme } = await sessionUser(server, keyClient);
    expect(await accountError(target)).toBeNull();
    const block = routeRequest(Route.admin.setBlocked, { userId: blockme });

    const blocked = await executeAdmin(admin, block, { blocked: true });
    expect(blocked.status, blocked.text).toBe(200);
    expect(blocked.body).toMatchObject({ $id: blockme, status: false });
    expect(await accountError(target)).toEqual({ code: 403, type: 'user_blocked' });
    await expect(
      new Functions(target).createExecution({ functionId: 'admin', async: false }),
    ).rejects.toMatchObject({ code: 403 });

    expect((await executeAdmin(admin, block, { blocked: false })).status).toBe(200);
    expect(await accountError(target)).toBeNull();

    const self = routeRequest(Route.admin.setBlocked, { userId: adminId });
    expect((await executeAdmin(admin, self, { blocked: true })).status).toBe(400);
    expect((await users.get({ userId: adminId })).status).toBe(true);
  });

  test('delete: the user is gone, their session and profile with them; yourself → 400; twice → 404', async () => {
    const { client: target, userId: deleteme } = await sessionUser(server, keyClient);
    const tables = new TablesDB(keyClient);
    const profile = () =>
      tables
        .getRow({ databaseId: DATABASE_ID, tableId: TableId.profiles, rowId: deleteme })
        .then(() => true)
        .catch(() => false);
    await eventually('the profile on-user-created makes', async () =>
      (await profile()) ? true : undefined,
    );
    const remove = routeRequest(Route.admin.removeUser, { userId: deleteme });
    const answer = await executeAdmin(admin, remove);
    expect(answer.status, answer.text).toBe(204);
    await expect(users.get({ userId: deleteme })).rejects.toMatchObject({ code: 404 });
    // The users.*.delete event runs on-user-deleted, which removes what the user left behind.
    await eventually('on-user-deleted to remove the profile', async () =>
      (await profile()) ? undefined : true,
    );
    expect((await accountError(target))?.code).toBe(401);
    expect(outcome(await executeAdmin(admin, remove))).toEqual([404, 'user_not_found']);

    const self = routeRequest(Route.admin.removeUser, { userId: adminId });
    const refused = await executeAdmin(admin, self);
    expect([refused.status, Object.keys(refused.body?.fields as object)]).toEqual([
      400,
      ['userId'],
    ]);
    expect((await users.get({ userId: adminId })).$id).toBe(adminId);
  });

  test('every route refuses a non-admin before touching anything', async () => {
    const routes: [{ method: string; path: string }, unknown][] = [
      [
        routeRequest(Route.admin.createUser),
        { email: 'x@example.com', password: PASSWORD, name: 'X' },
      ],
      [routeRequest(Route.admin.removeUser, { userId: plainId }), undefined],
      [routeRequest(Route.admin.setAdmin, { userId: plainId }), { admin: true }],
      [routeRequest(Route.admin.setBlocked, { userId: adminId }), { blocked: true }],
      [routeRequest(Route.admin.startExport), {}],
    ];
    for (const [request, body] of routes) {
      for (const who of [guest(), plain, keyClient]) {
        const answer = await executeAdmin(who, request, body);
        expect(outcome(answer), `${request.method} ${request.path}`).toEqual([
          401,
          'user_unauthorized',
        ]);
      }
    }
    expect((await users.get({ userId: plainId })).labels).toEqual(['member']);
    expect((await users.get({ userId: adminId })).status).toBe(true);
    expect((await users.list({ queries: [Query.equal('email', 'x@example.com')] })).total).toBe(0);
    const jobs = await new TablesDB(keyClient).listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.jobs,
    });
    expect(jobs.total).toBe(0);
  });
});
