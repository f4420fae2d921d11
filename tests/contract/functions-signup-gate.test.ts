import {
  Account,
  type AppwriteException,
  Client,
  Functions,
  ID,
  Query,
  Storage,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registrationStore } from '#lib/registrations.ts';
import { deriveUserId } from '#lib/user-ids.ts';
import { FunctionId, Route, type RouteKey, routeRequest } from '../../shared/functions.ts';
import { BucketId, DATABASE_ID, MEMBER_LABEL, TableId } from '../../shared/ids.ts';
import type { Job } from '../../shared/schemas/job.ts';
import { deployWithVariables, eventually } from '../support/accounts-function.ts';
import { applyAgoraBuckets } from '../support/agora-buckets.ts';
import { applyAgoraTables, executeFunction, keyClientOf } from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The ways a guest got past Agora's sign-up gate (security issue, items 1–4), end to end on the local
 * Appwrite with the real functions: `accounts`, `on-user-created`, `on-user-deleted`, `posts`, `admin`
 * and `export-users`, triggered by real events. This project has no `settings` block, so anonymous
 * sessions and Appwrite's open `account.create` are on — the functions alone must hold the line.
 */

const SECRET = 'gate-secret-'.repeat(4);
const PASSWORD = 'Secr3tPassw0rd';

let server: LocalServer;
let keyClient: Client;
let users: Users;
let tables: TablesDB;

const guest = () => new Client().setEndpoint(server.endpoint).setProject(server.projectId);
const withSession = (secret: string) => guest().setSession(secret);

function call(client: Client, functionId: string, route: RouteKey, body?: unknown, params = {}) {
  return executeFunction(client, functionId, routeRequest(route, params), body);
}

/**
 * Signs in as a browser does (no key): Appwrite answers a client's session with an empty `secret` and
 * the real one in its `a_session_<project>` cookie, which a server-side client sends as the session.
 */
async function browserSession(
  path: string,
  body: unknown,
): Promise<{ userId: string; client: Client }> {
  const response = await fetch(`${server.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-appwrite-project': server.projectId },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`a_session_${server.projectId}=`));
  const secret = decodeURIComponent(cookie?.split(';')[0]?.split('=')[1] ?? '');
  const session = (await response.json()) as { userId: string };
  return { userId: session.userId, client: withSession(secret) };
}

/** A session client for the user with this email (made with the key: no password round). */
async function signIn(email: string): Promise<Client> {
  const user = (await users.list({ queries: [Query.equal('email', email)] })).users[0];
  if (!user) throw new Error(`no user ${email}`);
  return withSession((await users.createSession({ userId: user.$id })).secret);
}

async function countRows(tableId: string, queries: string[] = []): Promise<number> {
  const list = await tables.listRows({ databaseId: DATABASE_ID, tableId, queries });
  return list.total;
}

/** Waits for `on-user-created` to have decided about the user: vetted or blocked. */
async function gateDecided(userId: string) {
  return eventually(`the gate's decision on ${userId}`, async () => {
    const user = await users.get({ userId });
    return user.labels.includes(MEMBER_LABEL) || !user.status ? user : undefined;
  });
}

/** A member as `accounts` makes one: registered, vetted by the gate, email verified. */
async function registeredMember(email: string): Promise<{ userId: string; client: Client }> {
  const answer = await call(guest(), FunctionId.accounts, Route.accounts.register, {
    email,
    password: PASSWORD,
    name: email.split('@')[0],
  });
  expect(answer.status, answer.text).toBe(201);
  const userId = String(answer.body?.$id);
  expect((await gateDecided(userId)).labels).toContain(MEMBER_LABEL);
  await users.updateEmailVerification({ userId, emailVerification: true });
  return { userId, client: await signIn(email) };
}

