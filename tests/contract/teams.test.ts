import { AppwriteException, Client, Project, Query, Teams, Users } from 'node-appwrite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { eventNames } from '../../emulator/core/platform/event-names.ts';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Teams and memberships through the real node-appwrite 27.1.0, with sessions (owners, members,
 * outsiders) and an API key, against Appwrite 1.9.5's routes (src/Appwrite/Platform/Modules/Teams):
 * team CRUD and prefs with owners vs members, invitations through the local outbox and their
 * acceptance (which signs the invitee in and verifies their email), roles, leaving and removing,
 * `users.listMemberships`, the `invites` auth method, the events, and the 1.8.0 format.
 */

let server: LocalServer;
let keyClient: Client;
let users: Users;
let admin: Teams;
const events: AppwriteEvent[] = [];

const PASSWORD = 'correct-horse-battery';

/** A Teams client for a new user signed in with a session (made with the key). */
async function member(userId: string): Promise<Teams> {
  await users.create({ userId, email: `${userId}@example.com`, password: PASSWORD, name: userId });
  const session = await users.createSession({ userId });
  return new Teams(
    new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession(session.secret),
  );
}

/** Runs `work` and returns its AppwriteException's code and type (fails when it succeeds). */
async function refusal(work: Promise<unknown>): Promise<[number, string]> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppwriteException) return [error.code, error.type];
    throw error;
  }
  throw new Error('expected an AppwriteException');
}

/** The newest invitation in the outbox to `email`, with its link's parameters. */
async function invitationTo(email: string) {
  const answer = await call(server, 'GET', `/local/outbox?to=${encodeURIComponent(email)}`);
  const message = answer.json.messages[0];
  expect(message?.kind).toBe('invitation');
  const link = new URL(message.url);
  const param = (name: string) => link.searchParams.get(name) ?? '';
  return {
    message,
    link,
    membershipId: param('membershipId'),
    userId: param('userId'),
    secret: param('secret'),
    teamId: param('teamId'),
    teamName: param('teamName'),
  };
}

const guestTeams = () =>
  new Teams(new Client().setEndpoint(server.endpoint).setProject(server.projectId));

beforeAll(async () => {
  server = await startLocalServer();
  server.app.emulator.events.subscribe((event) => {
    if (event.pattern.startsWith('teams.')) events.push(event);
  });
  keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  users = new Users(keyClient);
  admin = new Teams(keyClient);
});
afterAll(() => server.close());
beforeEach(() => {
  events.length = 0;
});

