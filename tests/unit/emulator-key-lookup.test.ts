import { expect, test } from 'vitest';
import { openIdentity } from '../../emulator/core/identity/service.ts';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { EventBus } from '../../emulator/core/platform/events.ts';

/**
 * `keys.find` remembers its lookups (the last one, then a bounded map), so a keyed request reads no
 * row. The only way a key goes away, `deleteExpired`, must forget them: a deleted key found again
 * right after, from either memory, would still open the project.
 */
test('a key deleteExpired removed is not found afterwards, though it was just looked up', () => {
  const { keys } = openIdentity(openDatabase(':memory:'), new EventBus());
  const expired = keys.create(
    'Function execution e1',
    ['rows.read'],
    '2020-01-01T00:00:00.000+00:00',
  );
  const other = keys.create(
    'Function execution e2',
    ['rows.read'],
    '2020-01-01T00:00:00.000+00:00',
  );
  const kept = keys.createFullScope();
  // `other` sits in the map, `expired` is the last lookup.
  expect(keys.find(other.secret)?.id).toBe(other.key.id);
  expect(keys.find(expired.secret)?.id).toBe(expired.key.id);
  expect(keys.find(expired.secret)?.id).toBe(expired.key.id);

  expect(keys.deleteExpired('Function execution ')).toBe(2);
  expect(keys.find(expired.secret)).toBeNull();
  expect(keys.find(other.secret)).toBeNull();
  expect(keys.find(kept.secret)?.id).toBe(kept.key.id);
});

test('a lookup answers the key of the secret asked, not the one asked before', () => {
  const { keys } = openIdentity(openDatabase(':memory:'), new EventBus());
  const a = keys.create('a', ['rows.read']);
  const b = keys.create('b', ['rows.write']);
  expect(keys.find(a.secret)?.id).toBe(a.key.id);
  expect(keys.find(b.secret)?.id).toBe(b.key.id);
  expect(keys.find(a.secret)?.id).toBe(a.key.id);
  expect(keys.find(`${a.secret}0`)).toBeNull();
  expect(keys.find(a.secret)?.id).toBe(a.key.id);
});
