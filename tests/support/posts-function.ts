import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type ExecutionMethod, Functions, TablesDB, Users } from 'node-appwrite';
import { applyProjectConfig } from '../../emulator/core/tablesdb/config.ts';
import { findProjectFile } from '../../emulator/project-file.ts';
import { DATABASE_ID, MEMBER_LABEL, TableId } from '../../shared/ids.ts';
import type { LocalServer } from '../contract/harness.ts';
import { deployWithVariables } from './accounts-function.ts';

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** Creates Agora's database, tables and indexes as appwrite.json declares them. */
export function applyAgoraTables(server: LocalServer): void {
  const file = findProjectFile(REPO_ROOT);
  if (!file) throw new Error('appwrite.json not found');
  applyProjectConfig(server.app.emulator.tablesdb.schema, file);
}

/** Builds functions/posts and deploys it with the execute roles, scopes and timeout appwrite.json gives it. */
export async function deployPosts(keyClient: Client): Promise<void> {
  await deployWithVariables(keyClient, 'posts', {});
}

export function keyClientOf(server: LocalServer): Client {
  return new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
}

/** How `userWithSession` makes a user: as the gate vets one (a verified member) unless told otherwise. */
export interface TestUser {
  /** Labels besides `member` (e.g. `admin`). */
  labels?: string[];
  /** `false`: a user the sign-up gate never vetted (no `member` label, no profile). */
  member?: boolean;
  /** `false`: the email address is not verified. */
  verified?: boolean;
}

/**
 * Creates a user (no password: no KDF to pay) as `on-user-created` would leave them — the `member`
 * label and a profile row — with a verified email, and returns a session client for them.
 */
export async function userWithSession(
  server: LocalServer,
  keyClient: Client,
  userId: string,
  { labels = [], member = true, verified = true }: TestUser = {},
): Promise<Client> {
  const users = new Users(keyClient);
  await users.create({ userId, email: `${userId}@example.com` });
  const all = member ? [MEMBER_LABEL, ...labels] : labels;
  if (all.length > 0) await users.updateLabels({ userId, labels: all });
  if (verified) await users.updateEmailVerification({ userId, emailVerification: true });
  if (member) {
    await new TablesDB(keyClient).createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: userId,
      data: { name: userId, postsCount: 0, commentsCount: 0, likesReceived: 0 },
    });
  }
  const session = await users.createSession({ userId });
  return new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setSession(session.secret);
}

/** One execution of `posts`: the status the function answered and its parsed body (or `null`). */
export function executePosts(
  client: Client,
  request: { method: string; path: string },
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | null; text: string }> {
  return executeFunction(client, 'posts', request, body);
}

/** One synchronous execution of any function: the status it answered and its parsed body (or `null`). */
export async function executeFunction(
  client: Client,
  functionId: string,
  request: { method: string; path: string },
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | null; text: string }> {
  const execution = await new Functions(client).createExecution({
    functionId,
    body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    async: false,
    xpath: request.path,
    method: request.method as ExecutionMethod,
    headers: { 'content-type': 'application/json' },
  });
  const text = execution.responseBody;
  return {
    status: execution.responseStatusCode,
    body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>),
    text,
  };
}
