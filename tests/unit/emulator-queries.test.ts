import fc from 'fast-check';
import { Query } from 'node-appwrite';
import { RE2JS } from 're2js';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { compileUserList } from '../../emulator/core/identity/user-queries.ts';
import { parseQueries } from '../../emulator/core/platform/query-parse.ts';
import { compileFileList } from '../../emulator/core/storage/file-queries.ts';
import { compileQueries } from '../../emulator/core/tablesdb/queries.ts';
import {
  compileRegex,
  expandedSize,
  MAX_REGEX_SIZE,
} from '../../emulator/core/tablesdb/query-regex.ts';
import { COUNT_LIMIT } from '../../emulator/core/tablesdb/rows.ts';
import type { TablesDB } from '../../emulator/core/tablesdb/service.ts';
import { errorType, freshData, who } from '../support/emulator-data.ts';

// Queries are written with the real SDK's Query builder, so the JSON is exactly what clients send.

let data: TablesDB;

beforeAll(() => {
  data = freshData();
  const { schema, rows } = data;
  schema.createTable('main', 'items', { name: 'items' });
  schema.createColumn('main', 'items', 'string', { key: 'title', size: 50 });
  schema.createColumn('main', 'items', 'integer', { key: 'n' });
  schema.createColumn('main', 'items', 'float', { key: 'price' });
  schema.createColumn('main', 'items', 'boolean', { key: 'done' });
  schema.createColumn('main', 'items', 'datetime', { key: 'when' });
  schema.createColumn('main', 'items', 'string', { key: 'tags', size: 20, array: true });
  schema.createColumn('main', 'items', 'enum', { key: 'state', elements: ['open', 'closed'] });
  // A max within 32 bits makes Appwrite's 4-byte integer column.
  schema.createColumn('main', 'items', 'integer', { key: 'small', min: 0, max: 1000 });
  schema.createIndex('main', 'items', { key: 'by_n', type: 'key', columns: ['n'] });
  schema.createIndex('main', 'items', { key: 'ft', type: 'fulltext', columns: ['title'] });
  const add = (id: string, row: Record<string, unknown>) =>
    rows.create(who.key, 'main', 'items', id, row, null);
  add('a', {
    title: 'Apple pie',
    n: 1,
    price: 1.5,
    done: true,
    when: '2026-01-01T00:00:00Z',
    tags: ['red', 'sweet'],
    state: 'open',
  });
  add('b', {
    title: 'Banana split',
    n: 2,
    price: 2.5,
    done: false,
    when: '2026-02-01T00:00:00Z',
    tags: ['yellow', 'sweet'],
    state: 'closed',
  });
  add('c', {
    title: 'Cherry tart',
    n: 3,
    done: true,
    when: '2026-03-01T00:00:00.000+00:00',
    tags: ['red'],
    state: 'open',
  });
  add('d', { title: '100% juice_box', tags: [] });
});

const ids = (queries: string[]) =>
  data.rows.list(who.key, 'main', 'items', queries).rows.map((r) => r.$id);

