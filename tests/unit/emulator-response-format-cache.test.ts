import { expect, test } from 'vitest';
import {
  cachedFormatCount,
  convertResponse,
  MAX_CACHED_FORMATS,
} from '../../emulator/http/platform/formats/layer.ts';
import { asModel } from '../../emulator/http/platform/formats/models.ts';

const row = () => asModel('row', { $id: 'r1', $sequence: '7', title: 'x' });

test('the conversions are worked out once per format, and made-up formats cannot grow the cache past its bound', () => {
  for (let i = 0; i < MAX_CACHED_FORMATS * 3; i++) {
    convertResponse(row(), `1.${i}.0`);
    expect(cachedFormatCount()).toBeLessThanOrEqual(MAX_CACHED_FORMATS);
  }
});

test('a cached format converts as it did the first time, also after the cache was emptied', () => {
  // 1.8.0 (appwrite-cli) gets V21's integer `$sequence`; 1.9.5 gets the model as built.
  expect(convertResponse(row(), '1.8.0')).toEqual({ $id: 'r1', $sequence: 7, title: 'x' });
  expect(convertResponse(row(), '1.8.0')).toEqual({ $id: 'r1', $sequence: 7, title: 'x' });
  expect(convertResponse(row(), '1.9.5')).toEqual({ $id: 'r1', $sequence: '7', title: 'x' });
  for (let i = 0; i < MAX_CACHED_FORMATS + 1; i++) convertResponse(row(), `0.${i}.0`);
  expect(convertResponse(row(), '1.8.0')).toEqual({ $id: 'r1', $sequence: 7, title: 'x' });
  expect(convertResponse(row(), '1.9.5')).toEqual({ $id: 'r1', $sequence: '7', title: 'x' });
});
