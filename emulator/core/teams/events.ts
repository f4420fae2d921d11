import { type AppwriteEvent, changeEvent } from '../platform/events.ts';
import type { WriteOptions } from '../platform/write-options.ts';

/**
 * The events Appwrite's Teams routes label themselves with (src/Appwrite/Platform/Modules/Teams/
 * Http/*): `teams.[teamId].create|update|update.prefs|delete` with the Team as payload, and
 * `teams.[teamId].memberships.[membershipId].create|update|update.status|delete` with the
 * Membership. Only the team's members may read them (`team:T`, as Appwrite's Realtime routes them).
 */

/** A team change, as the part of its event after `teams.[teamId].`. */
export type TeamChange = 'create' | 'update' | 'update.prefs' | 'delete';

/** A membership change, as the part after `teams.[teamId].memberships.[membershipId].`. */
export type MembershipChange = 'create' | 'update' | 'update.status' | 'delete';

/** `teams.[teamId].<change>`, with the Team model as payload. */
export function teamEvent(
  change: TeamChange,
  teamId: string,
  payload: Record<string, unknown>,
  options: WriteOptions,
): AppwriteEvent {
  return event(`teams.[teamId].${change}`, { teamId }, payload, teamId, options);
}

/** `teams.[teamId].memberships.[membershipId].<change>`, with the Membership model as payload. */
export function membershipEvent(
  change: MembershipChange,
  teamId: string,
  membershipId: string,
  payload: Record<string, unknown>,
  options: WriteOptions,
): AppwriteEvent {
  return event(
    `teams.[teamId].memberships.[membershipId].${change}`,
    { teamId, membershipId },
    payload,
    teamId,
    options,
  );
}

/** A change read by the team only. */
function event(
  pattern: string,
  params: Record<string, string>,
  payload: Record<string, unknown>,
  teamId: string,
  options: WriteOptions,
): AppwriteEvent {
  return changeEvent(pattern, params, payload, [`team:${teamId}`], options);
}
