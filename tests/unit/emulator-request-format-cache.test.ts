import { expect, test } from 'vitest';
import {
  cachedRequestFormatCount,
  filterRequest,
  MAX_CACHED_REQUEST_FORMATS,
} from '../../emulator/http/platform/formats/request-filters.ts';

/** `project.updateService` as 1.9.0 sends it, and as 1.9.1 renamed its parameters (V22). */
const old = () => ({ service: 'users', status: false });
const renamed = { serviceId: 'users', enabled: false };

test('the request filters are worked out once per format, and made-up formats cannot grow the cache past its bound', () => {
  for (let i = 0; i < MAX_CACHED_REQUEST_FORMATS * 3; i++) {
    filterRequest(old(), 'project.updateService', `1.${i}.0`);
    expect(cachedRequestFormatCount()).toBeGreaterThan(0);
    expect(cachedRequestFormatCount()).toBeLessThanOrEqual(MAX_CACHED_REQUEST_FORMATS);
  }
});

test('a cached format filters as it did the first time, also after the cache was emptied', () => {
  expect(filterRequest(old(), 'project.updateService', '1.9.0')).toEqual(renamed);
  expect(filterRequest(old(), 'project.updateService', '1.9.0')).toEqual(renamed);
  expect(filterRequest(old(), 'project.updateService', '1.9.5')).toEqual(old());
  for (let i = 0; i < MAX_CACHED_REQUEST_FORMATS + 1; i++) {
    filterRequest(old(), 'project.updateService', `0.${i}.0`);
  }
  expect(filterRequest(old(), 'project.updateService', '1.9.0')).toEqual(renamed);
  expect(filterRequest(old(), 'project.updateService', '1.9.5')).toEqual(old());
});
