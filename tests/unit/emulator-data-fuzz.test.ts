import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { AppwriteError } from '../../emulator/core/errors.ts';
import { parsePermissions, ROW_ACTIONS } from '../../emulator/core/permissions.ts';
import type { TablesDB } from '../../emulator/core/tables-db.ts';
import { freshData, who } from '../support/emulator-data.ts';

/**
 * Bad input never escapes as anything but a 4xx AppwriteError, and a refused write changes
 * nothing. Random values lean towards the shapes clients send (query objects, row objects) so the
 * checks reach deep into the parsers, not just the first `typeof`.
 */

let data: TablesDB;

beforeAll(() => {
  data = freshData();
  const { schema, rows } = data;
  schema.createTable('main', 't', {
    name: 't',
    rowSecurity: true,
    permissions: ['create("users")'],
  });
  schema.createColumn('main', 't', 'string', { key: 'title', size: 20, required: true });
  schema.createColumn('main', 't', 'integer', { key: 'n', min: -100, max: 100 });
  schema.createColumn('main', 't', 'float', { key: 'f' });
  schema.createColumn('main', 't', 'boolean', { key: 'b' });
  schema.createColumn('main', 't', 'datetime', { key: 'd' });
  schema.createColumn('main', 't', 'enum', { key: 'e', elements: ['x', 'y'] });
  schema.createColumn('main', 't', 'string', { key: 'tags', size: 5, array: true });
  schema.createIndex('main', 't', { key: 'ft', type: 'fulltext', columns: ['title'] });
  rows.create(who.key, 'main', 't', 'seed', { title: 'seed row', n: 1 }, ['read("any")']);
});

/** Runs `fn`; a thrown error must be an AppwriteError with a 4xx code. */
function only4xx(fn: () => unknown): 'ok' | number {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (!(error instanceof AppwriteError)) throw error;
    expect(error.code).toBeGreaterThanOrEqual(400);
    expect(error.code).toBeLessThan(500);
    return error.code;
  }
}

const METHODS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanEqual',
  'greaterThan',
  'greaterThanEqual',
  'between',
  'notBetween',
  'isNull',
  'isNotNull',
  'startsWith',
  'endsWith',
  'contains',
  'containsAny',
  'containsAll',
  'notContains',
  'search',
  'notSearch',
  'regex',
  'select',
  'orderAsc',
  'orderDesc',
  'orderRandom',
  'limit',
  'offset',
  'cursorAfter',
  'cursorBefore',
  'and',
  'or',
  'exists',
  'bogus',
];
const COLUMNS = [
  'title',
  'n',
  'f',
  'b',
  'd',
  'e',
  'tags',
  '$id',
  '$sequence',
  '$createdAt',
  'nope',
  '',
];
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -200, max: 200 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('seed', '2026-01-01T00:00:00Z', 'x', "'; DROP TABLE t; --", '%_\\'),
);
const queryObject: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  query: fc.record(
    {
      method: fc.constantFrom(...METHODS),
      attribute: fc.constantFrom(...COLUMNS),
      values: fc.oneof(
        fc.array(scalar, { maxLength: 4 }),
        fc.array(tie('query'), { maxLength: 2 }),
        scalar,
      ),
    },
    { requiredKeys: ['method'] },
  ),
})).query;
const queryString = fc.oneof(
  queryObject.map((q) => JSON.stringify(q)),
  fc.string({ maxLength: 30 }),
  fc.json(),
);

test('random queries: a page or a 4xx, never anything else', () => {
  fc.assert(
    fc.property(
      fc.array(queryString, { maxLength: 5 }),
      fc.constantFrom(who.key, who.owner, who.guest),
      (queries, principal) => {
        only4xx(() => data.rows.list(principal, 'main', 't', queries));
        only4xx(() => data.rows.get(principal, 'main', 't', 'seed', queries));
      },
    ),
    { numRuns: 500 },
  );
});

test('random row data: created, or a 4xx and nothing written', () => {
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.object({ maxDepth: 1 }));
  const row = fc.dictionary(
    fc.constantFrom(...COLUMNS, '$permissions', '$createdAt', '$id'),
    value,
    { maxKeys: 5 },
  );
  fc.assert(
    fc.property(
      row,
      fc.constantFrom(who.key, who.owner, who.guest),
      fc.string({ maxLength: 40 }),
      (input, principal, id) => {
        const before = data.rows.list(who.key, 'main', 't', [], true).total;
        const outcome = only4xx(() => data.rows.create(principal, 'main', 't', id, input, null));
        const after = data.rows.list(who.key, 'main', 't', [], true).total;
        expect(after).toBe(outcome === 'ok' ? before + 1 : before);
        only4xx(() => data.rows.update(principal, 'main', 't', 'seed', input, null));
      },
    ),
    { numRuns: 300 },
  );
  expect(data.rows.get(who.key, 'main', 't', 'seed').$id).toBe('seed');
});

test('random permission strings: parsed or a 400', () => {
  const permission = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc
      .tuple(
        fc.constantFrom('read', 'create', 'update', 'delete', 'write', 'admin'),
        fc.oneof(
          fc.constantFrom(
            'any',
            'users',
            'guests',
            'users/verified',
            'label:admin',
            'user:abc',
            'team:t/owner',
          ),
          fc.string({ maxLength: 12 }),
        ),
      )
      .map(([action, role]) => `${action}("${role}")`),
  );
  fc.assert(
    fc.property(fc.oneof(fc.array(permission, { maxLength: 4 }), fc.anything()), (list) => {
      const outcome = only4xx(() => parsePermissions(list, ROW_ACTIONS));
      if (outcome !== 'ok') expect(outcome).toBe(400);
    }),
    { numRuns: 500 },
  );
});
