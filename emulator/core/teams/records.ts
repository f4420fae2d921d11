/**
 * Teams and memberships as the core holds them, apart from their stores (teams.ts, memberships.ts)
 * so that models and events (models.ts, events.ts) can name them without importing the stores.
 */

/** A team. Its member count is not stored: it is counted from the confirmed memberships. */
export interface TeamRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  name: string;
  /** How many confirmed memberships the team has (Appwrite's `total`). */
  total: number;
  prefs: Record<string, unknown>;
}

/** A membership: a user invited to a team (`confirm` false) or in it (`confirm` true). */
export interface MembershipRecord {
  id: string;
  teamId: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  roles: string[];
  invited: string;
  /** When the invitation was accepted; `''` until then. */
  joined: string;
  confirm: boolean;
}
