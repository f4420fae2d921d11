import { describe, expect, test } from 'vitest';
import { type ColumnKind, columnModel } from '../../emulator/core/tablesdb/column-types.ts';
import { applyProjectConfig } from '../../emulator/core/tablesdb/config.ts';
import { presentRow } from '../../emulator/core/tablesdb/rows.ts';
import { tableModel } from '../../emulator/core/tablesdb/schema-models.ts';
import { errorType, freshData, who } from '../support/emulator-data.ts';

describe('column models are what Appwrite returns (appwrite-cli recreates a column that differs)', () => {
  const scenarios: [ColumnKind, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'string',
      { key: 's', size: 10, required: true },
      { type: 'string', size: 10, default: null, encrypt: false },
    ],
    [
      'email',
      { key: 'e', default: 'a@b.co' },
      { type: 'string', format: 'email', default: 'a@b.co' },
    ],
    ['url', { key: 'u' }, { type: 'string', format: 'url', default: null }],
    ['ip', { key: 'i' }, { type: 'string', format: 'ip', default: null }],
    [
      'enum',
      { key: 'n', elements: ['x', 'y'], default: 'x' },
      { type: 'string', format: 'enum', elements: ['x', 'y'], default: 'x' },
    ],
    [
      'integer',
      { key: 'int', min: 0, max: 9, default: 3 },
      { type: 'integer', min: 0, max: 9, default: 3 },
    ],
    ['float', { key: 'f', min: 0.5 }, { type: 'double', min: 0.5, max: null, default: null }],
    ['boolean', { key: 'b', default: false }, { type: 'boolean', default: false }],
    ['datetime', { key: 'd' }, { type: 'datetime', format: '', default: null }],
  ];
  test.each(scenarios)('%s', (kind, input, expected) => {
    const { schema } = freshData();
    schema.createTable('main', 't', { name: 't' });
    const model = columnModel(schema.createColumn('main', 't', kind, input));
    expect(model).toMatchObject({
      key: input.key,
      status: 'available',
      error: '',
      array: false,
      ...expected,
    });
    expect(model).toHaveProperty('$createdAt');
    if (kind !== 'string') expect(model).not.toHaveProperty('size');
    if (kind === 'string') expect(model).not.toHaveProperty('format');
  });
});

describe('column definitions are validated', () => {
  const scenarios: [string, ColumnKind, Record<string, unknown>, string][] = [
    ['bad key', 'string', { key: '$x', size: 5 }, 'general_argument_invalid'],
    ['size missing', 'string', { key: 'a' }, 'general_argument_invalid'],
    ['size zero', 'string', { key: 'a', size: 0 }, 'general_argument_invalid'],
    [
      'default on a required column',
      'string',
      { key: 'a', size: 5, required: true, default: 'x' },
      'column_default_unsupported',
    ],
    [
      'default on an array column',
      'integer',
      { key: 'a', array: true, default: 1 },
      'column_default_unsupported',
    ],
    [
      'default longer than size',
      'string',
      { key: 'a', size: 2, default: 'abc' },
      'column_value_invalid',
    ],
    ['min above max', 'integer', { key: 'a', min: 5, max: 1 }, 'column_value_invalid'],
    ['default below min', 'integer', { key: 'a', min: 5, default: 1 }, 'column_value_invalid'],
    ['default of the wrong type', 'boolean', { key: 'a', default: 'yes' }, 'column_value_invalid'],
    [
      'enum default not an element',
      'enum',
      { key: 'a', elements: ['x'], default: 'y' },
      'column_value_invalid',
    ],
    ['enum without elements', 'enum', { key: 'a', elements: [] }, 'general_argument_invalid'],
    ['invalid email default', 'email', { key: 'a', default: 'nope' }, 'column_value_invalid'],
    ['a key taken in another case', 'string', { key: 'TITLE', size: 5 }, 'column_already_exists'],
  ];
  test.each(scenarios)('%s → %s', (_name, kind, input, type) => {
    const { schema } = freshData();
    schema.createTable('main', 't', { name: 't' });
    schema.createColumn('main', 't', 'string', { key: 'title', size: 5 });
    expect(errorType(() => schema.createColumn('main', 't', kind, input))).toBe(type);
    expect(schema.table('main', 't').columns).toHaveLength(1);
  });
});

