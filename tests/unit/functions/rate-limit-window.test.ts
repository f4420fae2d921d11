import { AppwriteException, type TablesDB } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { AppError, errorResponse } from '../../../functions/_lib/app-error.ts';
import {
  createRateLimiter,
  type RateLimitTable,
  rateLimitRowId,
  rateLimitsFrom,
} from '../../../functions/_lib/rate-limit.ts';
import { RateLimits } from '../../../shared/limits.ts';
import { fakeContext } from './fake-runtime.ts';

/**
 * A stand-in for the two TablesDB calls the limiter makes, with Appwrite's answers: 409 for an
 * existing id, and 400 `column_limit_exceeded` (nothing changed) for an increment past `max`.
 */
function fakeTables() {
  const rows = new Map<string, Record<string, unknown>>();
  const calls: string[] = [];
  const tables = {
    async createRow({ rowId, data }: { rowId: string; data: Record<string, unknown> }) {
      calls.push('createRow');
      if (rows.has(rowId)) throw new AppwriteException('exists', 409, 'row_already_exists');
      rows.set(rowId, { ...data });
      return { $id: rowId, ...data };
    },
    async incrementRowColumn(args: { rowId: string; column: string; value: number; max?: number }) {
      calls.push('incrementRowColumn');
      const row = rows.get(args.rowId);
      if (!row) throw new AppwriteException('missing', 404, 'row_not_found');
      const next = Number(row[args.column] ?? 0) + args.value;
      if (args.max !== undefined && next > args.max) {
        throw new AppwriteException('over', 400, 'column_limit_exceeded');
      }
      row[args.column] = next;
      return { $id: args.rowId, ...row };
    },
  };
  return { tables: tables as unknown as TablesDB, rows, calls };
}

const LIMITS: RateLimitTable = {
  ...RateLimits,
  post: { limit: 3, windowSeconds: 60 },
};

/** 2026-11-29T12:00:15Z: 15 s into a minute. */
const T0 = Date.UTC(2026, 10, 29, 12, 0, 15);

