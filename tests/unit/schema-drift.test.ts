import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TableFields } from '#shared/tables.ts';
import { type ColumnSpec, driftProblems } from '../support/schema-drift.ts';

interface TableSpec {
  $id: string;
  columns: ColumnSpec[];
}
const config = JSON.parse(
  readFileSync(new URL('../../appwrite.json', import.meta.url), 'utf8'),
) as {
  tables: TableSpec[];
};
const columnsOf = (tableId: string) => {
  const table = config.tables.find((t) => t.$id === tableId);
  if (!table) throw new Error(`appwrite.json has no table ${tableId}`);
  return structuredClone(table.columns);
};

describe('appwrite.json agrees with the shared schemas', () => {
  it('declares exactly the tables the schemas describe', () => {
    expect(config.tables.map((t) => t.$id).sort()).toEqual(Object.keys(TableFields).sort());
  });

  for (const [tableId, fields] of Object.entries(TableFields)) {
    it(`${tableId}: every field has a matching column and every column a field`, () => {
      expect(driftProblems(fields, columnsOf(tableId))).toEqual([]);
    });
  }
});

/** Breaks a copy of a real table's columns and checks the drift check names the break. */
describe('the drift check catches a broken column', () => {
  const cases: Array<[string, string, (columns: ColumnSpec[]) => void, string]> = [
    [
      'a column grows smaller than the schema',
      'posts',
      (c) => set(c, 'title', { size: 100 }),
      'title: schema allows 120 characters, the column holds 100',
    ],
    [
      'a required field becomes optional',
      'comments',
      (c) => set(c, 'body', { required: false }),
      'body: column required=false but the schema requires it',
    ],
    [
      'a counter loses its default',
      'posts',
      (c) => set(c, 'likesCount', { default: null }),
      'likesCount: column default null ≠ schema 0',
    ],
    [
      'a column changes type',
      'stats',
      (c) => set(c, 'users', { type: 'double' }),
      'users: column double ≠ schema integer',
    ],
    [
      'an enum loses an element',
      'jobs',
      (c) => set(c, 'status', { elements: ['queued', 'running'] }),
      'status: enum elements queued,running ≠ schema failed,queued,running,succeeded',
    ],
    [
      'an array column becomes scalar',
      'posts',
      (c) => set(c, 'tags', { array: false }),
      'tags: column array=false but the schema is array',
    ],
    [
      'a column is dropped',
      'likes',
      (c) =>
        c.splice(
          c.findIndex((x) => x.key === 'userId'),
          1,
        ),
      'userId: in the schema but has no column',
    ],
    [
      'a column appears with no field',
      'profiles',
      (c) =>
        c.push({
          key: 'email',
          type: 'string',
          size: 254,
          required: false,
          array: false,
          default: null,
        }),
      'email: a column with no schema field',
    ],
    [
      'an integer range is narrower than the schema',
      'jobs',
      (c) => set(c, 'progress', { max: 50 }),
      "progress: schema maximum 100 is above the column's 50",
    ],
    [
      'a nullable field becomes required',
      'profiles',
      (c) => set(c, 'avatarId', { required: true }),
      'avatarId: column required=true but the schema does not',
    ],
  ];

  for (const [name, tableId, breakIt, expected] of cases) {
    it(name, () => {
      const columns = columnsOf(tableId);
      breakIt(columns);
      const fields = TableFields[tableId as keyof typeof TableFields];
      expect(driftProblems(fields, columns)).toContain(expected);
    });
  }
});

function set(columns: ColumnSpec[], key: string, change: Partial<ColumnSpec>) {
  const column = columns.find((c) => c.key === key);
  if (!column) throw new Error(`no column ${key}`);
  Object.assign(column, change);
}
