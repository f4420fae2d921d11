import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, randomBytes: vi.fn(original.randomBytes) };
});

const { uniqueId } = await import('../../emulator/core/platform/ids.ts');

describe('uniqueId', () => {
  it('makes distinct ids shaped as ID.unique() does, drawing random bytes in bulk', () => {
    const randomBytes = vi.mocked(crypto.randomBytes);
    randomBytes.mockClear();
    const ids = Array.from({ length: 500 }, () => uniqueId());
    expect(new Set(ids).size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{20}$/);
    // 500 ids need 2000 random bytes: one draw from the CSPRNG (at most two across a refill), not 500.
    expect(randomBytes.mock.calls.length).toBeLessThanOrEqual(2);
  });
});
