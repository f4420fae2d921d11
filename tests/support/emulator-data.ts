import { openDatabase } from '../../emulator/core/platform/db.ts';
import { EventBus } from '../../emulator/core/platform/events.ts';
import type { Principal } from '../../emulator/core/platform/principal.ts';
import { openTablesDB, type TablesDB } from '../../emulator/core/tablesdb/service.ts';

/** Principals for core-level tests, with roles in Appwrite's order. */
export const who = {
  key: { kind: 'key', keyId: 'k', scopes: new Set<string>() },
  guest: { kind: 'guest', roles: ['guests'] },
  owner: {
    kind: 'user',
    userId: 'owner',
    sessionId: null,
    roles: ['user:owner', 'users', 'user:owner/verified', 'users/verified'],
  },
  other: {
    kind: 'user',
    userId: 'other',
    sessionId: null,
    roles: ['user:other', 'users', 'user:other/unverified', 'users/unverified'],
  },
  admin: {
    kind: 'user',
    userId: 'admin',
    sessionId: null,
    roles: ['user:admin', 'users', 'user:admin/verified', 'users/verified', 'label:admin'],
  },
} satisfies Record<string, Principal>;

/** An in-memory data layer with database `main`. */
export function freshData(): TablesDB {
  const data = openTablesDB(openDatabase(':memory:'), new EventBus());
  data.schema.createDatabase({ databaseId: 'main', name: 'main' }, 'tablesdb');
  return data;
}

/** Runs `fn` and returns the Appwrite error type it throws (or `'ok'`). */
export function errorType(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as { type?: string }).type ?? String(error);
  }
}