describe('row data is validated against the columns', () => {
  const setup = () => {
    const data = freshData();
    const { schema } = data;
    schema.createTable('main', 't', { name: 't' });
    schema.createColumn('main', 't', 'string', { key: 'title', size: 5, required: true });
    schema.createColumn('main', 't', 'integer', { key: 'n', min: 0, max: 10, default: 7 });
    schema.createColumn('main', 't', 'email', { key: 'mail' });
    schema.createColumn('main', 't', 'url', { key: 'site' });
    schema.createColumn('main', 't', 'ip', { key: 'ip' });
    schema.createColumn('main', 't', 'enum', { key: 'state', elements: ['open', 'closed'] });
    schema.createColumn('main', 't', 'boolean', { key: 'ok' });
    schema.createColumn('main', 't', 'datetime', { key: 'at' });
    schema.createColumn('main', 't', 'float', { key: 'f' });
    schema.createColumn('main', 't', 'string', { key: 'tags', size: 3, array: true });
    return data;
  };
  const scenarios: [string, Record<string, unknown>, string][] = [
    [
      'valid',
      {
        title: 'abc',
        mail: 'a@b.co',
        site: 'https://x.io/p',
        ip: '::1',
        state: 'open',
        ok: true,
        at: '2026-01-01',
        f: 1,
        tags: ['a'],
      },
      'ok',
    ],
    ['unknown column', { title: 'abc', nope: 1 }, 'row_invalid_structure'],
    ['missing required', { n: 1 }, 'row_invalid_structure'],
    ['required set to null', { title: null }, 'row_invalid_structure'],
    ['string too long (characters, not bytes)', { title: 'ééééé!' }, 'row_invalid_structure'],
    ['string of five multi-byte characters fits', { title: '🙂🙂🙂🙂🙂' }, 'ok'],
    ['integer as a string', { title: 'a', n: '3' }, 'row_invalid_structure'],
    ['integer above max', { title: 'a', n: 11 }, 'row_invalid_structure'],
    ['float for an integer', { title: 'a', n: 1.5 }, 'row_invalid_structure'],
    ['bad email', { title: 'a', mail: 'not-mail' }, 'row_invalid_structure'],
    ['bad url', { title: 'a', site: 'not a url' }, 'row_invalid_structure'],
    ['bad ip', { title: 'a', ip: '999.1.1.1' }, 'row_invalid_structure'],
    ['enum outside elements', { title: 'a', state: 'maybe' }, 'row_invalid_structure'],
    ['boolean as a number', { title: 'a', ok: 1 }, 'row_invalid_structure'],
    ['bad datetime', { title: 'a', at: 'yesterday' }, 'row_invalid_structure'],
    ['array column given a scalar', { title: 'a', tags: 'a' }, 'row_invalid_structure'],
    ['array element too long', { title: 'a', tags: ['abcd'] }, 'row_invalid_structure'],
    ['empty data', {}, 'row_missing_data'],
  ];
  test.each(scenarios)('%s → %s', (_name, data, type) => {
    const { rows } = setup();
    expect(errorType(() => rows.create(who.key, 'main', 't', 'r1', data, null))).toBe(type);
    expect(rows.list(who.key, 'main', 't').total).toBe(type === 'ok' ? 1 : 0);
  });

  test('defaults fill missing columns; datetimes come back in Appwrite format', () => {
    const { rows } = setup();
    const row = rows.create(
      who.key,
      'main',
      't',
      'r1',
      { title: 'a', at: '2026-05-24T12:00:00+02:00', ok: false },
      null,
    );
    expect(row).toMatchObject({
      n: 7,
      at: '2026-05-24T10:00:00.000+00:00',
      ok: false,
      tags: null,
      mail: null,
    });
  });

  test('a taken id is 409 row_already_exists and a bad id is 400', () => {
    const { rows } = setup();
    rows.create(who.key, 'main', 't', 'r1', { title: 'a' }, null);
    expect(errorType(() => rows.create(who.key, 'main', 't', 'r1', { title: 'b' }, null))).toBe(
      'row_already_exists',
    );
    expect(errorType(() => rows.create(who.key, 'main', 't', '_bad', { title: 'b' }, null))).toBe(
      'general_argument_invalid',
    );
  });

  test('update checks only the given columns; empty update is row_missing_payload', () => {
    const { rows } = setup();
    rows.create(who.key, 'main', 't', 'r1', { title: 'a' }, null);
    expect(rows.update(who.key, 'main', 't', 'r1', { n: 2 }, null)).toMatchObject({
      title: 'a',
      n: 2,
    });
    expect(errorType(() => rows.update(who.key, 'main', 't', 'r1', {}, null))).toBe(
      'row_missing_payload',
    );
    expect(errorType(() => rows.update(who.key, 'main', 't', 'r1', { title: null }, null))).toBe(
      'row_invalid_structure',
    );
    expect(errorType(() => rows.update(who.key, 'main', 't', 'ghost', { n: 1 }, null))).toBe(
      'row_not_found',
    );
  });

  test('increment and decrement respect bounds atomically', () => {
    const { rows } = setup();
    rows.create(who.key, 'main', 't', 'r1', { title: 'a', n: 5 }, null);
    expect(rows.increment(who.key, 'main', 't', 'r1', 'n', 3, undefined, 'up').n).toBe(8);
    expect(
      errorType(() => rows.increment(who.key, 'main', 't', 'r1', 'n', 3, undefined, 'up')),
    ).toBe('column_limit_exceeded');
    expect(errorType(() => rows.increment(who.key, 'main', 't', 'r1', 'n', 1, 8, 'up'))).toBe(
      'column_limit_exceeded',
    );
    expect(rows.increment(who.key, 'main', 't', 'r1', 'n', 8, 0, 'down').n).toBe(0);
    expect(
      errorType(() => rows.increment(who.key, 'main', 't', 'r1', 'n', 1, undefined, 'down')),
    ).toBe('column_limit_exceeded');
    expect(
      errorType(() => rows.increment(who.key, 'main', 't', 'r1', 'title', 1, undefined, 'up')),
    ).toBe('attribute_type_invalid');
    expect(
      errorType(() => rows.increment(who.key, 'main', 't', 'r1', 'nope', 1, undefined, 'up')),
    ).toBe('column_not_found');
    expect(rows.get(who.key, 'main', 't', 'r1').n).toBe(0);
  });

  test('bulk create is all or nothing', () => {
    const { rows } = setup();
    expect(
      errorType(() =>
        rows.createMany(who.key, 'main', 't', [{ title: 'a', $permissions: ['read(any)'] }]),
      ),
    ).toBe('general_bad_request');
    expect(
      errorType(() =>
        rows.createMany(who.key, 'main', 't', [{ title: 'a' }, { title: 'toolong' }]),
      ),
    ).toBe('row_invalid_structure');
    expect(rows.list(who.key, 'main', 't').total).toBe(0);
  });
});