describe('createRateLimiter', () => {
  it('lets `limit` actions through in a window, then 429 with the seconds left', async () => {
    const { tables, rows } = fakeTables();
    let now = T0;
    const limiter = createRateLimiter(tables, LIMITS, () => now);
    for (let i = 0; i < 3; i++) await limiter.consume('u1', 'post');
    now += 5_000;
    const refused = await limiter.consume('u1', 'post').catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(AppError);
    const error = refused as AppError;
    expect([error.type, error.status, error.retryAfterSeconds]).toEqual([
      'general_rate_limit_exceeded',
      429,
      40,
    ]);
    expect(error.message).toBe('Too many posts: at most 3 a minute. Try again in 40 seconds.');
    const row = rows.get(rateLimitRowId('u1', 'post', Date.UTC(2026, 10, 29, 12, 0, 0)));
    expect(row).toMatchObject({
      userId: 'u1',
      action: 'post',
      windowStart: '2026-11-29T12:00:00.000Z',
      count: 3,
    });
  });

  it('a new window starts again at 1', async () => {
    const { tables } = fakeTables();
    let now = T0;
    const limiter = createRateLimiter(tables, LIMITS, () => now);
    for (let i = 0; i < 3; i++) await limiter.consume('u1', 'post');
    await expect(limiter.consume('u1', 'post')).rejects.toBeInstanceOf(AppError);
    now += 45_000;
    await expect(limiter.consume('u1', 'post')).resolves.toBeUndefined();
  });

  it('counts per user and per action', async () => {
    const { tables } = fakeTables();
    const limiter = createRateLimiter(tables, LIMITS, () => T0);
    for (let i = 0; i < 3; i++) await limiter.consume('u1', 'post');
    await expect(limiter.consume('u2', 'post')).resolves.toBeUndefined();
    await expect(limiter.consume('u1', 'comment')).resolves.toBeUndefined();
    await expect(limiter.consume('u1', 'post')).rejects.toMatchObject({ status: 429 });
  });

  it('one call per action once the window has its row: the increment (max = limit)', async () => {
    const { tables, calls } = fakeTables();
    const limiter = createRateLimiter(tables, LIMITS, () => T0);
    await limiter.consume('u1', 'post');
    // The window's first action: the increment finds no row (404), so it creates it at 1.
    expect(calls).toEqual(['incrementRowColumn', 'createRow']);
    calls.length = 0;
    await limiter.consume('u1', 'post');
    expect(calls).toEqual(['incrementRowColumn']);
  });

  it('racing actions: exactly `limit` pass, the row counts them, each later one costs one call', async () => {
    const { tables, rows, calls } = fakeTables();
    const limiter = createRateLimiter(tables, LIMITS, () => T0);
    // Five first actions at once: all find no row, one creates it, the others' 409 → increment.
    const first = await Promise.allSettled(
      Array.from({ length: 5 }, () => limiter.consume('u1', 'post')),
    );
    expect(first.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of first.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ status: 429, type: 'general_rate_limit_exceeded' });
    }
    const rowId = rateLimitRowId('u1', 'post', Date.UTC(2026, 10, 29, 12, 0, 0));
    expect(rows.get(rowId)?.count).toBe(3);
    expect(calls.filter((c) => c === 'createRow')).toHaveLength(5);
    calls.length = 0;
    // The row exists: four more at once are refused with one call each, the count unchanged.
    const more = await Promise.allSettled(
      Array.from({ length: 4 }, () => limiter.consume('u1', 'post')),
    );
    expect(more.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toEqual(Array(4).fill('incrementRowColumn'));
    expect(rows.get(rowId)?.count).toBe(3);
  });

  it.each(['incrementRowColumn', 'createRow'])(
    'rethrows anything from %s that is not a 404, a 409 or a limit (no silent pass)',
    async (method) => {
      const { tables } = fakeTables();
      const failing = {
        ...tables,
        [method]: async () => {
          throw new AppwriteException('down', 503, 'general_service_disabled');
        },
      } as unknown as TablesDB;
      await expect(
        createRateLimiter(failing, LIMITS, () => T0).consume('u1', 'post'),
      ).rejects.toMatchObject({ code: 503 });
    },
  );

  it('null limits (off) write nothing', async () => {
    const { tables, calls } = fakeTables();
    const limiter = createRateLimiter(tables, null, () => T0);
    for (let i = 0; i < 50; i++) await limiter.consume('u1', 'post');
    expect(calls).toEqual([]);
  });

  it('an hour window says so, and a one-second wait is singular', async () => {
    const { tables } = fakeTables();
    const hour = Date.UTC(2026, 10, 29, 12, 59, 59, 500);
    const limiter = createRateLimiter(tables, LIMITS, () => hour);
    for (let i = 0; i < RateLimits.export.limit; i++) await limiter.consume('u1', 'export');
    await expect(limiter.consume('u1', 'export')).rejects.toMatchObject({
      message: 'Too many exports: at most 3 an hour. Try again in 1 second.',
      retryAfterSeconds: 1,
    });
  });
});

describe('rateLimitsFrom (AGORA_RATE_LIMITS)', () => {
  it.each([undefined, '', 'on', ' ON '])('%j → the product limits', (setting) => {
    expect(rateLimitsFrom(setting)).toEqual(RateLimits);
  });
  it('off → null', () => expect(rateLimitsFrom('off')).toBeNull());
  it('a multiplier scales every limit and keeps the windows', () => {
    expect(rateLimitsFrom('10')).toMatchObject({
      post: { limit: 100, windowSeconds: 60 },
      export: { limit: 30, windowSeconds: 3600 },
    });
    expect(rateLimitsFrom('0.01')?.post.limit).toBe(1);
  });
  it.each(['0', '-1', 'nope', 'Infinity'])('%j is refused, not taken as off', (setting) => {
    expect(() => rateLimitsFrom(setting)).toThrow(/AGORA_RATE_LIMITS/);
  });
});

describe('the 429 response', () => {
  it('has Agora’s error shape and a retry-after header', () => {
    const { context } = fakeContext();
    const response = errorResponse(
      context,
      new AppError('general_rate_limit_exceeded', 'Slow down.', undefined, {
        retryAfterSeconds: 7,
      }),
    );
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(JSON.parse(Buffer.from(response.body).toString())).toMatchObject({
      code: 429,
      type: 'general_rate_limit_exceeded',
      message: 'Slow down.',
    });
  });
  it('other errors carry no retry-after', () => {
    const { context } = fakeContext();
    const response = errorResponse(context, new AppError('row_not_found', 'No.'));
    expect(response.headers['retry-after']).toBeUndefined();
  });
});
