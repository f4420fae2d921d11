import {
  AppwriteException,
  type Client,
  type ExecutionMethod,
  Functions,
  Query,
  TablesDB,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../functions/_lib/app-error.ts';
import { createRateLimiter, rateLimitRowId } from '../../functions/_lib/rate-limit.ts';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, TableId } from '../../shared/ids.ts';
import { RateLimits } from '../../shared/limits.ts';
import {
  applyAgoraTables,
  deployPosts,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * Rate limits on the local Appwrite with the product limits (the `posts` function deployed without
 * `AGORA_RATE_LIMITS`): concurrent executions, and executions racing a second process, get exactly
 * `limit` actions through a window; the rest are 429 in Agora's error shape with a retry hint.
 */

const POST_LIMIT = RateLimits.post.limit;
const ATTEMPTS = 30;

let server: LocalServer;
let keyClient: Client;
let tables: TablesDB;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | undefined;
}

async function createPost(client: Client, title: string): Promise<Answer> {
  const { method, path } = routeRequest(Route.posts.create);
  const execution = await new Functions(client).createExecution({
    functionId: FunctionId.posts,
    body: JSON.stringify({ title, body: 'Body' }),
    async: false,
    xpath: path,
    method: method as ExecutionMethod,
    headers: { 'content-type': 'application/json' },
  });
  const header = execution.responseHeaders.find((h) => h.name.toLowerCase() === 'retry-after');
  return {
    status: execution.responseStatusCode,
    body: JSON.parse(execution.responseBody) as Record<string, unknown>,
    retryAfter: header?.value,
  };
}

/** Waits until at least `seconds` are left in the current minute, so a burst stays in one window. */
async function roomInWindow(seconds: number): Promise<void> {
  const left = 60 - ((Date.now() / 1000) % 60);
  if (left < seconds) await new Promise((done) => setTimeout(done, left * 1000 + 50));
}

async function postsBy(userId: string): Promise<number> {
  const list = await tables.listRows({
    databaseId: DATABASE_ID,
    tableId: TableId.posts,
    queries: [Query.equal('authorId', userId), Query.limit(1)],
  });
  return list.total;
}

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  await deployPosts(keyClient);
}, 60_000);
afterAll(async () => server?.close());

describe('rate limits across concurrent executions', () => {
  test(`${ATTEMPTS} parallel posts by one user → exactly ${POST_LIMIT} created, the rest 429 with a hint`, async () => {
    const client = await userWithSession(server, keyClient, 'burst');
    await roomInWindow(15);
    const answers = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) => createPost(client, `Burst ${i}`)),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    expect(created).toHaveLength(POST_LIMIT);
    expect(refused).toHaveLength(ATTEMPTS - POST_LIMIT);
    expect(await postsBy('burst')).toBe(POST_LIMIT);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({
        code: 429,
        type: 'general_rate_limit_exceeded',
        message: expect.stringMatching(
          /^Too many posts: at most 10 a minute\. Try again in \d+ seconds?\.$/,
        ),
      });
      const seconds = Number(answer.retryAfter);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
      expect(String(answer.body.message)).toContain(`in ${seconds} second`);
    }
    // The refusals wrote nothing beyond the counter: the profile counted only the created posts.
    const profile = await tables.getRow({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      rowId: 'burst',
    });
    expect(profile.postsCount).toBe(POST_LIMIT);
  }, 60_000);

  test('executions in the function runtime and a second process share one counter', async () => {
    const client = await userWithSession(server, keyClient, 'split');
    // The second process: this test process, running the same limiter against the same table.
    const outside = createRateLimiter(tables, RateLimits);
    await roomInWindow(15);
    const inRuntime = Array.from({ length: ATTEMPTS / 2 }, (_, i) =>
      createPost(client, `Split ${i}`),
    );
    const here = Array.from({ length: ATTEMPTS / 2 }, () =>
      outside.consume('split', 'post').then(
        () => 'ok' as const,
        (thrown: unknown) => {
          if (thrown instanceof AppError && thrown.status === 429) return 'limited' as const;
          throw thrown;
        },
      ),
    );
    const [runtimeAnswers, hereAnswers] = await Promise.all([
      Promise.all(inRuntime),
      Promise.all(here),
    ]);
    const through =
      runtimeAnswers.filter((a) => a.status === 201).length +
      hereAnswers.filter((a) => a === 'ok').length;
    expect(through).toBe(POST_LIMIT);
    expect(runtimeAnswers.every((a) => a.status === 201 || a.status === 429)).toBe(true);
  }, 60_000);

  test('the counter row: one per (user, action, window), count at the limit, no public read', async () => {
    const windowStart = Math.floor(Date.now() / 60_000) * 60_000;
    const userClient = await userWithSession(server, keyClient, 'reader');
    const rows = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.ratelimits,
      queries: [Query.equal('userId', 'burst')],
    });
    expect(rows.total).toBeGreaterThanOrEqual(1);
    expect(rows.rows[0]).toMatchObject({ userId: 'burst', action: 'post', count: POST_LIMIT });
    const failure = await new TablesDB(userClient)
      .listRows({ databaseId: DATABASE_ID, tableId: TableId.ratelimits })
      .catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(AppwriteException);
    expect((failure as AppwriteException).code).toBe(401);
    expect(rateLimitRowId('burst', 'post', windowStart)).toMatch(/^[0-9a-f]{36}$/);
  });

  test('Appwrite refuses an increment past max with 400 column_limit_exceeded and changes nothing', async () => {
    const rowId = rateLimitRowId('max-check', 'like', 0);
    const target = { databaseId: DATABASE_ID, tableId: TableId.ratelimits, rowId };
    await tables.createRow({
      ...target,
      data: {
        userId: 'max-check',
        action: 'like',
        windowStart: new Date(0).toISOString(),
        count: 2,
      },
    });
    const refused = await tables
      .incrementRowColumn({ ...target, column: 'count', value: 1, max: 2 })
      .catch((thrown: unknown) => thrown);
    expect(refused).toMatchObject({ code: 400, type: 'column_limit_exceeded' });
    expect((await tables.getRow(target)).count).toBe(2);
    const moved = await tables.incrementRowColumn({ ...target, column: 'count', value: 1, max: 3 });
    expect(moved.count).toBe(3);
  });
});