// The CLI's integer `$sequence` (format 1.8.0) is the response-format layer's: tests/contract/response-formats.test.ts.
test('the Row model has a string $sequence (format 1.9.5); the legacy one $collectionId', () => {
  const { schema, rows } = freshData();
  schema.createTable('main', 't', { name: 't' });
  schema.createColumn('main', 't', 'string', { key: 's', size: 5 });
  const row = rows.create(who.key, 'main', 't', 'r1', { s: 'a' }, null);
  expect(presentRow(row).$sequence).toBe('1');
  expect(presentRow(row, { legacy: true })).toHaveProperty('$collectionId', 't');
});

describe('applyProjectConfig', () => {
  const config = {
    tablesDB: [{ $id: 'main', name: 'main', enabled: true }],
    tables: [
      {
        $id: 'tasks',
        databaseId: 'main',
        name: 'tasks',
        enabled: true,
        rowSecurity: true,
        $permissions: ['create("users")', 'read("label:admin")'],
        columns: [
          {
            key: 'title',
            type: 'string',
            required: true,
            array: false,
            size: 255,
            default: null,
            encrypt: false,
          },
          { key: 'done', type: 'boolean', required: false, array: false, default: false },
          {
            key: 'points',
            type: 'integer',
            required: false,
            array: false,
            min: 0,
            max: 100,
            default: 0,
          },
          {
            key: 'state',
            type: 'string',
            format: 'enum',
            elements: ['open', 'closed'],
            required: false,
            array: false,
            default: 'open',
          },
          { key: 'score', type: 'double', required: false, array: false },
        ],
        indexes: [{ key: 'idx_state', type: 'key', columns: ['state'], orders: ['ASC'] }],
      },
    ],
    buckets: [{ $id: 'ignored' }],
  };

  test('applies tables, columns and indexes, and a second run changes nothing', () => {
    const data = freshData();
    applyProjectConfig(data.schema, config);
    const first = tableModel(data.schema.table('main', 'tasks'));
    data.rows.create(who.key, 'main', 'tasks', 'r1', { title: 'kept' }, null);
    applyProjectConfig(data.schema, config);
    expect(tableModel(data.schema.table('main', 'tasks'))).toEqual(first);
    expect(data.rows.get(who.key, 'main', 'tasks', 'r1').title).toBe('kept');
    expect(first).toMatchObject({
      rowSecurity: true,
      $permissions: config.tables[0]?.$permissions,
    });
    expect((first.columns as { key: string; type: string }[]).map((c) => c.type)).toEqual([
      'string',
      'boolean',
      'integer',
      'string',
      'double',
    ]);
    expect(first.indexes).toEqual([
      expect.objectContaining({ key: 'idx_state', columns: ['state'], orders: ['ASC'] }),
    ]);
  });

  test('a changed bound updates in place; a changed type recreates the column', () => {
    const data = freshData();
    applyProjectConfig(data.schema, config);
    data.rows.create(who.key, 'main', 'tasks', 'r1', { title: 'kept', points: 5 }, null);
    const changed = structuredClone(config);
    const columns = changed.tables[0]?.columns as Record<string, unknown>[];
    Object.assign(columns[2] as object, { max: 50 });
    Object.assign(columns[0] as object, { type: 'string', format: 'email', size: undefined });
    applyProjectConfig(data.schema, changed);
    const table = data.schema.table('main', 'tasks');
    expect(table.columns.find((c) => c.key === 'points')?.max).toBe(50);
    expect(table.columns.find((c) => c.key === 'title')?.kind).toBe('email');
    expect(data.rows.get(who.key, 'main', 'tasks', 'r1')).toMatchObject({ points: 5, title: null });
  });
});
