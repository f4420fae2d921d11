import { compileList, type ListPlan, type ListResource } from '../platform/list-plan.ts';

/**
 * The lists of `GET /teams` and of memberships (`GET /teams/{id}/memberships`,
 * `GET /users/{id}/memberships`), over `teams_teams` and `teams_memberships`: the attributes of SRV
 * Validator/Queries/Teams.php and Memberships.php that the project's `teams` and `memberships`
 * collections have (`billingPlan` is a console attribute). Appwrite searches a team's id and name,
 * and a membership's id and user id, with a fulltext index; here each word is a substring.
 */

/** A team's member count, counted from its confirmed memberships (Appwrite keeps a counter). */
export const TEAM_TOTAL_SQL =
  '(SELECT COUNT(*) FROM teams_memberships m WHERE m.team_id = teams_teams.id AND m.confirm = 1)';

const TEAMS: ListResource = {
  plural: 'teams',
  singular: 'team',
  columns: {
    $id: { sql: 'teams_teams.id', kind: 'text' },
    $createdAt: { sql: 'teams_teams.created_at', kind: 'text' },
    $updatedAt: { sql: 'teams_teams.updated_at', kind: 'text' },
    name: { sql: 'teams_teams.name', kind: 'text' },
    total: { sql: TEAM_TOTAL_SQL, kind: 'int' },
  },
  searchIn: "(teams_teams.id || ' ' || teams_teams.name)",
};

const MEMBERSHIPS: ListResource = {
  plural: 'memberships',
  singular: 'membership',
  columns: {
    $id: { sql: 'id', kind: 'text' },
    $createdAt: { sql: 'created_at', kind: 'text' },
    $updatedAt: { sql: 'updated_at', kind: 'text' },
    userId: { sql: 'user_id', kind: 'text' },
    teamId: { sql: 'team_id', kind: 'text' },
    invited: { sql: 'invited', kind: 'text' },
    joined: { sql: 'joined', kind: 'text' },
    confirm: { sql: 'confirm', kind: 'bool' },
    roles: { sql: 'roles', kind: 'array' },
  },
  searchIn: "(id || ' ' || user_id)",
  // `joined` is '' until the invitation is accepted (Appwrite stores null).
  blankIsNull: true,
};

/** A compiled team or membership list request. */
export type TeamListPlan = ListPlan;

/** Compiles `GET /teams`'s `queries` plus its `search` term. */
export function compileTeamList(rawQueries: unknown, search: string): TeamListPlan {
  return compileList(TEAMS, rawQueries, search);
}

/** Compiles a membership list's `queries` plus its `search` term. */
export function compileMembershipList(rawQueries: unknown, search: string): TeamListPlan {
  return compileList(MEMBERSHIPS, rawQueries, search);
}
