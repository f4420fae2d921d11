/** What `rolesForUser` needs to know about a user. */
export interface RoleSubject {
  id: string;
  emailVerification: boolean;
  phoneVerification: boolean;
  labels: readonly string[];
}

/** One confirmed team membership, as roles need it (core/teams/ keeps them). */
export interface TeamGrant {
  teamId: string;
  membershipId: string;
  /** The member's roles in the team (`owner`, `editor`...). */
  roles: readonly string[];
}

/**
 * Where a user's confirmed memberships come from (core/teams/memberships.ts). Credentials and
 * Realtime take it as a plain lookup, so identity does not import teams.
 */
export interface TeamGrantSource {
  /** The user's confirmed memberships, oldest first. */
  grantsOf(userId: string): readonly TeamGrant[];
}

/**
 * The permission roles a signed-in user holds, in Appwrite's order (SRV
 * `Utopia/Database/Documents/User.php` getRoles): `user:ID`, `users`, the verified/unverified dimension of
 * both (verified when the email or the phone is verified), then for each confirmed membership
 * `team:T`, `member:M` and `team:T/<role>` for each of its roles, then `label:X` for each label. `any`
 * is implied and never listed.
 */
export function rolesForUser(user: RoleSubject, memberships: readonly TeamGrant[]): string[] {
  const dimension = user.emailVerification || user.phoneVerification ? 'verified' : 'unverified';
  return [
    `user:${user.id}`,
    'users',
    `user:${user.id}/${dimension}`,
    `users/${dimension}`,
    ...memberships.flatMap((m) => [
      `team:${m.teamId}`,
      `member:${m.membershipId}`,
      ...m.roles.map((role) => `team:${m.teamId}/${role}`),
    ]),
    ...user.labels.map((label) => `label:${label}`),
  ];
}
