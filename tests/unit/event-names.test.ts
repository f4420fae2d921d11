import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type DatabaseType, generateEvents } from '../../emulator/core/platform/event-names.ts';

/** Appwrite 1.9.5's exact lists for one change each (copied from the team's reference vectors). */
interface Vector {
  pattern: string;
  params: Record<string, string>;
  databaseType?: DatabaseType;
  events: string[];
}
const vectors = Object.entries(
  JSON.parse(
    readFileSync(new URL('./fixtures/appwrite-event-vectors.json', import.meta.url), 'utf8'),
  ) as Record<string, Vector | string>,
).filter((entry): entry is [string, Vector] => typeof entry[1] === 'object');

describe('generateEvents reproduces Appwrite 1.9.5', () => {
  test('every vector is exercised', () => {
    expect(vectors.map(([name]) => name)).toEqual([
      'row_create_in_tablesdb_database',
      'row_update_in_tablesdb_database',
      'row_create_in_legacy_database',
      'user_create',
      'file_create',
      'execution_update',
    ]);
  });

  test.each(vectors)('%s: same names in the same order', (_name, vector) => {
    const names = generateEvents(vector.pattern, vector.params, {
      databaseType: vector.databaseType,
    });
    expect(names).toEqual(vector.events);
  });

  test('a row create in a TablesDB database has 64 names, a legacy one 42', () => {
    const params = { databaseId: 'main', tableId: 'tasks', rowId: 'r1' };
    const pattern = 'databases.[databaseId].tables.[tableId].rows.[rowId].create';
    expect(generateEvents(pattern, params, { databaseType: 'tablesdb' })).toHaveLength(64);
    expect(generateEvents(pattern, params, { databaseType: 'legacy' })).toHaveLength(42);
  });

  test('an attribute suffix comes after the bare action, as upstream orders it', () => {
    expect(generateEvents('users.[userId].update.status', { userId: 'u1' })).toEqual([
      'users.u1.update',
      'users.*.update',
      'users.u1.update.status',
      'users.*.update.status',
      'users.u1',
      'users.*',
    ]);
  });

  test('sessions nest under their user', () => {
    expect(
      generateEvents('users.[userId].sessions.[sessionId].create', { userId: 'u', sessionId: 's' }),
    ).toEqual([
      'users.u.sessions.s.create',
      'users.*.sessions.*.create',
      'users.u.sessions.*.create',
      'users.*.sessions.s.create',
      'users.u.sessions.s',
      'users.*.sessions.*',
      'users.u.sessions.*',
      'users.*.sessions.s',
      'users.u',
      'users.*',
    ]);
  });

  test('a placeholder without a value is refused', () => {
    expect(() => generateEvents('users.[userId].create', {})).toThrow(/userId/);
  });
});
