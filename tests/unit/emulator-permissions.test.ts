import { Permission, Query, Role } from 'node-appwrite';
import { describe, expect, test } from 'vitest';
import {
  parsePermissions,
  ROW_ACTIONS,
  TABLE_ACTIONS,
} from '../../emulator/core/platform/permissions.ts';
import type { Principal } from '../../emulator/core/platform/principal.ts';
import { errorType, freshData, who } from '../support/emulator-data.ts';

describe('permission strings', () => {
  test('write expands to create, update and delete at table level, update and delete at row level', () => {
    expect(parsePermissions([Permission.write(Role.users())], TABLE_ACTIONS)).toEqual([
      'create("users")',
      'update("users")',
      'delete("users")',
    ]);
    expect(parsePermissions([Permission.write(Role.user('u1'))], ROW_ACTIONS)).toEqual([
      'update("user:u1")',
      'delete("user:u1")',
    ]);
  });

  test('order is kept and duplicates dropped (appwrite-cli compares the list as JSON)', () => {
    expect(
      parsePermissions(
        [
          Permission.read(Role.any()),
          Permission.update(Role.label('admin')),
          Permission.read(Role.any()),
        ],
        TABLE_ACTIONS,
      ),
    ).toEqual(['read("any")', 'update("label:admin")']);
  });

  test('null stays null so the caller can apply defaults', () => {
    expect(parsePermissions(undefined, ROW_ACTIONS)).toBeNull();
  });

  const accepted = [
    Role.any(),
    Role.guests(),
    Role.users(),
    Role.users('verified'),
    Role.user('abc', 'unverified'),
    Role.label('admin'),
    Role.team('t1', 'owner'),
    Role.member('m1'),
  ];
  test.each(accepted)('role %s is accepted', (role) => {
    expect(parsePermissions([Permission.read(role)], ROW_ACTIONS)).toEqual([`read("${role}")`]);
  });

  const rejected: [string, unknown][] = [
    ['not a list', 'read("any")'],
    ['not a string', [42]],
    ['unknown action', ['admin("any")']],
    ['unknown role', ['read("everyone")']],
    ['single quotes', ["read('any')"]],
    ['create on a row', [Permission.create(Role.any())]],
    ['bad user id', ['read("user:-x")']],
    ['trailing text', ['read("any") ']],
  ];
  test.each(rejected)('%s → general_argument_invalid', (_name, list) => {
    expect(errorType(() => parsePermissions(list, ROW_ACTIONS))).toBe('general_argument_invalid');
  });
});

/**
 * The permission matrix at the core: who × what × rowSecurity. The table grants create to `users`
 * and everything else to `label:admin`; each row is made by `owner` with the default row
 * permissions (read/update/delete for `user:owner`). Appwrite's rules (facts §2.4): table-level OR
 * (with rowSecurity) row-level; an unreadable row is 404; a list without any read path is 401.
 */
