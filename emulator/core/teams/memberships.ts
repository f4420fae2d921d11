import { createHash, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../platform/db.ts';
import { selectPage } from '../platform/list-page.ts';
import type { TeamGrant, TeamGrantSource } from '../platform/roles.ts';
import { isoDate } from '../platform/time.ts';
import type { TeamListPlan } from './queries.ts';
import type { MembershipRecord } from './records.ts';

interface MembershipRow {
  id: string;
  team_id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  roles: string;
  invited: string;
  joined: string;
  confirm: number;
  secret_hash: string;
}

function toMembership(row: MembershipRow): MembershipRecord {
  return {
    id: row.id,
    teamId: row.team_id,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    roles: JSON.parse(row.roles),
    invited: row.invited,
    joined: row.joined,
    confirm: row.confirm === 1,
  };
}

/** The invitation secret as stored: a SHA-256, so a copy of the database accepts no invitation. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new membership row. */
export interface NewMembership {
  id: string;
  teamId: string;
  userId: string;
  roles: readonly string[];
  confirm: boolean;
  /** The invitation secret's digest (`''` for a membership that needs no acceptance). */
  secretHash: string;
}

/**
 * Memberships, one row per user and team in `teams_memberships` (unique, as Appwrite's
 * `_key_unique` index), removed with their team or their user (foreign keys). A confirmed
 * membership gives its user the roles `team:T`, `member:M` and `team:T/<role>`: `grantsOf` is what
 * every signed-in request and Realtime socket asks, one indexed lookup.
 *
 * Plain storage: who may invite, change or remove, and the events, are the service's (service.ts).
 */
export class MembershipTable implements TeamGrantSource {
  private readonly byId;
  private readonly grants;

  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS teams_memberships (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      team_id TEXT NOT NULL REFERENCES teams_teams (id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      roles TEXT NOT NULL,
      invited TEXT NOT NULL,
      joined TEXT NOT NULL,
      confirm INTEGER NOT NULL,
      secret_hash TEXT NOT NULL,
      UNIQUE (team_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS teams_memberships_user ON teams_memberships (user_id, confirm);`);
    this.byId = db.prepare('SELECT * FROM teams_memberships WHERE id = ?');
    this.grants = db.prepare(
      'SELECT id, team_id, roles FROM teams_memberships WHERE user_id = ? AND confirm = 1 ORDER BY seq',
    );
  }

  /** A user's confirmed memberships, oldest first: the team roles they hold. */
  grantsOf(userId: string): TeamGrant[] {
    const rows = this.grants.all(userId) as Pick<MembershipRow, 'id' | 'team_id' | 'roles'>[];
    return rows.map((row) => ({
      teamId: row.team_id,
      membershipId: row.id,
      roles: JSON.parse(row.roles),
    }));
  }

  /** Inserts a membership (invited now; joined now when it needs no acceptance). */
  insert(membership: NewMembership): void {
    const now = isoDate();
    this.db
      .prepare(
        `INSERT INTO teams_memberships (id, team_id, user_id, created_at, updated_at, roles, invited,
          joined, confirm, secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        membership.id,
        membership.teamId,
        membership.userId,
        now,
        now,
        JSON.stringify(membership.roles),
        now,
        membership.confirm ? now : '',
        membership.confirm ? 1 : 0,
        membership.secretHash,
      );
  }

  /** A membership by id, or `null`. */
  get(id: string): MembershipRecord | null {
    const row = this.byId.get(id) as MembershipRow | undefined;
    return row ? toMembership(row) : null;
  }

  /** A user's membership of a team, or `null`. */
  find(teamId: string, userId: string): MembershipRecord | null {
    const row = this.db
      .prepare('SELECT * FROM teams_memberships WHERE team_id = ? AND user_id = ?')
      .get(teamId, userId) as MembershipRow | undefined;
    return row ? toMembership(row) : null;
  }

  /**
   * Whether `secret` is the membership's current invitation secret, compared in constant time (the
   * project's rule for secrets, though both sides are digests).
   */
  secretMatches(id: string, secret: string): boolean {
    const row = this.byId.get(id) as MembershipRow | undefined;
    if (row === undefined || row.secret_hash === '') return false;
    const stored = Buffer.from(row.secret_hash, 'hex');
    const given = Buffer.from(secretDigest(secret), 'hex');
    return stored.length === given.length && timingSafeEqual(stored, given);
  }

  /** Sets a membership's roles. */
  setRoles(id: string, roles: readonly string[]): void {
    this.db
      .prepare('UPDATE teams_memberships SET roles = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(roles), isoDate(), id);
  }

  /** A new invitation for an unconfirmed membership: a new secret and invitation time. */
  reinvite(id: string, secretHash: string): void {
    const now = isoDate();
    this.db
      .prepare(
        'UPDATE teams_memberships SET secret_hash = ?, invited = ?, updated_at = ? WHERE id = ?',
      )
      .run(secretHash, now, now, id);
  }

  /**
   * Marks a membership accepted (joined now). The secret stays, as in Appwrite: the same link used
   * again is 409 `membership_already_confirmed`, not an invalid secret.
   */
  confirm(id: string): void {
    const now = isoDate();
    this.db
      .prepare('UPDATE teams_memberships SET confirm = 1, joined = ?, updated_at = ? WHERE id = ?')
      .run(now, now, id);
  }

  /** Deletes a membership; returns whether it existed. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM teams_memberships WHERE id = ?').run(id).changes > 0;
  }

  /**
   * A page of memberships for a compiled plan, of one team (`teamId`) or of one user (`userId`).
   * `null` when the cursor names no membership in the list.
   */
  list(
    of: { teamId: string } | { userId: string },
    plan: TeamListPlan,
    withTotal: boolean,
    cap: number,
  ): { total: number; memberships: MembershipRecord[] } | null {
    const [column, value] = 'teamId' in of ? ['team_id', of.teamId] : ['user_id', of.userId];
    const page = selectPage<MembershipRow>(
      this.db,
      {
        table: 'teams_memberships',
        idSql: 'id',
        seqSql: 'seq',
        select: '*',
        where: [`${column} = ?`],
        params: [value],
      },
      plan,
      withTotal,
      cap,
    );
    if ('cursorMissing' in page) return null;
    return { total: page.total, memberships: page.rows.map(toMembership) };
  }
}