describe('teams: owners and members', () => {
  let owner: Teams;
  let outsider: Teams;

  beforeAll(async () => {
    owner = await member('owner1');
    outsider = await member('outsider1');
  });

  test('a user creates a team, joins it as owner (plus the roles asked) and lists it', async () => {
    const team = await owner.create({ teamId: 'crew', name: 'Crew', roles: ['editor'] });
    expect(team).toMatchObject({ $id: 'crew', name: 'Crew', total: 1, prefs: {} });
    const { memberships } = await owner.listMemberships({ teamId: 'crew' });
    expect(memberships).toHaveLength(1);
    expect(memberships[0]).toMatchObject({
      userId: 'owner1',
      userName: 'owner1',
      userEmail: 'owner1@example.com',
      teamName: 'Crew',
      confirm: true,
      mfa: false,
      userAccessedAt: '',
      roles: ['editor', 'owner'],
    });
    expect(memberships[0]?.joined).toBe(memberships[0]?.invited);
    expect((await owner.list()).teams.map((t) => t.$id)).toEqual(['crew']);
    const [first] = events;
    expect(first?.pattern).toBe('teams.[teamId].create');
    expect(eventNames(first as AppwriteEvent)[0]).toBe('teams.crew.create');
    expect(first?.readRoles).toEqual(['team:crew']);
  });

  test('a taken team id is 409 team_already_exists', async () => {
    expect(await refusal(owner.create({ teamId: 'crew', name: 'Again' }))).toEqual([
      409,
      'team_already_exists',
    ]);
  });

  test('someone not in the team neither sees nor changes it: 404 team_not_found', async () => {
    expect((await outsider.list()).total).toBe(0);
    expect(await refusal(outsider.get({ teamId: 'crew' }))).toEqual([404, 'team_not_found']);
    expect(await refusal(outsider.updateName({ teamId: 'crew', name: 'x' }))).toEqual([
      404,
      'team_not_found',
    ]);
    expect(await refusal(outsider.listMemberships({ teamId: 'crew' }))).toEqual([
      404,
      'team_not_found',
    ]);
    expect(await refusal(outsider.delete({ teamId: 'crew' }))).toEqual([404, 'team_not_found']);
    expect(await refusal(outsider.getPrefs({ teamId: 'crew' }))).toEqual([404, 'team_not_found']);
    expect(await refusal(outsider.updatePrefs({ teamId: 'crew', prefs: { x: 1 } }))).toEqual([
      404,
      'team_not_found',
    ]);
    // Guests hold no teams scope at all (roles.php).
    expect(await refusal(guestTeams().get({ teamId: 'crew' }))).toEqual([
      401,
      'general_unauthorized_scope',
    ]);
  });

  test('an owner renames the team and sets its prefs; both are announced', async () => {
    expect((await owner.updateName({ teamId: 'crew', name: 'The Crew' })).name).toBe('The Crew');
    expect(await owner.updatePrefs({ teamId: 'crew', prefs: { theme: 'dark' } })).toEqual({
      theme: 'dark',
    });
    expect(await owner.getPrefs({ teamId: 'crew' })).toEqual({ theme: 'dark' });
    expect((await owner.get({ teamId: 'crew' })).prefs).toEqual({ theme: 'dark' });
    expect(events.map((e) => e.pattern)).toEqual([
      'teams.[teamId].update',
      'teams.[teamId].update.prefs',
    ]);
    expect(eventNames(events[1] as AppwriteEvent)).toContain('teams.crew.update.prefs');
  });

  test('a key creates a team with no member and sees every team', async () => {
    const team = await admin.create({ teamId: 'keyteam', name: 'Made by a key' });
    expect(team.total).toBe(0);
    expect((await admin.listMemberships({ teamId: 'keyteam' })).total).toBe(0);
    const ids = (await admin.list()).teams.map((t) => t.$id);
    expect(ids).toEqual(expect.arrayContaining(['crew', 'keyteam']));
  });

  test('a guest holds no teams scope: 401 general_unauthorized_scope', async () => {
    expect(await refusal(guestTeams().create({ teamId: 'ghost', name: 'x' }))).toEqual([
      401,
      'general_unauthorized_scope',
    ]);
    expect(await refusal(guestTeams().list())).toEqual([401, 'general_unauthorized_scope']);
  });

  test('team lists take Appwrite’s queries and search; other attributes are 400', async () => {
    await admin.create({ teamId: 'alpha', name: 'Alpha Squad' });
    expect((await admin.list({ search: 'squad' })).teams.map((t) => t.$id)).toEqual(['alpha']);
    const ordered = await admin.list({ queries: [Query.orderDesc('total'), Query.limit(1)] });
    expect(ordered.teams[0]?.$id).toBe('crew');
    const after = await admin.list({ queries: [Query.cursorAfter('crew')] });
    expect(after.teams.map((t) => t.$id)).toEqual(['keyteam', 'alpha']);
    const before = await admin.list({ queries: [Query.cursorBefore('alpha'), Query.limit(1)] });
    expect(before.teams.map((t) => t.$id)).toEqual(['keyteam']);
    expect(await refusal(admin.list({ queries: [Query.equal('prefs', ['x'])] }))).toEqual([
      400,
      'general_argument_invalid',
    ]);
    expect(await refusal(admin.list({ queries: [Query.cursorAfter('nope')] }))).toEqual([
      400,
      'general_cursor_not_found',
    ]);
  });
});

