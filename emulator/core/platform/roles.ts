/** What `rolesForUser` needs to know about a user. */
export interface RoleSubject {
  id: string;
  emailVerification: boolean;
  phoneVerification: boolean;
  labels: readonly string[];
}

/**
 * The permission roles a signed-in user holds, in Appwrite's order (SRV
 * `Utopia/Database/Documents/User.php` getRoles): `user:ID`, `users`, the verified/unverified dimension of
 * both (verified when the email or the phone is verified), then `label:X` for each label. Teams are not
 * supported yet, so no `team:`/`member:` roles appear. `any` is implied and never listed.
 */
export function rolesForUser(user: RoleSubject): string[] {
  const dimension = user.emailVerification || user.phoneVerification ? 'verified' : 'unverified';
  return [
    `user:${user.id}`,
    'users',
    `user:${user.id}/${dimension}`,
    `users/${dimension}`,
    ...user.labels.map((label) => `label:${label}`),
  ];
}
