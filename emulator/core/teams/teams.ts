import type { Statement } from 'better-sqlite3';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { selectPage } from '../platform/list-page.ts';
import { isoDate } from '../platform/time.ts';
import { TEAM_TOTAL_SQL, type TeamListPlan } from './queries.ts';
import type { TeamRecord } from './records.ts';

interface TeamRow {
  id: string;
  created_at: string;
  updated_at: string;
  name: string;
  prefs: string;
  total: number;
}

function toTeam(row: TeamRow): TeamRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    name: row.name,
    total: row.total,
    prefs: JSON.parse(row.prefs),
  };
}

/**
 * The project's teams, one row each in `teams_teams`. A team's `total` is not stored: it is the
 * number of its confirmed memberships, counted when the team is read, so it cannot drift (Appwrite
 * keeps a counter its routes move). Deleting a team deletes its memberships (a foreign key).
 *
 * Plain storage: who may read or change a team, and the events, are the service's (service.ts).
 */
export class TeamTable {
  /** Prepared on first use: it counts memberships, whose table is made after this one. */
  #byId: Statement | null = null;

  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS teams_teams (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      name TEXT NOT NULL,
      prefs TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS teams_teams_name ON teams_teams (name);`);
  }

  /** Inserts a team; a taken id is 409 `team_already_exists`. */
  insert(id: string, name: string): void {
    const now = isoDate();
    const taken = this.db.prepare('SELECT 1 FROM teams_teams WHERE id = ?').get(id);
    if (taken) throw new AppwriteError('team_already_exists', `A team '${id}' already exists.`);
    this.db
      .prepare(
        `INSERT INTO teams_teams (id, created_at, updated_at, name, prefs) VALUES (?, ?, ?, ?, '{}')`,
      )
      .run(id, now, now, name);
  }

  /** A team by id, or `null`. */
  get(id: string): TeamRecord | null {
    this.#byId ??= this.db.prepare(
      `SELECT *, ${TEAM_TOTAL_SQL} AS total FROM teams_teams WHERE id = ?`,
    );
    const row = this.#byId.get(id) as TeamRow | undefined;
    return row ? toTeam(row) : null;
  }

  /** Sets a team's name or prefs (and `$updatedAt`). */
  update(id: string, patch: { name?: string; prefs?: Record<string, unknown> }): void {
    const sets = ['updated_at = ?'];
    const values: unknown[] = [isoDate()];
    if (patch.name !== undefined) {
      sets.push('name = ?');
      values.push(patch.name);
    }
    if (patch.prefs !== undefined) {
      sets.push('prefs = ?');
      values.push(JSON.stringify(patch.prefs));
    }
    this.db.prepare(`UPDATE teams_teams SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Deletes a team and its memberships; returns whether it existed. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM teams_teams WHERE id = ?').run(id).changes > 0;
  }

  /**
   * A page of teams for a compiled plan; with `memberOf`, only the teams that user is a confirmed
   * member of (the teams a user may read). `null` when the cursor names no team in the list.
   */
  list(
    plan: TeamListPlan,
    memberOf: string | null,
    withTotal: boolean,
    cap: number,
  ): { total: number; teams: TeamRecord[] } | null {
    const page = selectPage<TeamRow>(
      this.db,
      {
        table: 'teams_teams',
        idSql: 'teams_teams.id',
        seqSql: 'teams_teams.seq',
        select: `teams_teams.*, ${TEAM_TOTAL_SQL} AS total`,
        where:
          memberOf === null
            ? []
            : [
                'teams_teams.id IN (SELECT team_id FROM teams_memberships WHERE user_id = ? AND confirm = 1)',
              ],
        params: memberOf === null ? [] : [memberOf],
      },
      plan,
      withTotal,
      cap,
    );
    if ('cursorMissing' in page) return null;
    return { total: page.total, teams: page.rows.map(toTeam) };
  }
}