describe('every query method selects the rows Appwrite would', () => {
  const scenarios: [string, string[], string[]][] = [
    ['no queries: $sequence ascending', [], ['a', 'b', 'c', 'd']],
    ['equal', [Query.equal('n', 2)], ['b']],
    ['equal with several values', [Query.equal('state', ['open', 'closed'])], ['a', 'b', 'c']],
    ['equal on a boolean', [Query.equal('done', true)], ['a', 'c']],
    ['notEqual leaves nulls out (MariaDB != semantics)', [Query.notEqual('n', 2)], ['a', 'c']],
    ['lessThan', [Query.lessThan('n', 2)], ['a']],
    ['lessThanEqual', [Query.lessThanEqual('n', 2)], ['a', 'b']],
    ['greaterThan on a float', [Query.greaterThan('price', 2)], ['b']],
    ['greaterThanEqual', [Query.greaterThanEqual('n', 2)], ['b', 'c']],
    ['between', [Query.between('n', 2, 3)], ['b', 'c']],
    ['notBetween', [Query.notBetween('n', 2, 3)], ['a']],
    ['isNull', [Query.isNull('price')], ['c', 'd']],
    ['isNotNull', [Query.isNotNull('price')], ['a', 'b']],
    ['startsWith', [Query.startsWith('title', 'Ba')], ['b']],
    ['startsWith treats % and _ literally', [Query.startsWith('title', '100%')], ['d']],
    ['notStartsWith', [Query.notStartsWith('title', 'Ba')], ['a', 'c', 'd']],
    ['endsWith', [Query.endsWith('title', 'tart')], ['c']],
    ['notEndsWith', [Query.notEndsWith('title', 'tart')], ['a', 'b', 'd']],
    ['contains on a string is a substring', [Query.contains('title', 'an')], ['b']],
    ['contains on an array is an element', [Query.contains('tags', 'red')], ['a', 'c']],
    ['containsAny', [Query.containsAny('tags', ['yellow', 'red'])], ['a', 'b', 'c']],
    ['containsAll', [Query.containsAll('tags', ['red', 'sweet'])], ['a']],
    ['notContains on an array', [Query.notContains('tags', 'sweet')], ['c', 'd']],
    ['search (FTS5, prefix on the last word)', [Query.search('title', 'ban')], ['b']],
    ['search matches any word', [Query.search('title', 'apple cherry')], ['a', 'c']],
    ['search ignores FTS syntax in the term', [Query.search('title', '"tart* OR')], ['c']],
    ['notSearch', [Query.notSearch('title', 'apple')], ['b', 'c', 'd']],
    [
      'datetime comparison',
      [Query.greaterThan('when', '2026-01-15T00:00:00.000+00:00')],
      ['b', 'c'],
    ],
    [
      'createdAfter helper',
      [Query.createdAfter('2000-01-01T00:00:00.000+00:00')],
      ['a', 'b', 'c', 'd'],
    ],
    ['$id', [Query.equal('$id', ['c', 'a'])], ['a', 'c']],
    ['regex', [Query.regex('title', '^[AB]')], ['a', 'b']],
    ['regex is case-sensitive unless (?i)', [Query.regex('title', '^apple')], []],
    ['regex with (?i)', [Query.regex('title', '(?i)^apple')], ['a']],
    ['or', [Query.or([Query.equal('n', 1), Query.equal('n', 3)])], ['a', 'c']],
    [
      'and inside or',
      [
        Query.or([
          Query.and([Query.equal('done', true), Query.greaterThan('n', 1)]),
          Query.isNull('n'),
        ]),
      ],
      ['c', 'd'],
    ],
    ['orderDesc', [Query.orderDesc('n')], ['c', 'b', 'a', 'd']],
    [
      'orderAsc puts nulls first (SQLite and MariaDB agree)',
      [Query.orderAsc('n')],
      ['d', 'a', 'b', 'c'],
    ],
    ['limit + offset', [Query.limit(2), Query.offset(1)], ['b', 'c']],
    ['cursorAfter', [Query.cursorAfter('b')], ['c', 'd']],
    ['cursorBefore', [Query.cursorBefore('c'), Query.limit(1)], ['b']],
    // Rows whose order value is null fall out after a cursor: `n < 2` is not true for null, in
    // SQLite as in MariaDB, so Appwrite answers the same.
    ['cursorAfter with orderDesc', [Query.orderDesc('n'), Query.cursorAfter('b')], ['a']],
  ];
  test.each(scenarios)('%s', (_name, queries, expected) => {
    expect(ids(queries)).toEqual(expected);
  });
});

