import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { compileUserList } from '../../emulator/core/identity/user-queries.ts';
import { UserStore } from '../../emulator/core/identity/users.ts';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { AppwriteError } from '../../emulator/core/platform/errors.ts';
import { EventBus } from '../../emulator/core/platform/events.ts';
import { LIST_ATTRIBUTES } from '../../emulator/core/platform/list-attributes.ts';
import { listMetadata } from '../../emulator/core/platform/metadata-list.ts';
import { parsePermissions, ROW_ACTIONS } from '../../emulator/core/platform/permissions.ts';
import type { Principal } from '../../emulator/core/platform/principal.ts';
import { compileFileList } from '../../emulator/core/storage/file-queries.ts';
import { FileStore } from '../../emulator/core/storage/files.ts';
import type { TablesDB } from '../../emulator/core/tablesdb/service.ts';
import {
  compileRealtimeQueries,
  matchesQueries,
  RealtimeQueryError,
} from '../../emulator/realtime/queries.ts';
import { freshData, who } from '../support/emulator-data.ts';

/**
 * Bad input never escapes as anything but a 4xx AppwriteError, and a refused write changes
 * nothing. Random values lean towards the shapes clients send (query objects, row objects) so the
 * checks reach deep into the parsers, not just the first `typeof`.
 *
 * Every run uses one seed, random unless `FC_SEED` is set; fast-check prints it with the failing
 * path, so a failure anywhere replays with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run tests/unit/emulator-data-fuzz.test.ts -t '<test>'
 * `FC_NUM_RUNS=20000` runs every property that many times (CI keeps the counts below). Failures
 * found so far are fixed `examples`, run first on every seed.
 */
const SEED = process.env.FC_SEED
  ? Number(process.env.FC_SEED)
  : Math.floor(Math.random() * 2 ** 31);

function settings<T>(ciRuns: number, examples: T[] = []): fc.Parameters<T> {
  return {
    numRuns: Number(process.env.FC_NUM_RUNS) || ciRuns,
    seed: SEED,
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
    examples,
  };
}

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
  schema.createColumn('main', 't', 'integer', { key: 'ns', array: true });
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
  'notStartsWith',
  'endsWith',
  'notEndsWith',
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
  'notExists',
  'bogus',
  'toString',
];
const COLUMNS = [
  'title',
  'n',
  'f',
  'b',
  'd',
  'e',
  'tags',
  'ns',
  '$id',
  '$sequence',
  '$createdAt',
  'nope',
  '',
  // The users and files lists look attributes up in an object: inherited names must not resolve.
  'name',
  'email',
  'labels',
  'status',
  'sizeOriginal',
  'constructor',
  '__proto__',
];
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -200, max: 200 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'seed',
    '2026-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01',
    'x',
    "'; DROP TABLE t; --",
    '%_\\',
    2 ** 31,
    -(2 ** 53),
    0,
    '1',
    '^(a+)+$',
    '(a)\\1',
    '(?=a)',
    '[',
    '(?:.{0,999}){85}',
  ),
  // JSON objects whose keys shadow what String() and lookups use.
  fc.constantFrom({ toString: 1 }, { valueOf: null }, { length: 2 }, [], [[]], ['x']),
);
const queryObject: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  query: fc.record(
    {
      method: fc.constantFrom(...METHODS),
      attribute: fc.constantFrom(...COLUMNS),
      values: fc.oneof(
        fc.array(scalar, { maxLength: 4 }),
        fc.array(tie('query'), { maxLength: 3 }),
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
const principals = fc.constantFrom<Principal>(who.key, who.owner, who.guest);
const queryList = fc.array(queryString, { maxLength: 5 });

/** Queries that once answered 500; each is a regression example on every run. */
const FOUND: string[][] = [
  // Issue 13: seed 1050440884, path "239:3" — `escapeLike` read `null.replace`.
  ['{"method":"startsWith","attribute":"title","values":[null]}'],
  ['{"method":"contains","attribute":"title","values":[null]}'],
  // 20,000-run seeds 12-14: the same for notStartsWith.
  ['{"method":"notStartsWith","attribute":"title","values":[null]}'],
  // Seeds 11-14 on the users/files lists: `constructor` and `__proto__` resolved to Object's
  // members, making SQL of `undefined`; and `String({"toString":1})` threw.
  ['{"method":"isNotNull","attribute":"constructor"}'],
  ['{"method":"orderAsc","attribute":"__proto__"}'],
  ['{"method":"search","values":[{"toString":1}]}'],
];

test('random queries: a page or a 4xx, never anything else', () => {
  fc.assert(
    fc.property(queryList, principals, (queries, principal) => {
      only4xx(() => data.rows.list(principal, 'main', 't', queries));
      only4xx(() => data.rows.get(principal, 'main', 't', 'seed', queries));
    }),
    settings(
      500,
      FOUND.map((queries): [string[], Principal] => [queries, who.key]),
    ),
  );
});

test('random queries on the users and files lists: a page or a 4xx', () => {
  const db = openDatabase(':memory:');
  const users = new UserStore(db, new EventBus());
  const files = new FileStore(db);
  fc.assert(
    fc.property(queryList, fc.string({ maxLength: 12 }), (queries, search) => {
      only4xx(() => users.list(compileUserList(queries, search), true, 5000));
      only4xx(() => files.list(1, compileFileList(queries, search), null, true, 5000));
    }),
    settings(
      300,
      FOUND.map((queries) => [queries, ''] as [string[], string]),
    ),
  );
});

test('random queries on the metadata lists: a page or a 4xx', () => {
  const items = [
    { $id: 'a', name: 'Alpha', enabled: true, n: 1 },
    { $id: 'b', name: 'Beta', enabled: false, n: null },
  ];
  fc.assert(
    fc.property(queryList, fc.option(fc.string({ maxLength: 12 })), (queries, search) => {
      only4xx(() => listMetadata(items, queries, search, '$id', true, LIST_ATTRIBUTES.functions));
    }),
    settings(
      300,
      FOUND.map((queries) => [queries, null] as [string[], string | null]),
    ),
  );
});

test('random realtime queries: compiled or refused with 1003, and matching never throws', () => {
  const payloads = fc.dictionary(fc.constantFrom(...COLUMNS), scalar, { maxKeys: 4 });
  fc.assert(
    fc.property(fc.oneof(queryList, fc.jsonValue()), payloads, (queries, payload) => {
      try {
        matchesQueries(compileRealtimeQueries(queries), payload);
      } catch (error) {
        if (!(error instanceof RealtimeQueryError)) throw error;
      }
    }),
    settings(300),
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
    fc.property(row, principals, fc.string({ maxLength: 40 }), (input, principal, id) => {
      const before = data.rows.list(who.key, 'main', 't', [], true).total;
      const outcome = only4xx(() => data.rows.create(principal, 'main', 't', id, input, null));
      const after = data.rows.list(who.key, 'main', 't', [], true).total;
      expect(after).toBe(outcome === 'ok' ? before + 1 : before);
      only4xx(() => data.rows.update(principal, 'main', 't', 'seed', input, null));
    }),
    settings(300),
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
    settings(500),
  );
});
