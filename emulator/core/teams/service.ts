import { randomBytes } from 'node:crypto';
import type { UserRecord } from '../identity/records.ts';
import type { SessionStore } from '../identity/sessions.ts';
import { compileUserList } from '../identity/user-queries.ts';
import type { UserStore } from '../identity/users.ts';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { uniqueId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { TeamGrant, TeamGrantSource } from '../platform/roles.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import { membershipEvent, teamEvent } from './events.ts';
import { MembershipTable, secretDigest } from './memberships.ts';
import { membershipModel, teamModel } from './models.ts';
import type { TeamListPlan } from './queries.ts';
import type { MembershipRecord, TeamRecord } from './records.ts';
import { TeamTable } from './teams.ts';

/** Appwrite's `APP_LIMIT_COUNT`: list totals are counted up to this. */
const COUNT_LIMIT = 5000;

/** What an invitation names: an existing user (by id, email or phone) or a new one. */
export interface Invitation {
  teamId: string;
  email: string;
  userId: string;
  phone: string;
  roles: readonly string[];
  name: string;
  /**
   * Called before a new user is made for the invitation, by a caller who is not an API key: the
   * project's user limit applies to them (the route passes its check).
   */
  beforeNewUser?: () => void;
}

/** An invitation made: the membership, its team and user, and the secret its link carries. */
export interface Invited {
  team: TeamRecord;
  membership: MembershipRecord;
  user: UserRecord;
  /** The secret the invitee accepts with; `null` when an API key added them directly. */
  secret: string | null;
}

/** Where the session an accepted invitation opens comes from. */
export interface SessionClient {
  ip: string;
  userAgent: string;
  /** The project's session length. */
  seconds: number;
}

/** A membership with what its model shows: its team and user. */
export interface MembershipInTeam {
  team: TeamRecord;
  membership: MembershipRecord;
  user: UserRecord | null;
}

/**
 * Teams and memberships, with Appwrite 1.9.5's rules (src/Appwrite/Platform/Modules/Teams/Http/*
 * and the fixed permissions those routes give each document):
 *
 * - a team is read by its confirmed members (`read("team:T")`) and changed or deleted by its owners
 *   (`team:T/owner`); anyone else gets 404 `team_not_found`, a member who is not an owner 401
 *   `user_unauthorized`. API keys (and the console admin) do anything;
 * - a user who creates a team joins it with the roles they ask for plus `owner`; a key's team starts
 *   empty;
 * - owners invite, and change roles; an invitation by a key is confirmed at once, a user's waits for
 *   the invitee to accept it with the secret from their mail (which verifies their email and, with no
 *   session, signs them in);
 * - a membership is removed by its own user (leaving) or an owner. Appwrite's "last owner" rule
 *   applies to console organisations only, so a project team's last owner may leave.
 *
 * Every change publishes its `teams.*` event once written (events.ts). A confirmed membership gives
 * its user `team:T`, `member:M` and `team:T/<role>` (`grantsOf`, asked on every signed-in request).
 */
export class Teams implements TeamGrantSource {
  readonly teams: TeamTable;
  readonly memberships: MembershipTable;

  constructor(
    private readonly db: Sql,
    private readonly events: EventBus,
    private readonly identity: { users: UserStore; sessions: SessionStore },
  ) {
    this.teams = new TeamTable(db);
    this.memberships = new MembershipTable(db);
  }

  /** The team roles a user holds (credentials and Realtime ask this). */
  grantsOf(userId: string): TeamGrant[] {
    return this.memberships.grantsOf(userId);
  }

  // ---- teams --------------------------------------------------------------------------------

  /**
   * Creates a team (`teams.[teamId].create`). A signed-in user becomes its first member with `roles`
   * (plus `owner`); a key's team has no member. (Guests hold no `teams.write`; were one to get here,
   * their team could never be read, so it is refused.)
   */
  create(
    principal: Principal,
    input: { teamId: string; name: string; roles: readonly string[] },
    options: WriteOptions = {},
  ): TeamRecord {
    if (principal.kind === 'guest') {
      throw new AppwriteError('user_unauthorized', 'Sign in to create a team.');
    }
    this.db.transaction(() => {
      this.teams.insert(input.teamId, input.name);
      if (principal.kind !== 'user') return;
      const roles = input.roles.includes('owner') ? input.roles : [...input.roles, 'owner'];
      this.memberships.insert({
        id: uniqueId(),
        teamId: input.teamId,
        userId: principal.userId,
        roles,
        confirm: true,
        secretHash: '',
      });
    })();
    const team = this.teams.get(input.teamId) as TeamRecord;
    this.events.publish(teamEvent('create', team.id, teamModel(team), options));
    return team;
  }

  /** The teams the caller may read (a key: all), a page at a time. */
  list(principal: Principal, plan: TeamListPlan, withTotal: boolean) {
    const memberOf =
      principal.kind === 'key' ? null : principal.kind === 'user' ? principal.userId : '';
    const page = this.teams.list(plan, memberOf, withTotal, COUNT_LIMIT);
    if (!page) {
      throw new AppwriteError(
        'general_cursor_not_found',
        `No team '${plan.cursor?.id}' to page from.`,
      );
    }
    return page;
  }

  /** A team the caller may read; 404 `team_not_found` otherwise. */
  get(principal: Principal, teamId: string): TeamRecord {
    const team = this.teams.get(teamId);
    if (!team || !mayRead(principal, team.id)) throw teamNotFound(teamId);
    return team;
  }

  /** Renames a team (`teams.[teamId].update`); owners only. */
  rename(principal: Principal, teamId: string, name: string, options: WriteOptions = {}) {
    const team = this.ownedTeam(principal, teamId);
    this.teams.update(team.id, { name });
    const updated = this.teams.get(team.id) as TeamRecord;
    this.events.publish(teamEvent('update', team.id, teamModel(updated), options));
    return updated;
  }

  /** Replaces a team's prefs (`teams.[teamId].update.prefs`); owners only. */
  updatePrefs(
    principal: Principal,
    teamId: string,
    prefs: Record<string, unknown>,
    options: WriteOptions = {},
  ): Record<string, unknown> {
    const team = this.ownedTeam(principal, teamId);
    this.teams.update(team.id, { prefs });
    const updated = this.teams.get(team.id) as TeamRecord;
    this.events.publish(teamEvent('update.prefs', team.id, teamModel(updated), options));
    return updated.prefs;
  }

  /** Deletes a team and its memberships (`teams.[teamId].delete`, with the team as it was). */
  delete(principal: Principal, teamId: string, options: WriteOptions = {}): void {
    const team = this.ownedTeam(principal, teamId);
    this.teams.delete(team.id);
    this.events.publish(teamEvent('delete', team.id, teamModel(team), options));
  }

  // ---- memberships --------------------------------------------------------------------------

  /** A page of a team's memberships, for anyone who may read the team. */
  listMemberships(principal: Principal, teamId: string, plan: TeamListPlan, withTotal: boolean) {
    const team = this.get(principal, teamId);
    const page = this.memberships.list({ teamId: team.id }, plan, withTotal, COUNT_LIMIT);
    if (!page) throw cursorNotFound(plan);
    return { team, total: page.total, memberships: page.memberships };
  }

  /** A page of one user's memberships (`users.listMemberships`, API keys only). */
  membershipsOf(userId: string, plan: TeamListPlan) {
    const user = this.identity.users.get(userId);
    if (!user) throw new AppwriteError('user_not_found', `User '${userId}' not found.`);
    const page = this.memberships.list({ userId }, plan, false, COUNT_LIMIT);
    if (!page) throw cursorNotFound(plan);
    return page.memberships.map((membership) => ({
      membership,
      user,
      team: this.teams.get(membership.teamId),
    }));
  }

  /** One membership of a team the caller may read. */
  getMembership(principal: Principal, teamId: string, membershipId: string): MembershipInTeam {
    const team = this.get(principal, teamId);
    const membership = this.memberships.get(membershipId);
    if (!membership) throw membershipNotFound(membershipId);
    if (membership.teamId !== team.id) throw mismatch();
    return { team, membership, user: this.identity.users.get(membership.userId) };
  }

  /**
   * Invites a user to a team (`teams.[teamId].memberships.[membershipId].create`), as Appwrite's
   * Memberships/Create.php: the invitee is the user with `userId`, else with `email` (or `phone`),
   * else a new user made for the invitation. Only owners (and keys) invite; a key's invitation is
   * confirmed at once, a user's returns the secret its mail carries. Inviting again someone who has
   * not accepted yet renews the secret; someone already in is 409 `membership_already_confirmed`.
   */
  invite(principal: Principal, input: Invitation, options: WriteOptions = {}): Invited {
    const byKey = principal.kind === 'key';
    const { users } = this.identity;
    let email = input.email.toLowerCase();
    let phone = input.phone;
    let name = input.name || email;
    const team = this.get(principal, input.teamId);
    let invitee: UserRecord | null = null;
    if (input.userId) {
      invitee = users.get(input.userId);
      if (!invitee) {
        throw new AppwriteError('user_not_found', `User '${input.userId}' does not exist.`);
      }
      if (email && invitee.email !== email) throw notTheSameUser('userId', 'email');
      if (phone && invitee.phone !== phone) throw notTheSameUser('userId', 'phone');
      email = invitee.email;
      phone = invitee.phone;
      name = invitee.name || name;
    } else if (email) {
      invitee = users.getByEmail(email);
      if (invitee && phone && invitee.phone !== phone) throw notTheSameUser('email', 'phone');
    } else if (phone) {
      invitee = this.userByPhone(phone);
    }
    // Appwrite looks the invitee up before it checks the caller may invite; we check before a new
    // user is made, so a refused invitation leaves no user behind.
    if (!byKey && !holds(principal, `team:${team.id}/owner`)) {
      throw new AppwriteError(
        'user_unauthorized',
        'Only the team’s owners may send invitations for this team.',
      );
    }
    if (!byKey && !email) {
      // The invitation would go by SMS, and this server has no SMS provider.
      throw new AppwriteError('general_phone_disabled', 'Phone invitations need an SMS provider.');
    }
    if (!invitee) {
      if (!byKey) input.beforeNewUser?.();
      invitee = users.create(
        { id: uniqueId(), email: email || null, phone: phone || null, name, passwordHash: null },
        options,
      );
    }
    const user = invitee;
    const secret = byKey ? null : randomBytes(32).toString('hex');
    const secretHash = secret === null ? '' : secretDigest(secret);
    const existing = this.memberships.find(team.id, user.id);
    let membershipId: string;
    if (!existing) {
      membershipId = uniqueId();
      this.memberships.insert({
        id: membershipId,
        teamId: team.id,
        userId: user.id,
        roles: input.roles,
        confirm: byKey,
        secretHash,
      });
    } else if (!existing.confirm) {
      membershipId = existing.id;
      this.db.transaction(() => {
        this.memberships.reinvite(existing.id, secretHash);
        if (byKey) this.memberships.confirm(existing.id);
      })();
    } else {
      throw new AppwriteError(
        'membership_already_confirmed',
        'This user is already a member of the team.',
      );
    }
    const membership = this.memberships.get(membershipId) as MembershipRecord;
    const now = this.teams.get(team.id) as TeamRecord;
    this.publishMembership('create', now, membership, user, options);
    return { team: now, membership, user, secret };
  }

  /** Sets a membership's roles (`…memberships.[membershipId].update`); owners only. */
  updateRoles(
    principal: Principal,
    teamId: string,
    membershipId: string,
    roles: readonly string[],
    options: WriteOptions = {},
  ): MembershipInTeam {
    const team = this.get(principal, teamId);
    const membership = this.memberships.get(membershipId);
    if (!membership) throw membershipNotFound(membershipId);
    if (membership.teamId !== team.id) throw mismatch();
    const user = this.identity.users.get(membership.userId);
    if (!user) throw new AppwriteError('user_not_found', 'The member’s user no longer exists.');
    if (principal.kind !== 'key' && !holds(principal, `team:${team.id}/owner`)) {
      throw new AppwriteError('user_unauthorized', 'Only the team’s owners may change roles.');
    }
    this.memberships.setRoles(membership.id, roles);
    const updated = this.memberships.get(membership.id) as MembershipRecord;
    this.publishMembership('update', team, updated, user, options);
    return { team, membership: updated, user };
  }

  /**
   * Accepts an invitation with the secret from its link (`…memberships.[membershipId].update.status`),
   * as Appwrite's Memberships/Status/Update.php: the invitee's email becomes verified and, when the
   * caller has no session of theirs, a session opens for them (returned with its secret, for the
   * route's cookies). Anyone may call it; the secret decides.
   */
  accept(
    principal: Principal,
    input: { teamId: string; membershipId: string; userId: string; secret: string },
    client: SessionClient,
    options: WriteOptions = {},
  ) {
    const { users, sessions } = this.identity;
    const membership = this.memberships.get(input.membershipId);
    if (!membership) throw membershipNotFound(input.membershipId);
    const team = this.teams.get(input.teamId);
    if (!team) throw teamNotFound(input.teamId);
    if (membership.teamId !== team.id) throw mismatch();
    if (!this.memberships.secretMatches(membership.id, input.secret)) {
      throw new AppwriteError('team_invalid_secret', 'The invitation secret is invalid.');
    }
    const signedIn = principal.kind === 'user' ? principal.userId : null;
    const user = users.get(signedIn ?? input.userId);
    if (input.userId !== membership.userId || !user || user.id !== membership.userId) {
      throw new AppwriteError('team_invite_mismatch', 'This invitation belongs to another user.');
    }
    if (membership.confirm) {
      throw new AppwriteError(
        'membership_already_confirmed',
        'This invitation has already been accepted.',
      );
    }
    this.db.transaction(() => {
      this.memberships.confirm(membership.id);
      users.update(user.id, { emailVerification: true }, { event: null });
    })();
    const session =
      signedIn === null
        ? sessions.create(
            user.id,
            { name: 'email', uid: user.email },
            client.ip,
            client.userAgent,
            ['email'],
            client.seconds,
            options,
          )
        : null;
    const accepted = this.memberships.get(membership.id) as MembershipRecord;
    const member = users.get(user.id) as UserRecord;
    const now = this.teams.get(team.id) as TeamRecord;
    this.publishMembership('update.status', now, accepted, member, options);
    return { team: now, membership: accepted, user: member, session };
  }

  /**
   * Removes a membership (`…memberships.[membershipId].delete`): the member themself (leaving) or an
   * owner. Checked in Appwrite's order: the membership (404 `team_invite_not_found`), its user, the
   * team, that they belong together, then who asks (401 `user_unauthorized`).
   */
  deleteMembership(
    principal: Principal,
    teamId: string,
    membershipId: string,
    options: WriteOptions = {},
  ): void {
    const membership = this.memberships.get(membershipId);
    if (!membership) {
      throw new AppwriteError('team_invite_not_found', `No membership '${membershipId}'.`);
    }
    if (!this.identity.users.get(membership.userId)) {
      throw new AppwriteError('user_not_found', 'The member’s user no longer exists.');
    }
    const team = this.get(principal, teamId);
    if (membership.teamId !== team.id) throw mismatch();
    const mayDelete =
      principal.kind === 'key' ||
      holds(principal, `user:${membership.userId}`) ||
      holds(principal, `team:${team.id}/owner`);
    if (!mayDelete) {
      throw new AppwriteError(
        'user_unauthorized',
        'Only the member or the team’s owners may remove this membership.',
      );
    }
    this.memberships.delete(membership.id);
    // Appwrite's payload is the membership document as stored: no team or user names.
    const payload = membershipModel(membership, {
      teamName: '',
      user: null,
      details: false,
      accessedAt: false,
    });
    this.events.publish(membershipEvent('delete', team.id, membership.id, payload, options));
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A team the caller may change: 404 if they may not read it, 401 if they are not an owner. */
  private ownedTeam(principal: Principal, teamId: string): TeamRecord {
    const team = this.get(principal, teamId);
    if (principal.kind !== 'key' && !holds(principal, `team:${team.id}/owner`)) {
      throw new AppwriteError('user_unauthorized', 'Only the team’s owners may change it.');
    }
    return team;
  }

  private userByPhone(phone: string): UserRecord | null {
    const query = JSON.stringify({ method: 'equal', attribute: 'phone', values: [phone] });
    const plan = compileUserList([query, JSON.stringify({ method: 'limit', values: [1] })], '');
    return this.identity.users.list(plan, false, 1).users[0] ?? null;
  }

  private publishMembership(
    change: 'create' | 'update' | 'update.status',
    team: TeamRecord,
    membership: MembershipRecord,
    user: UserRecord,
    options: WriteOptions,
  ): void {
    const payload = membershipModel(membership, {
      teamName: team.name,
      user,
      details: false,
      accessedAt: false,
    });
    this.events.publish(membershipEvent(change, team.id, membership.id, payload, options));
  }
}

/** Whether a (non-key) caller holds a role. */
function holds(principal: Principal, role: string): boolean {
  return principal.kind !== 'key' && (principal.roles as readonly string[]).includes(role);
}

/** Whether a caller may read a team: keys, and its confirmed members (`read("team:T")`). */
function mayRead(principal: Principal, teamId: string): boolean {
  return principal.kind === 'key' || holds(principal, `team:${teamId}`);
}

function teamNotFound(teamId: string): AppwriteError {
  return new AppwriteError('team_not_found', `Team '${teamId}' not found.`);
}

function membershipNotFound(membershipId: string): AppwriteError {
  return new AppwriteError('membership_not_found', `Membership '${membershipId}' not found.`);
}

function mismatch(): AppwriteError {
  return new AppwriteError(
    'team_membership_mismatch',
    'This membership does not belong to this team.',
  );
}

function cursorNotFound(plan: TeamListPlan): AppwriteError {
  return new AppwriteError(
    'general_cursor_not_found',
    `No membership '${plan.cursor?.id}' to page from.`,
  );
}

function notTheSameUser(first: string, second: string): AppwriteError {
  return new AppwriteError(
    'user_already_exists',
    `The given ${first} and ${second} belong to different users.`,
  );
}