/** Forgets this address's sign-up window, so a test starts with the full allowance of 5. */
async function freshSignUpWindow() {
  const rows = await tables.listRows({
    databaseId: DATABASE_ID,
    tableId: TableId.ratelimits,
    queries: [Query.equal('action', 'register'), Query.limit(100)],
  });
  for (const row of rows.rows) {
    await tables.deleteRow({
      databaseId: DATABASE_ID,
      tableId: TableId.ratelimits,
      rowId: row.$id,
    });
  }
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  await applyAgoraBuckets(keyClient);
  users = new Users(keyClient);
  tables = new TablesDB(keyClient);
  const withSecret = { AGORA_ID_SECRET: SECRET };
  await deployWithVariables(keyClient, FunctionId.accounts, withSecret);
  await deployWithVariables(keyClient, FunctionId.onUserCreated, withSecret);
  await deployWithVariables(keyClient, FunctionId.onUserDeleted, {});
  await deployWithVariables(keyClient, FunctionId.posts, {});
  await deployWithVariables(keyClient, FunctionId.admin, withSecret);
  await deployWithVariables(keyClient, FunctionId.exportUsers, {});
}, 120_000);
afterAll(async () => server.close());

describe('item 1: a session the gate never vetted can write nothing', () => {
  test('an anonymous session posting 5 times at once, before the gate runs → 5 × 401, no post, no counter', async () => {
    const { userId, client: anonymous } = await browserSession('/account/sessions/anonymous', {});
    const before = await countRows(TableId.posts);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(anonymous, FunctionId.posts, Route.posts.create, { title: `spam ${i}`, body: 'x' }),
      ),
    );
    expect(answers.map((answer) => [answer.status, answer.body?.type])).toEqual(
      Array(5).fill([401, 'user_unauthorized']),
    );
    expect(await countRows(TableId.posts)).toBe(before);
    // No rate-limit row either: the caller is refused before anything is written on their behalf.
    expect(await countRows(TableId.ratelimits, [Query.equal('userId', userId)])).toBe(0);
    // The gate blocks the anonymous user (its id was not issued by Agora).
    expect((await gateDecided(userId)).status).toBe(false);
  });
});

