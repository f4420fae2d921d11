import { describe, expect, it } from 'vitest';
import { type Column, parseField } from '../../../emulator/console/src/lib/schema.ts';

/**
 * The local console's row form checks a value as the server will before it sends it
 * (emulator/console/src/lib/schema.ts): type, required, size, range, format, enum and arrays.
 */

const column = (over: Partial<Column>): Column => ({
  key: 'k',
  type: 'string',
  required: false,
  array: false,
  ...over,
});
const error = (c: Column, text: string) => {
  const parsed = parseField(c, text, false);
  return parsed.ok ? null : parsed.error;
};
const value = (c: Column, text: string, checked = false) => {
  const parsed = parseField(c, text, checked);
  return parsed.ok ? parsed.value : `error: ${parsed.error}`;
};

describe('the row form', () => {
  it('types integers and doubles, inside their range', () => {
    const stock = column({ type: 'integer', min: 0, max: 1000 });
    expect(value(stock, '7')).toBe(7);
    expect(error(stock, '5000')).toBe('At most 1000.');
    expect(error(stock, '-1')).toBe('At least 0.');
    expect(error(stock, '1.5')).toBe('A whole number.');
    expect(error(stock, 'seven')).toBe('A number.');
    expect(value(column({ type: 'double' }), '1.5')).toBe(1.5);
  });

  it('checks strings: size, email, url, enum; empty is null unless required', () => {
    expect(error(column({ size: 3 }), 'abcd')).toBe('At most 3 characters.');
    expect(error(column({ format: 'email' }), 'nope')).toBe('An email address.');
    expect(value(column({ format: 'email' }), 'a@b.co')).toBe('a@b.co');
    expect(error(column({ format: 'url' }), 'not a url')).toBe('A URL.');
    expect(error(column({ format: 'enum', elements: ['a', 'b'] }), 'c')).toBe('One of: a, b.');
    expect(value(column({}), '')).toBeNull();
    expect(error(column({ required: true }), ' ')).toBe('Required.');
  });

  it('reads booleans from the checkbox, datetimes and arrays from text', () => {
    expect(value(column({ type: 'boolean' }), '', true)).toBe(true);
    expect(error(column({ type: 'datetime' }), 'tomorrow')).toMatch(/^A date and time/);
    expect(value(column({ array: true, size: 2 }), '["ab","c"]')).toEqual(['ab', 'c']);
    expect(error(column({ array: true, size: 2 }), '["abc"]')).toBe('At most 2 characters.');
    expect(error(column({ array: true }), 'a, b')).toMatch(/^A JSON array/);
    expect(value(column({ array: true }), '')).toEqual([]);
  });
});
