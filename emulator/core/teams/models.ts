import type { UserRecord } from '../identity/records.ts';
import type { MembershipRecord, TeamRecord } from './records.ts';

/**
 * The `Team` and `Membership` models as node-appwrite 27.1.0 and the web SDKs type them (SRV
 * src/Appwrite/Utopia/Response/Model/Team.php, Membership.php). The 1.9.5 model is the same in
 * every format this server speaks but 1.8.0, which drops `userPhone` (the formats layer's V23).
 */

/** The `Team` model. */
export function teamModel(team: TeamRecord) {
  return {
    $id: team.id,
    $createdAt: team.createdAt,
    $updatedAt: team.updatedAt,
    name: team.name,
    total: team.total,
    prefs: team.prefs,
  };
}

/**
 * What a membership shows of its user and team. Appwrite sets `userName`, `userEmail`, `userPhone`
 * and `mfa` only on some routes (lists and get, per the project's membership privacy, whose
 * defaults show them), and `userAccessedAt` only to API keys; what a route leaves unset takes the
 * model's default (`''`, `false`).
 */
export interface MembershipView {
  teamName: string;
  user: UserRecord | null;
  /** Show `userPhone` and `mfa` (the list and get routes do). */
  details: boolean;
  /** Show `userAccessedAt` (API keys only: the privacy setting that hides it is off by default). */
  accessedAt: boolean;
}

/** The `Membership` model. */
export function membershipModel(membership: MembershipRecord, view: MembershipView) {
  const { user, details } = view;
  return {
    $id: membership.id,
    $createdAt: membership.createdAt,
    $updatedAt: membership.updatedAt,
    userId: membership.userId,
    userName: user?.name ?? '',
    userEmail: user?.email ?? '',
    userPhone: details ? (user?.phone ?? '') : '',
    teamId: membership.teamId,
    teamName: view.teamName,
    invited: membership.invited,
    joined: membership.joined,
    confirm: membership.confirm,
    mfa: details ? (user?.mfa ?? false) : false,
    userAccessedAt: view.accessedAt ? (user?.accessedAt ?? '') : '',
    roles: membership.roles,
  };
}
