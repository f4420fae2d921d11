import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { ACTIVITY_DAYS, getDashboard } from '../../../functions/stats/src/stats-handlers.ts';
import type { StatsRepo } from '../../../functions/stats/src/stats-repo.ts';
import { Route, routeRequest } from '../../../shared/functions.ts';
import type { ActivityFields } from '../../../shared/schemas/activity.ts';
import type { DashboardStats, StatsFields, TopPost } from '../../../shared/schemas/stats.ts';
import { execute } from './fake-runtime.ts';

/**
 * The `stats` function in-process: `GET /` as a table of scenarios (who asks, what the rows hold,
 * what the dashboard must say), then fast-check over what a caller can send. The repository is in
 * memory and records what was read, so a test can tell the dashboard costs a fixed number of reads.
 */

class FakeStatsRepo implements StatsRepo {
  totals: StatsFields | null = null;
  posts: TopPost[] = [];
  readonly activity = new Map<string, ActivityFields>();
  readonly reads: string[] = [];

  async getTotals() {
    this.reads.push('totals');
    return this.totals && { ...this.totals };
  }
  async topPosts(limit: number) {
    this.reads.push(`top ${limit}`);
    return [...this.posts].sort((a, b) => b.likesCount - a.likesCount).slice(0, limit);
  }
  async activityRows(rowIds: readonly string[]) {
    this.reads.push(`activity ${rowIds.length}`);
    return new Map(
      rowIds.flatMap((id) => {
        const row = this.activity.get(id);
        return row ? [[id, { ...row }] as const] : [];
      }),
    );
  }
}

const NOW = new Date('2026-11-29T10:00:00.000Z');
const IDS = { guest: '', user: 'user-1', admin: 'admin-1' } as const;
type Who = keyof typeof IDS;

function post(id: string, likesCount: number): TopPost {
  return {
    $id: id,
    title: `Post ${id}`,
    authorId: 'author',
    likesCount,
    commentsCount: 1,
    $createdAt: '2026-11-01T00:00:00.000+00:00',
  };
}

async function ask(
  repo: FakeStatsRepo,
  who: Who,
  request = routeRequest(Route.stats.get),
  body = '',
) {
  const handler = createHandler({
    [Route.stats.get]: getDashboard({ repoFor: () => repo, now: () => NOW }),
  });
  return execute(
    { default: handler },
    { ...request, body, headers: { 'x-appwrite-user-id': IDS[who] } },
  );
}

interface Scenario {
  name: string;
  who: Who;
  setup?: (repo: FakeStatsRepo) => void;
  expect: (dashboard: DashboardStats) => void;
}

