// @vitest-environment jsdom
import {
  Account,
  AppwriteException,
  Client,
  ID,
  Permission,
  Query,
  Role,
  Teams,
  TablesDB as WebTables,
} from 'appwrite';
import { Client as ServerClient, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Teams through the real web SDK 28.0.0 (format 2.3.0) in a jsdom window, the way a browser app
 * uses them: the owner signs up and creates a team, invites a friend by email; the friend, signed
 * out, follows the link from the local outbox and accepts — which signs them in (the session comes
 * back in `X-Fallback-Cookies`, as Node's fetch keeps no cookies) and verifies their email — then
 * reads a row shared with the team, and leaves.
 */

const storage = () =>
  (
    globalThis as unknown as {
      localStorage: { getItem(key: string): string | null; clear(): void };
    }
  ).localStorage;

let server: LocalServer;
let account: Account;
let teams: Teams;
const PASSWORD = 'correct-horse-battery';

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return [error.code, error.type];
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startLocalServer();
  storage().clear();
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  account = new Account(client);
  teams = new Teams(client);
  const key = new ServerClient()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  const tables = new TablesDB(key);
  await tables.create({ databaseId: 'main', name: 'main' });
  await tables.createTable({
    databaseId: 'main',
    tableId: 'plans',
    name: 'plans',
    rowSecurity: true,
  });
  await tables.createStringColumn({
    databaseId: 'main',
    tableId: 'plans',
    key: 'title',
    size: 64,
    required: false,
  });
  await tables.createRow({
    databaseId: 'main',
    tableId: 'plans',
    rowId: 'p1',
    data: { title: 'Crew plan' },
    permissions: [Permission.read(Role.team('crew'))],
  });
});
afterAll(() => server.close());

describe('web SDK Teams', () => {
  let invitation: URL;

  it('the owner signs up, creates a team and sets its prefs', async () => {
    await account.create({ userId: 'owner', email: 'owner@example.com', password: PASSWORD });
    await account.createEmailPasswordSession({ email: 'owner@example.com', password: PASSWORD });
    const team = await teams.create({ teamId: 'crew', name: 'Crew' });
    expect(team).toMatchObject({ $id: 'crew', name: 'Crew', total: 1 });
    expect(Object.keys(team).sort()).toEqual(
      ['$createdAt', '$id', '$updatedAt', 'name', 'prefs', 'total'].sort(),
    );
    expect((await teams.updatePrefs({ teamId: 'crew', prefs: { color: 'teal' } })).color).toBe(
      'teal',
    );
    expect(await teams.getPrefs({ teamId: 'crew' })).toEqual({ color: 'teal' });
    expect((await teams.list({ queries: [Query.limit(5)] })).teams.map((t) => t.$id)).toEqual([
      'crew',
    ]);
  });

  it('invites a friend by email: the invitation is in the local outbox with its link', async () => {
    const membership = await teams.createMembership({
      teamId: 'crew',
      roles: ['member'],
      email: 'friend@example.com',
      name: 'Friend',
      url: 'http://localhost:5173/join',
    });
    expect(Object.keys(membership).sort()).toEqual(
      [
        '$createdAt',
        '$id',
        '$updatedAt',
        'confirm',
        'invited',
        'joined',
        'mfa',
        'roles',
        'teamId',
        'teamName',
        'userAccessedAt',
        'userEmail',
        'userId',
        'userName',
        'userPhone',
      ].sort(),
    );
    expect(membership).toMatchObject({ confirm: false, userEmail: 'friend@example.com' });
    const outbox = await call(server, 'GET', '/local/outbox?to=friend@example.com');
    invitation = new URL(outbox.json.messages[0].url);
    expect(invitation.searchParams.get('membershipId')).toBe(membership.$id);
    expect(invitation.searchParams.get('teamName')).toBe('Crew');
  });

  it('the friend, signed out, accepts: signed in, email verified, in the team', async () => {
    storage().clear();
    expect(await failure(account.get())).toEqual([401, 'general_unauthorized_scope']);
    const param = (name: string) => invitation.searchParams.get(name) ?? '';
    const accepted = await teams.updateMembershipStatus({
      teamId: param('teamId'),
      membershipId: param('membershipId'),
      userId: param('userId'),
      secret: param('secret'),
    });
    expect(accepted.confirm).toBe(true);
    const stored = JSON.parse(storage().getItem('cookieFallback') ?? '{}');
    expect(Object.keys(stored)).toEqual([`a_session_${server.projectId}`]);
    const me = await account.get();
    expect(me).toMatchObject({
      email: 'friend@example.com',
      name: 'Friend',
      emailVerification: true,
    });
    const crew = await teams.get({ teamId: 'crew' });
    expect(crew.total).toBe(2);
  });

  it('a member reads the row shared with the team, until they leave', async () => {
    const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
    const tables = new WebTables(client);
    expect((await tables.getRow({ databaseId: 'main', tableId: 'plans', rowId: 'p1' })).title).toBe(
      'Crew plan',
    );
    const { memberships } = await teams.listMemberships({
      teamId: 'crew',
      queries: [Query.equal('userId', [invitation.searchParams.get('userId') ?? ''])],
    });
    await teams.deleteMembership({ teamId: 'crew', membershipId: memberships[0]?.$id ?? '' });
    expect(
      await failure(tables.getRow({ databaseId: 'main', tableId: 'plans', rowId: 'p1' })),
    ).toEqual([404, 'row_not_found']);
    expect(await failure(teams.get({ teamId: 'crew' }))).toEqual([404, 'team_not_found']);
  });

  it('a user without the team cannot invite to it (404), and an unknown team is 404', async () => {
    expect(
      await failure(
        teams.createMembership({
          teamId: 'crew',
          roles: [],
          email: 'x@example.com',
          url: 'http://localhost:5173/join',
        }),
      ),
    ).toEqual([404, 'team_not_found']);
    expect(await failure(teams.get({ teamId: ID.unique() }))).toEqual([404, 'team_not_found']);
  });
});