describe('bad queries are 400s with Appwrite types', () => {
  const scenarios: [string, string, unknown][] = [
    ['malformed JSON', 'general_query_invalid', ['{"method":']],
    ['not an object', 'general_query_invalid', ['[1,2]']],
    [
      'unknown method',
      'general_query_invalid',
      ['{"method":"frobnicate","attribute":"n","values":[1]}'],
    ],
    ['unknown column', 'general_query_invalid', [Query.equal('nope', 1)]],
    ['wrong value type', 'general_query_invalid', [Query.equal('n', 'one')]],
    ['a float for an integer', 'general_query_invalid', [Query.equal('n', 1.5)]],
    ['equal on an array column', 'general_query_invalid', [Query.equal('tags', 'red')]],
    ['search without a fulltext index', 'general_query_invalid', [Query.search('state', 'open')]],
    ['startsWith on a number', 'general_query_invalid', [Query.startsWith('n', '1')]],
    ['unsupported (spatial)', 'general_query_invalid', [Query.distanceEqual('title', [0, 0], 1)]],
    [
      'too many values',
      'general_query_invalid',
      [
        Query.equal(
          'n',
          Array.from({ length: 501 }, (_, i) => i),
        ),
      ],
    ],
    ['negative limit', 'general_query_invalid', ['{"method":"limit","values":[-1]}']],
    ['limit 0 (Appwrite counts from 1)', 'general_query_invalid', [Query.limit(0)]],
    // Issue 13 and its kind: every value is checked against the column before any SQL is built.
    [
      'startsWith with null (issue 13)',
      'general_query_invalid',
      ['{"method":"startsWith","attribute":"title","values":[null]}'],
    ],
    [
      'contains with null',
      'general_query_invalid',
      ['{"method":"contains","attribute":"title","values":[null]}'],
    ],
    [
      'notEndsWith with null',
      'general_query_invalid',
      ['{"method":"notEndsWith","attribute":"title","values":[null]}'],
    ],
    [
      'equal with null (no validator takes null)',
      'general_query_invalid',
      ['{"method":"equal","attribute":"n","values":[null]}'],
    ],
    ['search with a number', 'general_query_invalid', [Query.search('title', 5 as never)]],
    [
      'regex with a number',
      'general_query_invalid',
      ['{"method":"regex","attribute":"title","values":[1]}'],
    ],
    ['a string for a boolean', 'general_query_invalid', [Query.equal('done', 'true')]],
    ['a number for a string', 'general_query_invalid', [Query.equal('title', 1)]],
    ['not a datetime', 'general_query_invalid', [Query.lessThan('when', 'yesterday')]],
    [
      'an object value',
      'general_query_invalid',
      ['{"method":"equal","attribute":"title","values":[{"toString":1}]}'],
    ],
    [
      'a number for an array element',
      'general_query_invalid',
      [Query.contains('tags', 5 as never)],
    ],
    [
      'beyond 32 bits on a 4-byte integer column',
      'general_query_invalid',
      [Query.greaterThan('small', 2 ** 31)],
    ],
    ['$sequence 0 (ids count from 1)', 'general_query_invalid', [Query.equal('$sequence', 0)]],
    [
      'equal with only an empty list',
      'general_query_invalid',
      ['{"method":"equal","attribute":"title","values":[[]]}'],
    ],
    ['notEqual with two values', 'general_query_invalid', [Query.notEqual('n', [1, 2])]],
    ['lessThan with none', 'general_query_invalid', ['{"method":"lessThan","attribute":"n"}']],
    [
      'between with three values',
      'general_query_invalid',
      ['{"method":"between","attribute":"n","values":[1,2,3]}'],
    ],
    [
      'isNull with a value of the wrong type',
      'general_query_invalid',
      ['{"method":"isNull","attribute":"n","values":["x"]}'],
    ],
    ['or with one query', 'general_query_invalid', [Query.or([Query.equal('n', 1)])]],
    [
      'a limit inside and',
      'general_query_invalid',
      [Query.and([Query.equal('n', 1), Query.limit(1)])],
    ],
    [
      'nesting deeper than three levels',
      'general_query_invalid',
      [
        Query.or([
          Query.and([
            Query.or([Query.and([Query.equal('n', 1), Query.equal('n', 2)]), Query.isNull('n')]),
            Query.isNull('n'),
          ]),
          Query.isNull('n'),
        ]),
      ],
    ],
    [
      'a query over 4,096 characters',
      'general_argument_invalid',
      [Query.equal('title', 'x'.repeat(4100))],
    ],
    // Issue 7: what RE2 cannot run in linear time is refused, not run.
    ['regex with a backreference', 'general_query_invalid', [Query.regex('title', '(a)\\1')]],
    ['regex with lookahead', 'general_query_invalid', [Query.regex('title', 'a(?=b)')]],
    ['regex with lookbehind', 'general_query_invalid', [Query.regex('title', '(?<=a)b')]],
    ['a malformed regex', 'general_query_invalid', [Query.regex('title', '[a-')]],
    [
      'a regex over 1,024 characters',
      'general_query_invalid',
      [Query.regex('title', 'a'.repeat(1025))],
    ],
    [
      'a regex whose repeats expand too far',
      'general_query_invalid',
      [Query.regex('title', '(?:.{0,999}){85}')],
    ],
    ['cursor row missing', 'general_cursor_not_found', [Query.cursorAfter('ghost')]],
    [
      'cursor row with a null order value',
      'database_query_order_null',
      [Query.orderAsc('n'), Query.cursorAfter('d')],
    ],
  ];
  test.each(scenarios)('%s → %s', (_name, type, queries) => {
    expect(errorType(() => data.rows.list(who.key, 'main', 'items', queries))).toBe(type);
  });
});