describe('item 2: a deleted user’s id cannot be taken over', () => {
  test('the id re-created through account.create is blocked and can do nothing', async () => {
    const ann = await registeredMember('ann@example.com');
    const posted = await call(ann.client, FunctionId.posts, Route.posts.create, {
      title: 'Hello',
      body: 'Mine',
    });
    expect(posted.status, posted.text).toBe(201);
    const deleted = await call(ann.client, FunctionId.accounts, Route.accounts.deleteAccount);
    expect(deleted.status, deleted.text).toBe(204);
    await eventually('ann’s post removed', async () =>
      (await countRows(TableId.posts, [Query.equal('authorId', ann.userId)])) === 0
        ? true
        : undefined,
    );

    // A stranger takes the public id (authorId, profile row id) with a weak password.
    const account = new Account(guest());
    const taken = await account.create({
      userId: ann.userId,
      email: 'mallory@example.com',
      password: 'password',
    });
    expect(taken.$id).toBe(ann.userId);
    // Whether or not the gate has run yet, the stranger's session cannot write: unvetted (401 from
    // the function) or already blocked (403 from Appwrite).
    const { client: mallory } = await browserSession('/account/sessions/email', {
      email: 'mallory@example.com',
      password: 'password',
    });
    const early = await call(mallory, FunctionId.posts, Route.posts.create, {
      title: 'x',
      body: 'y',
    }).catch((thrown: AppwriteException) => ({ status: thrown.code, body: { type: thrown.type } }));
    expect([
      [401, 'user_unauthorized'],
      [403, 'user_blocked'],
    ]).toContainEqual([early.status, early.body?.type]);
    expect(await countRows(TableId.posts, [Query.equal('authorId', ann.userId)])).toBe(0);
    // …and the gate blocks them: the id's registration was consumed the first time.
    const decided = await gateDecided(ann.userId);
    expect(decided.status).toBe(false);
    expect(decided.labels).not.toContain(MEMBER_LABEL);
    await expect(
      tables.getRow({ databaseId: DATABASE_ID, tableId: TableId.profiles, rowId: ann.userId }),
    ).rejects.toMatchObject({ code: 404 });
  });

  test('an admin’s export jobs, CSV files and download links go with the admin', async () => {
    // An admin, made as the seed script makes one: a registration asking for the admin role.
    const adminId = deriveUserId(SECRET);
    await registrationStore(tables).issue(adminId, { issuedBy: 'seed', admin: true });
    await users.create({ userId: adminId, email: 'boss@example.com', password: PASSWORD });
    expect((await gateDecided(adminId)).labels).toEqual([MEMBER_LABEL, 'admin']);
    const admin = await signIn('boss@example.com');
    const started = await call(admin, FunctionId.admin, Route.admin.startExport, {});
    expect(started.status, started.text).toBe(202);
    const jobId = String(started.body?.jobId);
    const job = await eventually(
      'the export to succeed',
      async () => {
        const row = (await tables.getRow({
          databaseId: DATABASE_ID,
          tableId: TableId.jobs,
          rowId: jobId,
        })) as unknown as Job;
        return row.status === 'succeeded' ? row : undefined;
      },
      60_000,
    );
    const link = `${server.endpoint}/storage/buckets/${BucketId.exports}/files/${job.fileId}/download?project=${server.projectId}&token=${job.downloadToken}`;
    expect((await fetch(link)).status).toBe(200);

    await users.delete({ userId: adminId });
    await eventually('the admin’s jobs removed', async () =>
      (await countRows(TableId.jobs, [Query.equal('requestedBy', adminId)])) === 0
        ? true
        : undefined,
    );
    await expect(
      new Storage(keyClient).getFile({ bucketId: BucketId.exports, fileId: String(job.fileId) }),
    ).rejects.toMatchObject({ code: 404 });
    expect((await fetch(link)).status).toBeGreaterThanOrEqual(400);

    // Whoever takes the id next reads nothing: no job, no file, and is blocked.
    const account = new Account(guest());
    await account.create({ userId: adminId, email: 'thief@example.com', password: 'password' });
    const { client: thief } = await browserSession('/account/sessions/email', {
      email: 'thief@example.com',
      password: 'password',
    });
    const visible = await new TablesDB(thief)
      .listRows({ databaseId: DATABASE_ID, tableId: TableId.jobs })
      .then((list) => list.total)
      .catch((thrown: AppwriteException) => thrown.type);
    expect([0, 'user_blocked']).toContain(visible);
    expect((await gateDecided(adminId)).status).toBe(false);
  }, 90_000);
});