const scenarios: Scenario[] = [
  {
    name: 'fresh board (no stats row) → zeros, no top posts, 14 zero days',
    who: 'guest',
    expect: (d) => {
      expect(d.totals).toEqual({ users: 0, posts: 0, comments: 0, likes: 0 });
      expect(d.averageLikesPerPost).toBe(0);
      expect(d.topPosts).toEqual([]);
      expect(d.activity).toHaveLength(ACTIVITY_DAYS);
      expect(d.activity.every((day) => day.posts === 0 && day.likes === 0)).toBe(true);
    },
  },
  {
    name: 'guest reads the totals and the average to two decimals',
    who: 'guest',
    setup: (r) => {
      r.totals = { users: 4, posts: 3, comments: 7, likes: 10 };
    },
    expect: (d) => {
      expect(d.totals).toEqual({ users: 4, posts: 3, comments: 7, likes: 10 });
      expect(d.averageLikesPerPost).toBe(3.33);
    },
  },
  {
    name: 'signed-in user: top posts are the 5 most liked, most liked first',
    who: 'user',
    setup: (r) => {
      r.posts = [1, 9, 4, 7, 0, 3, 8].map((likes, i) => post(`p${i}`, likes));
    },
    expect: (d) => {
      expect(d.topPosts.map((p) => p.likesCount)).toEqual([9, 8, 7, 4, 3]);
      expect(Object.keys(d.topPosts[0] ?? {}).sort()).toEqual(
        ['$createdAt', '$id', 'authorId', 'commentsCount', 'likesCount', 'title'].sort(),
      );
    },
  },
  {
    name: 'admin: activity is the last 14 UTC days oldest first, every day present',
    who: 'admin',
    setup: (r) => {
      r.activity.set('d20261129', { users: 1, posts: 2, comments: 3, likes: 4 });
      r.activity.set('d20261116', { users: 5, posts: 0, comments: 0, likes: 0 });
      // Outside the window: yesterday's 15th day back and tomorrow.
      r.activity.set('d20261115', { users: 99, posts: 99, comments: 99, likes: 99 });
      r.activity.set('d20261130', { users: 99, posts: 99, comments: 99, likes: 99 });
    },
    expect: (d) => {
      expect(d.activity.map((a) => a.day)).toEqual([
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
        '2026-11-21',
        '2026-11-22',
        '2026-11-23',
        '2026-11-24',
        '2026-11-25',
        '2026-11-26',
        '2026-11-27',
        '2026-11-28',
        '2026-11-29',
      ]);
      expect(d.activity[0]).toEqual({
        day: '2026-11-16',
        users: 5,
        posts: 0,
        comments: 0,
        likes: 0,
      });
      expect(d.activity[13]).toEqual({
        day: '2026-11-29',
        users: 1,
        posts: 2,
        comments: 3,
        likes: 4,
      });
      expect(d.activity.some((a) => a.users === 99)).toBe(false);
    },
  },
];

describe('GET / (stats)', () => {
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const repo = new FakeStatsRepo();
      scenario.setup?.(repo);
      const answer = await ask(repo, scenario.who);
      expect(answer.statusCode, answer.text).toBe(200);
      scenario.expect(answer.json() as DashboardStats);
    });
  }

  test('the dashboard costs three reads however big the board is', async () => {
    const repo = new FakeStatsRepo();
    repo.posts = Array.from({ length: 1000 }, (_, i) => post(`p${i}`, i % 50));
    await ask(repo, 'guest');
    expect(repo.reads.sort()).toEqual(['activity 14', 'top 5', 'totals']);
  });

  test('a body with a key → 400 general_argument_invalid naming it', async () => {
    const answer = await ask(new FakeStatsRepo(), 'user', undefined, '{"since":"2026-01-01"}');
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({
      type: 'general_argument_invalid',
      fields: { since: { code: 'unrecognized_keys' } },
    });
  });

  test('another method on / → 404 general_route_not_found', async () => {
    const answer = await ask(new FakeStatsRepo(), 'admin', { method: 'POST', path: '/' });
    expect([answer.statusCode, (answer.json() as { type: string }).type]).toEqual([
      404,
      'general_route_not_found',
    ]);
  });

  test('a failing read → 500 with a generic message, nothing of the cause', async () => {
    const repo = new FakeStatsRepo();
    repo.getTotals = async () => {
      throw new Error('SQLITE_BUSY at /srv/secret/path');
    };
    const answer = await ask(repo, 'guest');
    expect(answer.statusCode).toBe(500);
    expect(answer.text).not.toContain('SQLITE_BUSY');
    expect(answer.text).not.toContain('/srv/');
  });

  test('fast-check: any body → 200 or 400, never 5xx; a 400 names a field or says why', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue(), {
              minKeys: 1,
              maxKeys: 3,
            })
            .map((value) => JSON.stringify(value)),
        ),
        async (body) => {
          const answer = await ask(new FakeStatsRepo(), 'guest', undefined, body);
          expect(answer.statusCode).toBeLessThan(500);
          if (answer.statusCode === 200) return;
          expect(answer.statusCode).toBe(400);
          const error = answer.json() as { type: string; fields?: Record<string, unknown> };
          if (error.type === 'general_argument_invalid') {
            const parsed = JSON.parse(body) as Record<string, unknown>;
            expect(Object.keys(error.fields ?? {}).sort()).toEqual(Object.keys(parsed).sort());
          } else {
            expect(error.type).toBe('general_bad_request');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
