import { compileList, type ListPlan, type ListResource } from '../platform/list-plan.ts';

/**
 * The user list of `GET /users`, over `auth_users`: the attributes of SRV
 * Validator/Queries/Users.php. Nullable text is coalesced so order and cursors are total. Appwrite
 * searches users with a fulltext index over id, email, name and phone.
 */
const USERS: ListResource = {
  plural: 'users',
  singular: 'user',
  columns: {
    $id: { sql: 'id', kind: 'text' },
    $createdAt: { sql: 'created_at', kind: 'text' },
    $updatedAt: { sql: 'updated_at', kind: 'text' },
    name: { sql: 'name', kind: 'text' },
    email: { sql: "COALESCE(email, '')", kind: 'text' },
    phone: { sql: "COALESCE(phone, '')", kind: 'text' },
    status: { sql: 'status', kind: 'bool' },
    passwordUpdate: { sql: 'password_update', kind: 'text' },
    registration: { sql: 'registration', kind: 'text' },
    emailVerification: { sql: 'email_verification', kind: 'bool' },
    phoneVerification: { sql: 'phone_verification', kind: 'bool' },
    labels: { sql: 'labels', kind: 'array' },
  },
  searchIn: "(id || ' ' || COALESCE(email, '') || ' ' || name || ' ' || COALESCE(phone, ''))",
  blankIsNull: true,
  numbersAsText: true,
};

/** A compiled user list request. */
export type UserListPlan = ListPlan;

/** Compiles the `queries` param plus a `search` term. */
export function compileUserList(rawQueries: unknown, search: string): UserListPlan {
  return compileList(USERS, rawQueries, search);
}
