/**
 * The `admin` and `export-users` functions on a local Appwrite for contract tests: Agora's tables and
 * buckets from appwrite.json, `admin` and `on-user-created` with `AGORA_ID_SECRET` set through the
 * variables API, `export-users` as appwrite.json says, and helpers to execute `admin` as a session.
 */
import { AppwriteException, Client, Query, TablesDB, Users } from 'node-appwrite';
import { registrationStore } from '#lib/registrations.ts';
import { deriveUserId } from '#lib/user-ids.ts';
import { FunctionId } from '../../shared/functions.ts';
import { ADMIN_LABEL, MEMBER_LABEL } from '../../shared/ids.ts';
import type { LocalServer } from '../contract/harness.ts';
import { deployWithVariables, eventually } from './accounts-function.ts';
import { applyAgoraBuckets } from './agora-buckets.ts';
import { applyAgoraTables, executeFunction, keyClientOf } from './posts-function.ts';

export const TEST_ID_SECRET = 'admin-contract-secret-'.repeat(3);

/** Tables, buckets and the three functions the admin routes need; returns the key client. */
export async function deployAdmin(server: LocalServer): Promise<Client> {
  applyAgoraTables(server);
  const keyClient = keyClientOf(server);
  await applyAgoraBuckets(keyClient);
  const secret = { AGORA_ID_SECRET: TEST_ID_SECRET };
  await deployWithVariables(keyClient, FunctionId.admin, secret);
  await deployWithVariables(keyClient, FunctionId.onUserCreated, secret);
  await deployWithVariables(keyClient, FunctionId.exportUsers, {});
  return keyClient;
}

/** What an execution of `admin` answered, or Appwrite's own refusal to run it (`refusedBy`). */
export interface AdminAnswer {
  status: number;
  body: Record<string, unknown> | null;
  text: string;
  /** The error type when Appwrite itself refused the execution (the `execute` roles). */
  refusedBy?: string;
}

/** Executes `admin` synchronously as `client`; Appwrite's refusal comes back as its status and type. */
export async function executeAdmin(
  client: Client,
  request: { method: string; path: string },
  body?: unknown,
): Promise<AdminAnswer> {
  try {
    return await executeFunction(client, FunctionId.admin, request, body);
  } catch (thrown) {
    if (!(thrown instanceof AppwriteException)) throw thrown;
    return { status: thrown.code, body: null, text: thrown.message, refusedBy: thrown.type };
  }
}

/** Users made without a password (no KDF), in bulk with a few at a time in flight. */
export async function createUsersInBulk(
  keyClient: Client,
  count: number,
  idOf: (index: number) => string,
  concurrency = 8,
): Promise<void> {
  const users = new Users(keyClient);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const userId = idOf(index);
      await users.create({
        userId,
        email: `${userId}@example.com`,
        name: index % 7 === 0 ? `=HYPERLINK("x","${userId}")` : `Name, "${index}"`,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Each new user starts an `on-user-created` execution, which blocks one the gate never vetted;
  // wait for the last of them, so what a test reads next does not change under it.
  await eventually(
    `on-user-created to vet the ${count} new users`,
    async () => {
      const blocked = await users.list({ queries: [Query.equal('status', false), Query.limit(1)] });
      return blocked.total >= count ? true : undefined;
    },
    60_000,
  );
}

/**
 * A user as the seed script makes one: an id derived from `TEST_ID_SECRET` and recorded in
 * `registrations` (asking for the admin role when `labels` has it), no password; `on-user-created`
 * vets them (profile, `member`, `admin`), then any other labels; and a session client (with its
 * secret, for Realtime).
 */
export async function sessionUser(
  server: LocalServer,
  keyClient: Client,
  labels: string[] = [],
): Promise<{ userId: string; client: Client; secret: string }> {
  const users = new Users(keyClient);
  const userId = deriveUserId(TEST_ID_SECRET);
  const admin = labels.includes(ADMIN_LABEL);
  await registrationStore(new TablesDB(keyClient)).issue(userId, { issuedBy: 'seed', admin });
  await users.create({
    userId,
    email: `${userId}@example.com`,
    name: `User ${userId.slice(0, 6)}`,
  });
  const vetted = await eventually('on-user-created to vet the user', async () => {
    const user = await users.get({ userId });
    return user.labels.includes(MEMBER_LABEL) ? user : undefined;
  });
  // Verified, as a member who acts is (an export is readable by `user:<id>/verified`).
  await users.updateEmailVerification({ userId, emailVerification: true });
  const others = labels.filter((label) => !vetted.labels.includes(label));
  if (others.length > 0)
    await users.updateLabels({ userId, labels: [...vetted.labels, ...others] });
  const session = await users.createSession({ userId });
  const client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setSession(session.secret);
  return { userId, client, secret: session.secret };
}