describe('permission matrix (core)', () => {
  type Actor = keyof typeof who;
  type Act = 'get' | 'list' | 'create' | 'update' | 'delete';
  // Expected outcome per actor and action: an error type, 'ok', or for list the number of rows seen.
  const matrix: Record<'on' | 'off', Record<Actor, Record<Act, string | number>>> = {
    on: {
      guest: {
        get: 'row_not_found',
        list: 0,
        create: 'user_unauthorized',
        update: 'user_unauthorized',
        delete: 'user_unauthorized',
      },
      owner: { get: 'ok', list: 1, create: 'ok', update: 'ok', delete: 'ok' },
      other: {
        get: 'row_not_found',
        list: 0,
        create: 'ok',
        update: 'user_unauthorized',
        delete: 'user_unauthorized',
      },
      admin: { get: 'ok', list: 1, create: 'ok', update: 'ok', delete: 'ok' },
      key: { get: 'ok', list: 1, create: 'ok', update: 'ok', delete: 'ok' },
    },
    off: {
      guest: {
        get: 'row_not_found',
        list: 'user_unauthorized',
        create: 'user_unauthorized',
        update: 'user_unauthorized',
        delete: 'user_unauthorized',
      },
      owner: {
        get: 'row_not_found',
        list: 'user_unauthorized',
        create: 'ok',
        update: 'user_unauthorized',
        delete: 'user_unauthorized',
      },
      other: {
        get: 'row_not_found',
        list: 'user_unauthorized',
        create: 'ok',
        update: 'user_unauthorized',
        delete: 'user_unauthorized',
      },
      admin: { get: 'ok', list: 1, create: 'ok', update: 'ok', delete: 'ok' },
      key: { get: 'ok', list: 1, create: 'ok', update: 'ok', delete: 'ok' },
    },
  };

  const cases = (['on', 'off'] as const).flatMap((security) =>
    (Object.keys(who) as Actor[]).flatMap((actor) =>
      (['get', 'list', 'create', 'update', 'delete'] as Act[]).map(
        (act) => [security, actor, act, matrix[security][actor][act]] as const,
      ),
    ),
  );

  test.each(cases)('rowSecurity %s: %s %s → %s', (security, actor, act, expected) => {
    const { schema, rows } = freshData();
    schema.createTable('main', 'notes', {
      name: 'notes',
      rowSecurity: security === 'on',
      permissions: [
        Permission.create(Role.users()),
        Permission.read(Role.label('admin')),
        Permission.update(Role.label('admin')),
        Permission.delete(Role.label('admin')),
      ],
    });
    schema.createColumn('main', 'notes', 'string', { key: 'body', size: 100 });
    rows.create(who.owner, 'main', 'notes', 'n1', { body: 'secret' }, null);
    const p: Principal = who[actor];
    const run = () => {
      switch (act) {
        case 'get':
          return rows.get(p, 'main', 'notes', 'n1');
        case 'list':
          return rows.list(p, 'main', 'notes', [Query.limit(10)]);
        case 'create':
          return rows.create(p, 'main', 'notes', 'unique()', { body: 'new' }, null);
        case 'update':
          return rows.update(p, 'main', 'notes', 'n1', { body: 'changed' }, null);
        case 'delete':
          return rows.delete(p, 'main', 'notes', 'n1');
      }
    };
    if (typeof expected === 'number') {
      const list = run() as { total: number; rows: unknown[] };
      expect(list.rows).toHaveLength(expected);
      expect(list.total).toBe(expected);
      if (expected === 0) expect(JSON.stringify(list)).not.toContain('secret');
      return;
    }
    expect(errorType(run)).toBe(expected);
    // A refused write leaves the row as it was.
    if (expected !== 'ok' && (act === 'update' || act === 'delete')) {
      expect(rows.get(who.key, 'main', 'notes', 'n1').body).toBe('secret');
    }
  });
});

describe('granting', () => {
  const setup = () => {
    const data = freshData();
    data.schema.createTable('main', 'notes', {
      name: 'notes',
      rowSecurity: true,
      permissions: [Permission.create(Role.any())],
    });
    data.schema.createColumn('main', 'notes', 'string', { key: 'body', size: 100 });
    return data;
  };

  const scenarios: [string, Principal, string[] | null, string | string[]][] = [
    [
      'a user gets read/update/delete on themself by default',
      who.owner,
      null,
      ['read("user:owner")', 'update("user:owner")', 'delete("user:owner")'],
    ],
    ['a guest gets no permissions by default', who.guest, null, []],
    ['a key gets no permissions by default', who.key, null, []],
    [
      'a user may grant a role they hold',
      who.owner,
      [Permission.read(Role.any()), Permission.update(Role.user('owner'))],
      ['read("any")', 'update("user:owner")'],
    ],
    [
      'a user may not grant another user',
      who.owner,
      [Permission.read(Role.user('other'))],
      'user_unauthorized',
    ],
    [
      'a user may not grant a label they lack',
      who.owner,
      [Permission.read(Role.label('admin'))],
      'user_unauthorized',
    ],
    [
      'an admin may grant their label',
      who.admin,
      [Permission.read(Role.label('admin'))],
      ['read("label:admin")'],
    ],
    ['a guest may grant guests', who.guest, [Permission.read(Role.guests())], ['read("guests")']],
    [
      'a guest may not grant users',
      who.guest,
      [Permission.read(Role.users())],
      'user_unauthorized',
    ],
    ['a key may grant anything', who.key, [Permission.read(Role.team('t1'))], ['read("team:t1")']],
  ];
  test.each(scenarios)('%s', (_name, principal, permissions, expected) => {
    const { rows } = setup();
    if (typeof expected === 'string') {
      expect(
        errorType(() => rows.create(principal, 'main', 'notes', 'x', { body: 'b' }, permissions)),
      ).toBe(expected);
      expect(rows.list(who.key, 'main', 'notes').total).toBe(0);
      return;
    }
    expect(
      rows.create(principal, 'main', 'notes', 'x', { body: 'b' }, permissions).$permissions,
    ).toEqual(expected);
  });

  test('row permissions replace on update and the side table follows', () => {
    const { rows } = setup();
    rows.create(who.owner, 'main', 'notes', 'x', { body: 'b' }, null);
    rows.update(who.owner, 'main', 'notes', 'x', {}, [
      Permission.read(Role.any()),
      Permission.update(Role.user('owner')),
    ]);
    expect(rows.get(who.other, 'main', 'notes', 'x').$id).toBe('x');
    expect(errorType(() => rows.delete(who.owner, 'main', 'notes', 'x'))).toBe('user_unauthorized');
  });
});
