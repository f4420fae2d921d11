/**
 * Realtime channel names: which channels an event is published on, and what a client's requested
 * channels become for its identity. Mirrors Appwrite 1.9.5 src/Appwrite/Messaging/Adapter/Realtime.php
 * (`fromPayload`, `getDatabaseChannels`, `convertChannels`).
 */
import { eventNames } from '../core/platform/event-names.ts';
import type { AppwriteEvent } from '../core/platform/events.ts';

/** The actions that also get a channel of their own (`…rows.create`, `…rows.<id>.update`). */
const ACTIONS = ['create', 'update', 'upsert', 'delete'] as const;

/** Channels whose last or second-to-last segment is one of these get an action-suffixed twin. */
const RESOURCE_LEAVES = new Set([
  'documents',
  'rows',
  'files',
  'executions',
  'functions',
  'account',
  'teams',
  'memberships',
  'presences',
]);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Every channel an event is published on, or `[]` when Realtime does not carry it (schema changes,
 * executions nobody may read). Appwrite works them out from the first (most specific) event name and
 * the payload; a row change reaches the `documents`/`rows` channels of both APIs — 16 channels for a
 * row create. `names` are the event's names when the caller has them already.
 */
export function channelsOf(
  event: AppwriteEvent,
  projectId: string,
  names: readonly string[] = eventNames(event),
): string[] {
  const first = names[0] ?? '';
  const parts = first.split('.');
  const payload = event.payload;
  let channels: string[] = [];
  switch (parts[0]) {
    case 'users':
      channels = ['account', `account.${parts[1]}`];
      break;
    case 'databases':
    case 'tablesdb': {
      if (parts[4] !== 'rows' && parts[4] !== 'documents') break;
      const databaseId = text(payload.$databaseId) || (event.params.databaseId ?? '');
      const tableId = text(payload.$tableId) || text(payload.$collectionId);
      const rowId = text(payload.$id);
      if (!databaseId || !tableId || !rowId) break;
      channels = [
        'documents',
        `databases.${databaseId}.collections.${tableId}.documents`,
        `databases.${databaseId}.collections.${tableId}.documents.${rowId}`,
        'rows',
        `databases.${databaseId}.tables.${tableId}.rows`,
        `databases.${databaseId}.tables.${tableId}.rows.${rowId}`,
        `tablesdb.${databaseId}.tables.${tableId}.rows`,
        `tablesdb.${databaseId}.tables.${tableId}.rows.${rowId}`,
      ];
      break;
    }
    case 'buckets':
      if (parts[2] === 'files') {
        const bucketId = text(payload.bucketId) || (event.params.bucketId ?? '');
        const fileId = text(payload.$id);
        channels = ['files', `buckets.${bucketId}.files`, `buckets.${bucketId}.files.${fileId}`];
      }
      break;
    case 'teams':
      // A membership change is heard on `memberships`, a team's own on `teams` (Realtime.php).
      channels =
        parts[2] === 'memberships'
          ? ['memberships', `memberships.${parts[3]}`]
          : ['teams', `teams.${parts[1]}`];
      break;
    case 'functions':
      // Every execution is published; one nobody may read (a key started it) reaches only the
      // console's admin socket, as the broker delivers by read roles (Appwrite: the console hears
      // every execution of its project).
      if (parts[2] === 'executions') {
        const functionId = text(payload.functionId) || (event.params.functionId ?? '');
        channels = [
          'console',
          `projects.${projectId}`,
          'executions',
          `executions.${text(payload.$id)}`,
          `functions.${functionId}`,
        ];
      }
      break;
  }
  const action = actionOf(parts);
  if (action === null || channels.length === 0) return channels;
  const suffixed = channels.filter((channel) => {
    const segments = channel.split('.');
    const last = segments[segments.length - 1] ?? '';
    const parent = segments[segments.length - 2] ?? '';
    return RESOURCE_LEAVES.has(last) || RESOURCE_LEAVES.has(parent);
  });
  return [...new Set([...channels, ...suffixed.map((channel) => `${channel}.${action}`)])];
}

/**
 * The action of an event name: its last segment, or the one before for attribute events
 * (`users.U.update.email`). User events only count it at the top level, so a session event does not
 * reach `account.create`.
 */
function actionOf(parts: readonly string[]): string | null {
  const isAction = (part: string | undefined) =>
    (ACTIONS as readonly (string | undefined)[]).includes(part);
  let action: string | null = null;
  if (isAction(parts[parts.length - 1])) action = parts[parts.length - 1] as string;
  else if (parts.length >= 2 && isAction(parts[parts.length - 2])) {
    action = parts[parts.length - 2] as string;
  }
  if (action !== null && parts[0] === 'users' && parts[2] !== action) return null;
  return action;
}

/**
 * What a client's requested channels mean for who it is: `account` also listens on
 * `account.<userId>`, `account.<action>` becomes `account.<userId>.<action>`, and any other
 * `account.…` (someone else's account) is dropped. A guest keeps `account` and `account.<action>`,
 * which carry nothing for it until it signs in.
 */
export function convertChannels(requested: readonly string[], userId: string): string[] {
  // A set keeps the first occurrence's order and makes the de-duplication linear in the channels.
  const out = new Set<string>();
  const add = (channel: string) => {
    out.add(channel);
  };
  for (const channel of requested) {
    if (channel === 'account') {
      add(channel);
      if (userId) add(`account.${userId}`);
    } else if (channel.startsWith('account.')) {
      const rest = channel.slice('account.'.length);
      if (!(ACTIONS as readonly string[]).includes(rest)) continue;
      add(userId ? `account.${userId}.${rest}` : channel);
    } else {
      add(channel);
    }
  }
  return [...out];
}
