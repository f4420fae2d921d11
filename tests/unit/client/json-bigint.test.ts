import { describe, expect, it } from 'vitest';
import JSONbig, { replace, revive } from '../../../client/src/lib/json-bigint.ts';

type JsonBig = (options: object) => {
  parse(text: string, reviver?: (key: string, value: unknown) => unknown): unknown;
  stringify(value: unknown): string;
};
/** The package itself (untyped), as the appwrite SDK loads it outside the browser bundle. */
const untyped = 'json-bigint';
const JSONbigReal = ((await import(untyped)) as { default: JsonBig }).default;

/** The stand-in for json-bigint in the browser bundle gives the appwrite SDK what it gave it. */
describe('json-bigint stand-in', () => {
  const ours = JSONbig({ storeAsString: false });
  const theirs = JSONbigReal({ storeAsString: false });
  const body = '{"total":2,"rows":[{"$id":"p1","likesCount":3,"score":1.5,"tags":["a"],"x":null}]}';

  it('parses an Appwrite answer as the package does, reviver included', () => {
    const reviver = (_key: string, value: unknown) => (value === 3 ? 4 : value);
    expect(ours.parse(body)).toEqual(theirs.parse(body));
    expect(ours.parse(body, reviver)).toEqual(theirs.parse(body, reviver));
  });

  it('turns an integer beyond 2^53 (within int64) into a BigInt, given its source text', () => {
    expect(revive(9007199254740992, '9007199254740993')).toBe(9007199254740993n);
    expect(revive(-9007199254740992, '-9007199254740993')).toBe(-9007199254740993n);
    expect(revive(1e20, '100000000000000000000')).toBe(1e20);
    expect(revive(1e20, '1e20')).toBe(1e20);
    expect(revive(42, '42')).toBe(42);
    expect(revive(9007199254740992, undefined)).toBe(9007199254740992);
  });

  it('writes what the package writes, BigInt as a number', () => {
    const value = { queries: ['{"method":"limit","values":[20]}'], n: 1, ok: true };
    expect(ours.stringify(value)).toBe(theirs.stringify(value));
    expect(replace('n', 5n)).not.toBe(5n);
  });
});