describe('memberships: invitations through the local outbox', () => {
  let owner: Teams;
  let helper: Teams;

  beforeAll(async () => {
    owner = await member('owner2');
    helper = await member('helper2');
    await owner.create({ teamId: 'club', name: 'Club' });
  });

  test('an owner invites by email: a new user, an unconfirmed membership, a mail with the link', async () => {
    const invited = await owner.createMembership({
      teamId: 'club',
      roles: ['viewer'],
      email: 'New.Friend@Example.com',
      name: 'New Friend',
      url: 'http://localhost:3000/join?from=mail#top',
    });
    expect(invited).toMatchObject({
      teamId: 'club',
      teamName: 'Club',
      userName: 'New Friend',
      userEmail: 'new.friend@example.com',
      confirm: false,
      joined: '',
      roles: ['viewer'],
    });
    const mail = await invitationTo('new.friend@example.com');
    expect(mail.link.origin + mail.link.pathname).toBe('http://localhost:3000/join');
    expect(mail.link.searchParams.get('from')).toBe('mail');
    expect(mail.link.hash).toBe('#top');
    expect(mail).toMatchObject({
      membershipId: invited.$id,
      userId: invited.userId,
      teamId: 'club',
      teamName: 'Club',
    });
    expect(mail.secret).toBe(mail.message.secret);
    const user = await users.get({ userId: invited.userId });
    expect(user).toMatchObject({ email: 'new.friend@example.com', emailVerification: false });
    // Not a member until accepted: the team still counts one, and the invitee has no team roles.
    expect((await owner.get({ teamId: 'club' })).total).toBe(1);
    expect(events.map((e) => eventNames(e)[0])).toEqual([
      `teams.club.memberships.${invited.$id}.create`,
    ]);
  });

  test('accepting with the secret signs the invitee in, verifies their email and confirms', async () => {
    const mail = await invitationTo('new.friend@example.com');
    const wrong = await refusal(
      guestTeams().updateMembershipStatus({
        teamId: 'club',
        membershipId: mail.membershipId,
        userId: mail.userId,
        secret: 'not-the-secret',
      }),
    );
    expect(wrong).toEqual([401, 'team_invalid_secret']);
    const otherUser = await refusal(
      guestTeams().updateMembershipStatus({
        teamId: 'club',
        membershipId: mail.membershipId,
        userId: 'helper2',
        secret: mail.secret,
      }),
    );
    expect(otherUser).toEqual([401, 'team_invite_mismatch']);

    const answer = await call(
      server,
      'PATCH',
      `/teams/club/memberships/${mail.membershipId}/status`,
      { body: { userId: mail.userId, secret: mail.secret } },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ confirm: true, userId: mail.userId, teamName: 'Club' });
    expect(answer.json.joined).not.toBe('');
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`a_session_${server.projectId}=`);
    expect(JSON.parse(answer.headers.get('x-fallback-cookies') ?? '{}')).toHaveProperty(
      `a_session_${server.projectId}`,
    );
    const user = await users.get({ userId: mail.userId });
    expect(user.emailVerification).toBe(true);
    expect((await users.listSessions({ userId: mail.userId })).total).toBe(1);
    expect((await owner.get({ teamId: 'club' })).total).toBe(2);
    expect(events.map((e) => eventNames(e)[0])).toEqual([
      `teams.club.memberships.${mail.membershipId}.update.status`,
    ]);

    // The session the acceptance opened is the invitee's, holding the team's roles.
    const value = /a_session_[^=_]+=([^;]+)/.exec(cookie)?.[1] ?? '';
    const invitee = new Teams(
      new Client().setEndpoint(server.endpoint).setProject(server.projectId).setSession(value),
    );
    expect((await invitee.list()).teams.map((t) => t.$id)).toEqual(['club']);

    // The same link again: already accepted.
    const again = await refusal(
      guestTeams().updateMembershipStatus({
        teamId: 'club',
        membershipId: mail.membershipId,
        userId: mail.userId,
        secret: mail.secret,
      }),
    );
    expect(again).toEqual([409, 'membership_already_confirmed']);
  });

  test('a signed-in invitee accepts without a new session', async () => {
    await owner.createMembership({
      teamId: 'club',
      roles: ['helper'],
      userId: 'helper2',
      url: 'http://localhost:3000/join',
    });
    const mail = await invitationTo('helper2@example.com');
    const accepted = await helper.updateMembershipStatus({
      teamId: 'club',
      membershipId: mail.membershipId,
      userId: 'helper2',
      secret: mail.secret,
    });
    expect(accepted.confirm).toBe(true);
    expect((await users.listSessions({ userId: 'helper2' })).total).toBe(1);
  });

  test('an invitation is its invitee’s: another session, or another membership’s secret, is refused', async () => {
    const invite = (email: string) =>
      owner.createMembership({
        teamId: 'club',
        roles: ['owner'],
        email,
        url: 'http://localhost/j',
      });
    const pat = await invite('pat@example.com');
    const patMail = await invitationTo('pat@example.com');
    const sam = await invite('sam@example.com');
    // Signed in as someone else, the body's userId and the right secret do not make it theirs.
    const asHelper = await refusal(
      helper.updateMembershipStatus({
        teamId: 'club',
        membershipId: pat.$id,
        userId: pat.userId,
        secret: patMail.secret,
      }),
    );
    expect(asHelper).toEqual([401, 'team_invite_mismatch']);
    const crossed = await refusal(
      guestTeams().updateMembershipStatus({
        teamId: 'club',
        membershipId: sam.$id,
        userId: sam.userId,
        secret: patMail.secret,
      }),
    );
    expect(crossed).toEqual([401, 'team_invalid_secret']);
    for (const membership of [pat, sam]) {
      const now = await owner.getMembership({ teamId: 'club', membershipId: membership.$id });
      expect(now.confirm).toBe(false);
    }
    expect((await users.listSessions({ userId: pat.userId })).total).toBe(0);
    // Invited is not joined: until they accept, the invitee holds none of the team's roles.
    const session = await users.createSession({ userId: pat.userId });
    const invitee = new Teams(
      new Client()
        .setEndpoint(server.endpoint)
        .setProject(server.projectId)
        .setSession(session.secret),
    );
    expect(await refusal(invitee.get({ teamId: 'club' }))).toEqual([404, 'team_not_found']);
    expect(await refusal(invitee.getPrefs({ teamId: 'club' }))).toEqual([404, 'team_not_found']);
    expect(await refusal(invitee.getMembership({ teamId: 'club', membershipId: pat.$id }))).toEqual(
      [404, 'team_not_found'],
    );
    await owner.deleteMembership({ teamId: 'club', membershipId: pat.$id });
    await owner.deleteMembership({ teamId: 'club', membershipId: sam.$id });
  });

  test('inviting someone already in is 409; re-inviting someone who has not accepted renews the link', async () => {
    expect(
      await refusal(
        owner.createMembership({
          teamId: 'club',
          roles: [],
          userId: 'helper2',
          url: 'http://localhost:3000/join',
        }),
      ),
    ).toEqual([409, 'membership_already_confirmed']);
    const first = await owner.createMembership({
      teamId: 'club',
      roles: [],
      email: 'late@example.com',
      url: 'http://localhost:3000/join',
    });
    const firstMail = await invitationTo('late@example.com');
    const second = await owner.createMembership({
      teamId: 'club',
      roles: [],
      email: 'late@example.com',
      url: 'http://localhost:3000/join',
    });
    const secondMail = await invitationTo('late@example.com');
    expect(second.$id).toBe(first.$id);
    expect(secondMail.secret).not.toBe(firstMail.secret);
    expect(
      await refusal(
        guestTeams().updateMembershipStatus({
          teamId: 'club',
          membershipId: first.$id,
          userId: first.userId,
          secret: firstMail.secret,
        }),
      ),
    ).toEqual([401, 'team_invalid_secret']);
  });

  test('only owners invite; a member who is not one is 401 and no user is made', async () => {
    const before = (await users.list()).total;
    const refused = await refusal(
      helper.createMembership({
        teamId: 'club',
        roles: [],
        email: 'nobody@example.com',
        url: 'http://localhost:3000/join',
      }),
    );
    expect(refused).toEqual([401, 'user_unauthorized']);
    expect((await users.list()).total).toBe(before);
  });

  test('a session must give the url, and some userId, email or phone (400)', async () => {
    expect(
      await refusal(owner.createMembership({ teamId: 'club', roles: [], email: 'a@example.com' })),
    ).toEqual([400, 'general_argument_invalid']);
    expect(
      await refusal(
        owner.createMembership({ teamId: 'club', roles: [], url: 'http://localhost:3000/join' }),
      ),
    ).toEqual([400, 'general_argument_invalid']);
    expect(
      await refusal(
        owner.createMembership({
          teamId: 'club',
          roles: ['not a key!'],
          email: 'a@example.com',
          url: 'http://localhost:3000/join',
        }),
      ),
    ).toEqual([400, 'general_argument_invalid']);
    expect(
      await refusal(
        owner.createMembership({
          teamId: 'club',
          roles: [],
          userId: 'no-such-user',
          url: 'http://localhost:3000/join',
        }),
      ),
    ).toEqual([404, 'user_not_found']);
  });

  test('a key adds a member at once: confirmed, no mail, no secret to accept', async () => {
    await users.create({ userId: 'direct3', email: 'direct3@example.com', password: PASSWORD });
    const before = (await call(server, 'GET', '/local/outbox')).json.total;
    const added = await admin.createMembership({
      teamId: 'club',
      roles: ['bot'],
      userId: 'direct3',
    });
    expect(added.confirm).toBe(true);
    expect(added.joined).not.toBe('');
    expect((await call(server, 'GET', '/local/outbox')).json.total).toBe(before);
  });

  test('at the user limit, an owner’s invitation makes no user for a new email (400); a key’s does', async () => {
    const project = new Project(keyClient);
    const { total } = await users.list();
    await project.updateUserLimitPolicy({ total });
    try {
      expect(
        await refusal(
          owner.createMembership({
            teamId: 'club',
            roles: [],
            email: 'limit@example.com',
            url: 'http://localhost:3000/join',
          }),
        ),
      ).toEqual([400, 'user_count_exceeded']);
      expect((await users.list()).total).toBe(total);
      const byKey = await admin.createMembership({
        teamId: 'club',
        roles: [],
        email: 'limit@example.com',
      });
      expect(byKey.confirm).toBe(true);
      await admin.deleteMembership({ teamId: 'club', membershipId: byKey.$id });
    } finally {
      await project.updateUserLimitPolicy({ total: null as never });
    }
  });

  test('the invites auth method turned off refuses sessions (501), not keys', async () => {
    const project = new Project(keyClient);
    await project.updateAuthMethod({ methodId: 'invites' as never, enabled: false });
    try {
      expect(
        await refusal(
          owner.createMembership({
            teamId: 'club',
            roles: [],
            email: 'off@example.com',
            url: 'http://localhost:3000/join',
          }),
        ),
      ).toEqual([501, 'user_auth_method_unsupported']);
      await users.create({ userId: 'direct4', email: 'direct4@example.com', password: PASSWORD });
      const added = await admin.createMembership({ teamId: 'club', roles: [], userId: 'direct4' });
      expect(added.confirm).toBe(true);
    } finally {
      await project.updateAuthMethod({ methodId: 'invites' as never, enabled: true });
    }
  });

  test('roles: owners change them, members may not (401); the change is announced', async () => {
    const { memberships } = await owner.listMemberships({
      teamId: 'club',
      queries: [Query.equal('userId', ['helper2'])],
    });
    const helperMembership = memberships[0]?.$id ?? '';
    const updated = await owner.updateMembership({
      teamId: 'club',
      membershipId: helperMembership,
      roles: ['helper', 'editor'],
    });
    expect(updated.roles).toEqual(['helper', 'editor']);
    expect(
      await refusal(
        helper.updateMembership({
          teamId: 'club',
          membershipId: helperMembership,
          roles: ['owner'],
        }),
      ),
    ).toEqual([401, 'user_unauthorized']);
    expect(events.map((e) => eventNames(e)[0])).toEqual([
      `teams.club.memberships.${helperMembership}.update`,
    ]);
  });

  test('membership lists filter on confirm and roles, search user ids, and page', async () => {
    const confirmed = await owner.listMemberships({
      teamId: 'club',
      queries: [Query.equal('confirm', [true])],
    });
    expect(confirmed.memberships.every((m) => m.confirm)).toBe(true);
    const pending = await owner.listMemberships({
      teamId: 'club',
      queries: [Query.equal('confirm', [false])],
    });
    expect(pending.memberships.map((m) => m.userEmail)).toEqual(['late@example.com']);
    const editors = await owner.listMemberships({
      teamId: 'club',
      queries: [Query.contains('roles', ['editor'])],
    });
    expect(editors.memberships.map((m) => m.userId)).toEqual(['helper2']);
    expect((await owner.listMemberships({ teamId: 'club', search: 'helper2' })).total).toBe(1);
    const page = await owner.listMemberships({ teamId: 'club', queries: [Query.limit(2)] });
    expect(page.memberships).toHaveLength(2);
    expect(page.total).toBe(confirmed.total + pending.total);
    // A key also sees the member's last access (Appwrite's privacy default hides it from users).
    const byKey = await admin.getMembership({
      teamId: 'club',
      membershipId: page.memberships[0]?.$id ?? '',
    });
    expect(byKey.userAccessedAt).not.toBe('');
    expect(
      await refusal(
        owner.listMemberships({ teamId: 'club', queries: [Query.equal('secret', ['x'])] }),
      ),
    ).toEqual([400, 'general_argument_invalid']);
  });

  test('a membership of another team is 404 team_membership_mismatch', async () => {
    await owner.create({ teamId: 'club2', name: 'Club 2' });
    const { memberships } = await owner.listMemberships({ teamId: 'club2' });
    expect(
      await refusal(
        owner.getMembership({ teamId: 'club', membershipId: memberships[0]?.$id ?? '' }),
      ),
    ).toEqual([404, 'team_membership_mismatch']);
    expect(await refusal(owner.getMembership({ teamId: 'club', membershipId: 'nope' }))).toEqual([
      404,
      'membership_not_found',
    ]);
    expect(await refusal(owner.deleteMembership({ teamId: 'club', membershipId: 'nope' }))).toEqual(
      [404, 'team_invite_not_found'],
    );
  });

  test('users.listMemberships lists a user’s memberships for a key', async () => {
    const list = await users.listMemberships({ userId: 'helper2' });
    expect(list.total).toBe(1);
    expect(list.memberships[0]).toMatchObject({
      teamId: 'club',
      teamName: 'Club',
      userName: 'helper2',
      userEmail: 'helper2@example.com',
    });
    expect(await refusal(users.listMemberships({ userId: 'nobody' }))).toEqual([
      404,
      'user_not_found',
    ]);
    const userClient = new Client()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setSession((await users.createSession({ userId: 'helper2' })).secret);
    expect(await refusal(new Users(userClient).listMemberships({ userId: 'helper2' }))).toEqual([
      401,
      'general_unauthorized_scope',
    ]);
  });

  test('a member leaves; removing someone else takes an owner (401); a project team’s last owner may leave', async () => {
    const { memberships } = await owner.listMemberships({ teamId: 'club' });
    const ownerMembership = memberships.find((m) => m.userId === 'owner2')?.$id ?? '';
    const helperMembership = memberships.find((m) => m.userId === 'helper2')?.$id ?? '';
    expect(
      await refusal(helper.deleteMembership({ teamId: 'club', membershipId: ownerMembership })),
    ).toEqual([401, 'user_unauthorized']);
    await helper.deleteMembership({ teamId: 'club', membershipId: helperMembership });
    expect(await refusal(helper.get({ teamId: 'club' }))).toEqual([404, 'team_not_found']);
    const deleted = events.find((e) => e.pattern.endsWith('.delete'));
    expect(deleted?.payload).toMatchObject({ $id: helperMembership, userId: 'helper2' });
    // Appwrite 1.9.5 keeps at least one owner only in console organisations, not project teams.
    await owner.deleteMembership({ teamId: 'club', membershipId: ownerMembership });
    expect(await refusal(owner.get({ teamId: 'club' }))).toEqual([404, 'team_not_found']);
    expect((await admin.get({ teamId: 'club' })).total).toBeGreaterThan(0);
  });

  test('deleting a team removes its memberships; deleting a user removes theirs', async () => {
    await users.create({ userId: 'gone5', email: 'gone5@example.com', password: PASSWORD });
    await admin.create({ teamId: 'brief', name: 'Brief' });
    await admin.createMembership({ teamId: 'brief', roles: [], userId: 'gone5' });
    await admin.createMembership({ teamId: 'brief', roles: [], userId: 'direct3' });
    expect((await admin.get({ teamId: 'brief' })).total).toBe(2);
    await users.delete({ userId: 'gone5' });
    expect((await admin.get({ teamId: 'brief' })).total).toBe(1);
    await admin.delete({ teamId: 'brief' });
    expect(await refusal(admin.get({ teamId: 'brief' }))).toEqual([404, 'team_not_found']);
    expect(
      (await users.listMemberships({ userId: 'direct3' })).memberships.map((m) => m.teamId),
    ).not.toContain('brief');
    expect(events.at(-1)?.pattern).toBe('teams.[teamId].delete');
  });
});

describe('formats', () => {
  test('appwrite-cli’s 1.8.0 gets memberships without userPhone (Appwrite’s V23)', async () => {
    await admin.create({ teamId: 'fmt', name: 'Formats' });
    await users.create({ userId: 'fmt1', email: 'fmt1@example.com', password: PASSWORD });
    await admin.createMembership({ teamId: 'fmt', roles: [], userId: 'fmt1' });
    const headers = { 'x-appwrite-key': server.apiKey };
    const current = await call(server, 'GET', '/teams/fmt/memberships', { headers });
    expect(current.json.memberships[0]).toHaveProperty('userPhone', '');
    const old = await call(server, 'GET', '/teams/fmt/memberships', {
      headers: { ...headers, 'x-appwrite-response-format': '1.8.0' },
    });
    expect(old.json.memberships[0]).not.toHaveProperty('userPhone');
    expect(old.json.memberships[0]).toHaveProperty('userEmail', 'fmt1@example.com');
  });
});