describe('item 4: sign-ups are limited, and members verify their email before posting', () => {
  test('a member with an unverified email cannot post, comment or like until they verify', async () => {
    const answer = await call(guest(), FunctionId.accounts, Route.accounts.register, {
      email: 'new@example.com',
      password: PASSWORD,
      name: 'New',
    });
    expect(answer.status, answer.text).toBe(201);
    const userId = String(answer.body?.$id);
    expect((await gateDecided(userId)).labels).toContain(MEMBER_LABEL);
    const member = await signIn('new@example.com');
    const refused = await call(member, FunctionId.posts, Route.posts.create, {
      title: 'T',
      body: 'B',
    });
    expect([refused.status, refused.body?.type]).toEqual([400, 'user_email_not_verified']);
    expect(await countRows(TableId.posts, [Query.equal('authorId', userId)])).toBe(0);
    await users.updateEmailVerification({ userId, emailVerification: true });
    const posted = await call(member, FunctionId.posts, Route.posts.create, {
      title: 'T',
      body: 'B',
    });
    expect(posted.status, posted.text).toBe(201);
  });

  test('one address registers at most 5 accounts an hour through accounts; the 6th is a 429', async () => {
    await freshSignUpWindow();
    const register = (i: number) =>
      call(guest(), FunctionId.accounts, Route.accounts.register, {
        email: `burst${i}@example.com`,
        password: PASSWORD,
        name: `Burst ${i}`,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await register(i)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const sixth = await register(6);
    expect(sixth.body).toMatchObject({ type: 'general_rate_limit_exceeded' });
    expect((await users.list({ queries: [Query.startsWith('email', 'burst')] })).total).toBe(5);
  });
});

describe('item 3: without its secret the gate fails closed', () => {
  test('on-user-created with no AGORA_ID_SECRET blocks each new user and says why in one line', async () => {
    await deployWithVariables(keyClient, FunctionId.onUserCreated, {});
    try {
      const userId = ID.unique();
      await users.create({ userId, email: 'nosecret@example.com', password: PASSWORD });
      const decided = await gateDecided(userId);
      expect(decided.status).toBe(false);
      expect(decided.labels).toEqual([]);
      const executions = await eventually('the gate’s execution', async () => {
        const list = await new Functions(keyClient).listExecutions({
          functionId: FunctionId.onUserCreated,
        });
        return list.executions.find((e) => e.logs.includes(userId));
      });
      expect(executions.logs).toMatch(
        /Blocked \S+: cannot vet anyone\. Function variable AGORA_ID_SECRET is missing/,
      );
      expect(executions.logs.trim().split('\n')).toHaveLength(1);
    } finally {
      await deployWithVariables(keyClient, FunctionId.onUserCreated, { AGORA_ID_SECRET: SECRET });
    }
  });

  test('if the gate never runs, the user can write nothing', async () => {
    await new Functions(keyClient).delete({
      functionId: FunctionId.onUserCreated,
    });
    try {
      await freshSignUpWindow();
      const answer = await call(guest(), FunctionId.accounts, Route.accounts.register, {
        email: 'ungated@example.com',
        password: PASSWORD,
        name: 'Ungated',
      });
      expect(answer.status, answer.text).toBe(201);
      const userId = String(answer.body?.$id);
      await users.updateEmailVerification({ userId, emailVerification: true });
      const client = await signIn('ungated@example.com');
      const refused = await call(client, FunctionId.posts, Route.posts.create, {
        title: 'T',
        body: 'B',
      });
      expect([refused.status, refused.body?.type]).toEqual([401, 'user_unauthorized']);
    } finally {
      await deployWithVariables(keyClient, FunctionId.onUserCreated, { AGORA_ID_SECRET: SECRET });
    }
  });
});

describe('handles: chosen at sign-up, else derived from the name, unique by index', () => {
  test('two sign-ups with one name get `name` and `name2`; a chosen handle is kept; a taken one is refused', async () => {
    await freshSignUpWindow();
    const handleOf = async (userId: string) =>
      (await tables.getRow({ databaseId: DATABASE_ID, tableId: TableId.profiles, rowId: userId }))
        .handle;
    const register = (email: string, extra: Record<string, string> = {}) =>
      call(guest(), FunctionId.accounts, Route.accounts.register, {
        email,
        password: PASSWORD,
        name: 'Grace Hopper',
        ...extra,
      });
    const ids: string[] = [];
    for (const email of ['gh1@example.com', 'gh2@example.com']) {
      const answer = await register(email);
      expect(answer.status, answer.text).toBe(201);
      ids.push(String(answer.body?.$id));
      await gateDecided(String(answer.body?.$id));
    }
    expect([await handleOf(ids[0] ?? ''), await handleOf(ids[1] ?? '')]).toEqual([
      'grace_hopper',
      'grace_hopper2',
    ]);
    const chosen = await register('gh3@example.com', { handle: 'Amazing_Grace' });
    expect(chosen.status, chosen.text).toBe(201);
    await gateDecided(String(chosen.body?.$id));
    expect(await handleOf(String(chosen.body?.$id))).toBe('amazing_grace');
    const taken = await register('gh4@example.com', { handle: 'grace_hopper' });
    expect(taken.status).toBe(400);
    expect(taken.body).toMatchObject({ fields: { handle: { code: 'handle_taken' } } });
    // The index itself refuses a second row with the handle, whoever writes it.
    await expect(
      tables.updateRow({
        databaseId: DATABASE_ID,
        tableId: TableId.profiles,
        rowId: ids[1] ?? '',
        data: { handle: 'grace_hopper' },
      }),
    ).rejects.toMatchObject({ code: 409 });
  }, 60_000);
});
