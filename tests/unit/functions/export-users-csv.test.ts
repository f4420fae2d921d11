import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  csvCell,
  csvRecord,
  USER_CSV_HEADER,
  userRecord,
} from '../../../functions/export-users/src/csv.ts';
import { parseCsv } from '../../support/csv.ts';

describe('CSV cells', () => {
  test.each([
    ['plain', 'Ada Lovelace', 'Ada Lovelace'],
    ['empty', '', ''],
    ['a comma is quoted', 'Lovelace, Ada', '"Lovelace, Ada"'],
    ['quotes are doubled', 'Ada "the Countess"', '"Ada ""the Countess"""'],
    ['a line break is quoted', 'line 1\nline 2', '"line 1\nline 2"'],
    ['CRLF is quoted', 'a\r\nb', '"a\r\nb"'],
    ['= is escaped', '=1+2', "'=1+2"],
    ['+ is escaped', '+1', "'+1"],
    ['- is escaped', '-1', "'-1"],
    ['@ is escaped', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab is escaped', '\tx', "'\tx"],
    ['a leading CR is escaped and quoted', '\rx', `"'\rx"`],
    [
      'a formula with a comma is escaped, then quoted',
      '=HYPERLINK("http://x","y")',
      `"'=HYPERLINK(""http://x"",""y"")"`,
    ],
    ['a formula char inside is left', 'a=b', 'a=b'],
    ['a leading space hides nothing (left as is)', ' =1', ' =1'],
  ])('%s', (_, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  test('booleans and numbers are written as they are', () => {
    expect(csvRecord([true, false, -1, 'x'])).toBe('true,false,-1,x\r\n');
  });

  test('the header and a user record', () => {
    expect(csvRecord(USER_CSV_HEADER)).toBe(
      'id,name,email,emailVerified,blocked,admin,createdAt\r\n',
    );
    const record = userRecord(
      {
        $id: 'u1',
        name: '=cmd|"/C calc"!A0',
        email: 'u1@example.com',
        emailVerification: true,
        status: false,
        labels: ['beta', 'admin'],
        $createdAt: '2026-01-01T00:00:00.000+00:00',
      },
      'admin',
    );
    expect(parseCsv(record)).toEqual([
      [
        'u1',
        `'=cmd|"/C calc"!A0`,
        'u1@example.com',
        'true',
        'true',
        'true',
        '2026-01-01T00:00:00.000+00:00',
      ],
    ]);
  });

  test('any text reads back as itself (with the leading quote for formulas); no cell starts a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }),
        (cells) => {
          const [read] = parseCsv(csvRecord(cells));
          expect(read).toEqual(
            cells.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)),
          );
          for (const cell of read ?? []) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
      { numRuns: 500 },
    );
  });
});