test('every value is a bound parameter, never SQL text', () => {
  const table = data.schema.table('main', 'items');
  const evil = `x'); DROP TABLE tdb_tables; --`;
  const compiled = compileQueries(
    table,
    parseQueries([
      Query.equal('title', evil),
      Query.startsWith('title', evil),
      Query.search('title', evil),
    ]),
  );
  expect(compiled.where).not.toContain('DROP');
  expect(compiled.params).toContain(evil);
  expect(ids([Query.equal('title', evil)])).toEqual([]);
  expect(data.schema.listTables('main', [], undefined).total).toBe(1);
});

test('equal + orderDesc on an indexed column is served by the index, without a sort', () => {
  const plan = data.rows
    .explainList(who.key, 'main', 'items', [
      Query.equal('n', 2),
      Query.orderDesc('n'),
      Query.limit(25),
    ])
    .join('\n');
  const index = `tdb_idx_${data.schema.table('main', 'items').seq}_`;
  expect(plan).toContain(`USING INDEX ${index}`);
  expect(plan).not.toContain('TEMP B-TREE');
});

test('total counts at most 5,000 and total=false skips counting', () => {
  const { schema, rows } = freshData();
  schema.createTable('main', 'many', { name: 'many' });
  schema.createColumn('main', 'many', 'integer', { key: 'i' });
  // Appwrite takes at most 100 rows per bulk create (APP_LIMIT_DATABASE_BATCH).
  for (let start = 0; start < COUNT_LIMIT + 10; start += 100) {
    const batch = Array.from({ length: Math.min(100, COUNT_LIMIT + 10 - start) }, (_, k) => ({
      i: start + k,
    }));
    rows.createMany(who.key, 'main', 'many', batch);
  }
  const page = rows.list(who.key, 'main', 'many', [Query.limit(3)]);
  expect(page.total).toBe(COUNT_LIMIT);
  expect(page.rows).toHaveLength(3);
  expect(rows.list(who.key, 'main', 'many', [Query.limit(3)], false).total).toBe(0);
  expect(rows.list(who.key, 'main', 'many', [Query.greaterThanEqual('i', 5005)]).total).toBe(5);
  expect(rows.list(who.key, 'main', 'many', []).rows).toHaveLength(25);
});

test('select returns only the chosen columns plus the system fields', () => {
  const [row] = data.rows.list(who.key, 'main', 'items', [
    Query.select(['title']),
    Query.limit(1),
  ]).rows;
  expect(Object.keys(row ?? {}).sort()).toEqual(
    [
      '$createdAt',
      '$databaseId',
      '$id',
      '$permissions',
      '$sequence',
      '$tableId',
      '$updatedAt',
      'title',
    ].sort(),
  );
});

test('the feed query (equal + orderDesc($createdAt), index declared DESC) needs no sort, with row permissions too', () => {
  const { schema, rows } = freshData();
  schema.createTable('main', 'posts', { name: 'posts', rowSecurity: true });
  schema.createColumn('main', 'posts', 'string', { key: 'authorId', size: 36 });
  schema.createIndex('main', 'posts', {
    key: 'by_author',
    type: 'key',
    columns: ['authorId', '$createdAt'],
    orders: ['ASC', 'DESC'],
  });
  const queries = [Query.equal('authorId', 'a1'), Query.orderDesc('$createdAt'), Query.limit(25)];
  for (const principal of [who.key, who.owner]) {
    const plan = rows.explainList(principal, 'main', 'posts', queries).join('\n');
    expect(plan).toContain(`USING INDEX tdb_idx_${schema.table('main', 'posts').seq}_`);
    expect(plan).not.toContain('TEMP B-TREE');
  }
  // The declared orders are still what the index model reports (appwrite-cli compares them).
  expect(schema.index('main', 'posts', 'by_author').orders).toEqual(['ASC', 'DESC']);
});

