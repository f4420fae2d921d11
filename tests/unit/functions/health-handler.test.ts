import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { CHECK_TIMEOUT_MS, healthHandler } from '../../../functions/health/src/health-handler.ts';
import type { HealthRepo } from '../../../functions/health/src/health-repo.ts';
import { Route } from '../../../shared/functions.ts';
import { AGORA_VERSION } from '../../../shared/version.ts';
import { execute } from './fake-runtime.ts';

const SECRET = 'standard_0123456789abcdef';

/** What node-appwrite throws for an error answer: a message, the status as `code`, and a `type`. */
class FakeAppwriteException extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly type: string,
  ) {
    super(message);
  }
}

type Probe = () => Promise<void>;
const pass: Probe = async () => {};
const hang: Probe = () => new Promise<void>(() => {});

function healthWith(probeDatabase: Probe, probeStorage: Probe) {
  const repo: HealthRepo = { probeDatabase, probeStorage };
  return createHandler({ [Route.health.check]: healthHandler(() => repo) });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('health GET /', () => {
  it('both checks pass → 200 pass with version and timings, no timer left behind', async () => {
    vi.useFakeTimers();
    const result = await execute(healthWith(pass, pass), { path: '/' });
    expect(vi.getTimerCount()).toBe(0);

    expect(result.statusCode).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(result.json()).toEqual({
      status: 'pass',
      version: AGORA_VERSION,
      checks: {
        database: { status: 'pass', ms: expect.any(Number) },
        storage: { status: 'pass', ms: expect.any(Number) },
      },
    });
    expect(result.errors).toEqual([]);
  });

  it('database answers 401 → 503 fail naming it, detail only in the log', async () => {
    const scopeMissing = async () => {
      throw new FakeAppwriteException(
        `key ${SECRET} is missing scopes (["rows.read"])`,
        401,
        'general_unauthorized_scope',
      );
    };
    const result = await execute(healthWith(scopeMissing, pass), { path: '/' });

    expect(result.statusCode).toBe(503);
    expect(result.json()).toEqual({
      status: 'fail',
      version: AGORA_VERSION,
      checks: {
        database: {
          status: 'fail',
          ms: expect.any(Number),
          reason: 'Appwrite answered 401 general_unauthorized_scope',
        },
        storage: { status: 'pass', ms: expect.any(Number) },
      },
    });
    expect(result.text).not.toContain(SECRET);
    expect(result.text).not.toContain('at ');
    expect(result.errors.join('\n')).toContain('database check failed');
    expect(result.errors.join('\n')).toContain(SECRET);
  });

  it('storage unreachable → 503 with a summary, never the error text (it may hold a URL)', async () => {
    const unreachable = async () => {
      throw new TypeError('fetch failed', {
        cause: new Error(`connect ECONNREFUSED https://user:${SECRET}@appwrite.internal`),
      });
    };
    const result = await execute(healthWith(pass, unreachable), { path: '/' });

    expect(result.statusCode).toBe(503);
    expect(result.json()).toMatchObject({
      status: 'fail',
      checks: {
        database: { status: 'pass' },
        storage: { status: 'fail', reason: 'Appwrite could not be reached' },
      },
    });
    expect(result.text).not.toContain(SECRET);
    expect(result.text).not.toContain('appwrite.internal');
    expect(result.text).not.toContain('fetch failed');
    expect(result.errors.join('\n')).toContain('ECONNREFUSED');
  });

  it('an error type that is not a plain Appwrite type is left out of the reason', async () => {
    const odd = async () => {
      throw new FakeAppwriteException('nope', 500, `<script>${SECRET}`);
    };
    const result = await execute(healthWith(odd, pass), { path: '/' });

    expect(result.json()).toMatchObject({
      checks: { database: { status: 'fail', reason: 'Appwrite answered 500' } },
    });
    expect(result.text).not.toContain(SECRET);
  });

  it(`a check hanging past ${CHECK_TIMEOUT_MS} ms fails by itself; the other still passes`, async () => {
    vi.useFakeTimers();
    const pending = execute(healthWith(pass, hang), { path: '/' });
    await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS);
    const result = await pending;

    expect(result.statusCode).toBe(503);
    expect(result.json()).toMatchObject({
      status: 'fail',
      checks: {
        database: { status: 'pass' },
        storage: {
          status: 'fail',
          ms: CHECK_TIMEOUT_MS,
          reason: `no answer within ${CHECK_TIMEOUT_MS} ms`,
        },
      },
    });
  });

  it('both checks hanging → one timeout, not two: they run concurrently', async () => {
    vi.useFakeTimers();
    let settled = false;
    const pending = execute(healthWith(hang, hang), { path: '/' }).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;

    expect(result.statusCode).toBe(503);
    expect(result.json()).toMatchObject({
      checks: {
        database: { status: 'fail', ms: CHECK_TIMEOUT_MS },
        storage: { status: 'fail', ms: CHECK_TIMEOUT_MS },
      },
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a probe that throws before returning a promise is a failed check, not a crash', async () => {
    const throwsAtOnce: Probe = () => {
      throw new FakeAppwriteException('gone', 404, 'table_not_found');
    };
    const result = await execute(healthWith(throwsAtOnce, pass), { path: '/' });

    expect(result.statusCode).toBe(503);
    expect(result.json()).toMatchObject({
      checks: { database: { status: 'fail', reason: 'Appwrite answered 404 table_not_found' } },
    });
  });

  it('other routes → 404 general_route_not_found', async () => {
    const result = await execute(healthWith(pass, pass), { method: 'POST', path: '/' });
    expect(result.statusCode).toBe(404);
    expect(result.json()).toMatchObject({ type: 'general_route_not_found' });
  });
});