describe('regex runs on RE2, linear in the text (issue 7)', () => {
  let texts: TablesDB;

  beforeAll(() => {
    texts = freshData();
    texts.schema.createTable('main', 'texts', { name: 'texts' });
    texts.schema.createColumn('main', 'texts', 'string', { key: 'body', size: 200_000 });
    const add = (id: string, body: string) =>
      texts.rows.create(who.key, 'main', 'texts', id, { body }, null);
    add('issue', `${'a'.repeat(30)}!`);
    add('ten-k', `${'a'.repeat(10_000)}!`);
    add('hundred-k', `${'a'.repeat(100_000)}!`);
    add('plain', 'aaaa');
  });

  const bodies = (pattern: string) =>
    texts.rows
      .list(who.key, 'main', 'texts', [Query.regex('body', pattern)])
      .rows.map((r) => r.$id);

  // JavaScript's RegExp backtracks through 2^n splits of the a's before failing on the `!`: the
  // 30-character row alone took seconds, the 100,000-character one never returns. RE2 answers.
  test('^(a+)+$ over 30, 10,000 and 100,000 a’s and a ! is answered: only the clean row', () => {
    expect(bodies('^(a+)+$')).toEqual(['plain']);
  });

  test('the same nesting that does match finds the long rows', () => {
    expect(bodies('^(a+)+!$')).toEqual(['issue', 'ten-k', 'hundred-k']);
  });

  test('a pattern is compiled once per query, not once per row', () => {
    const compile = vi.spyOn(RE2JS, 'compile');
    try {
      expect(bodies('^(aa)+!$')).toEqual(['issue', 'ten-k', 'hundred-k']);
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });

  // The size estimate is what refuses an expensive pattern before RE2 builds it, so it must not
  // undercount: whatever it lets through compiles to at most about twice the cap.
  test('the pre-compile size estimate bounds the compiled program', () => {
    const atom = fc.constantFrom(
      'a',
      '.',
      '\\d',
      '[a-z]',
      '[^x]',
      '\\pL',
      '^',
      '\\b',
      '\\Qa{3}\\E',
      '😀',
    );
    const repeat = fc.constantFrom(
      '',
      '*',
      '+',
      '?',
      '*?',
      '{2}',
      '{0,3}',
      '{2,}',
      '{1,5}',
      '{0,12}',
    );
    const pattern = fc.letrec<{ expr: string }>((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small' },
        fc
          .array(fc.tuple(atom, repeat), { minLength: 1, maxLength: 4 })
          .map((parts) => parts.map(([a, r]) => a + r).join('')),
        fc
          .tuple(fc.constantFrom('(', '(?:', '(?i:', '(?P<n>'), tie('expr'), repeat)
          .map(([open, body, r]) => `${open}${body})${r}`),
        fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a}|${b}`),
        fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => a + b),
      ),
    })).expr;
    fc.assert(
      fc.property(pattern, (p) => {
        let program: number;
        try {
          program = RE2JS.compile(p).programSize();
        } catch {
          return;
        }
        expect(program).toBeLessThanOrEqual(2 * expandedSize(p) + 4);
        if (program > MAX_REGEX_SIZE) expect(() => compileRegex(p)).toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('the users and files lists check their queries too', () => {
  const scenarios: [string, string[]][] = [
    // Plain objects inherit `constructor` and `__proto__`: they are not attributes.
    ['an inherited name as the attribute', [Query.equal('constructor', 'x')]],
    ['__proto__ as the order', [Query.orderAsc('__proto__')]],
    [
      'a search value whose toString is not a function',
      ['{"method":"search","values":[{"toString":1}]}'],
    ],
    ['a null value', ['{"method":"startsWith","attribute":"name","values":[null]}']],
    ['lessThan with two values', ['{"method":"lessThan","attribute":"name","values":["a","b"]}']],
  ];
  // Appwrite refuses them while it validates the `queries` param (Validator/Queries/Base.php).
  test.each(scenarios)('%s → general_argument_invalid', (_name, queries) => {
    expect(errorType(() => compileUserList(queries, ''))).toBe('general_argument_invalid');
    expect(errorType(() => compileFileList(queries, ''))).toBe('general_argument_invalid');
  });
});
