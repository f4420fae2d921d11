import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { runMaintenance } from '../../../functions/maintenance/src/maintenance-handlers.ts';
import { RECOUNT_PAGE } from '../../../functions/maintenance/src/recount.ts';
import type { MaintenanceReport } from '../../../shared/schemas/stats.ts';
import { execute } from './fake-runtime.ts';
import { FakeMaintenanceRepo } from './maintenance-fake-repo.ts';

/**
 * The `maintenance` function in-process: recount and repair, cleanup, who may run it, and fast-check
 * over its input. The fake board is built consistent, then broken on purpose.
 */

const NOW = new Date('2026-11-29T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** A consistent board: `users` profiles, `posts` posts round-robin by author, likes and comments. */
function board(users: number, posts: number): FakeMaintenanceRepo {
  const repo = new FakeMaintenanceRepo();
  for (let u = 0; u < users; u++) {
    const id = `u${String(u).padStart(4, '0')}`;
    repo.profiles.set(id, {
      $id: id,
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
      avatarId: null,
      handle: id,
    });
  }
  const userIds = [...repo.profiles.keys()];
  let likes = 0;
  let comments = 0;
  for (let p = 0; p < posts; p++) {
    const id = `p${String(p).padStart(4, '0')}`;
    const authorId = userIds[p % userIds.length] ?? 'nobody';
    const likers = userIds.slice(0, p % 4);
    const commenters = userIds.slice(0, p % 3);
    repo.posts.set(id, {
      $id: id,
      authorId,
      likesCount: likers.length,
      commentsCount: commenters.length,
    });
    for (const liker of likers) repo.likes.set(`${id}-${liker}`, { postId: id, userId: liker });
    for (const [i, commenter] of commenters.entries()) {
      repo.comments.set(`${id}-c${i}`, { postId: id, authorId: commenter });
      const profile = repo.profiles.get(commenter);
      if (profile) profile.commentsCount += 1;
    }
    const author = repo.profiles.get(authorId);
    if (author) {
      author.postsCount += 1;
      author.likesReceived += likers.length;
    }
    likes += likers.length;
    comments += commenters.length;
  }
  repo.stats = { users, posts, comments, likes };
  return repo;
}

const USERS = {
  schedule: '',
  admin: 'admin-1',
  user: 'u0001',
  console: 'console-member-1',
} as const;
type Who = keyof typeof USERS;

async function run(repo: FakeMaintenanceRepo, who: Who = 'schedule', body = '', method = 'POST') {
  repo.admins.add(USERS.admin);
  const handler = createHandler({
    'POST /': runMaintenance({ repoFor: () => repo, now: () => NOW }),
  });
  return execute(
    { default: handler },
    {
      method,
      path: '/',
      body,
      headers: {
        'x-appwrite-user-id': USERS[who],
        'x-appwrite-trigger': who === 'schedule' ? 'schedule' : 'http',
      },
    },
  );
}

async function report(repo: FakeMaintenanceRepo, who: Who = 'schedule', body = '') {
  const answer = await run(repo, who, body);
  expect(answer.statusCode, answer.text).toBe(200);
  return answer.json() as MaintenanceReport;
}

/** Every counter of the board as a plain object, to compare a repaired board with a fresh one. */
function counters(repo: FakeMaintenanceRepo) {
  return {
    stats: repo.stats,
    posts: [...repo.posts.values()],
    profiles: [...repo.profiles.values()],
  };
}

describe('recount and repair', () => {
  test('a consistent board → no repairs and no writes', async () => {
    const repo = board(5, 12);
    const result = await report(repo);
    expect(result.repairedCounters).toBe(0);
    expect(result.checked).toEqual({ posts: 12, profiles: 5, avatars: 0 });
    expect(repo.writes).toEqual([]);
  });

  test('every kind of drift is repaired to the exact value, and only those rows are written', async () => {
    const repo = board(5, 12);
    const exact = structuredClone(counters(repo));
    Object.assign(repo.posts.get('p0003') ?? {}, { likesCount: 40, commentsCount: 5 });
    Object.assign(repo.profiles.get('u0002') ?? {}, { postsCount: 9, likesReceived: 0 });
    Object.assign(repo.profiles.get('u0004') ?? {}, { commentsCount: 7 });
    repo.stats = { users: 1, posts: 99, comments: 0, likes: 3 };

    const result = await report(repo);
    expect(counters(repo)).toEqual(exact);
    expect(result.repairs).toContainEqual({
      table: 'posts',
      rowId: 'p0003',
      column: 'likesCount',
      from: 40,
      to: 3,
    });
    expect(result.repairs).toContainEqual({
      table: 'stats',
      rowId: 'global',
      column: 'posts',
      from: 99,
      to: 12,
    });
    expect(result.repairedCounters).toBe(2 + 2 + 1 + 4);
    expect(repo.writes.sort()).toEqual([
      'writeCounters posts/p0003',
      'writeCounters profiles/u0002',
      'writeCounters profiles/u0004',
      'writeStats',
    ]);
    expect((await report(repo)).repairedCounters).toBe(0);
  });

  test('hidden posts and comments stay out of the counts (moderation): a recount keeps them out', async () => {
    const repo = board(3, 6);
    // Hide p0004 and one comment of p0005, moving the counters as the moderation function does (a
    // hidden post leaves the post counts only; its likes and comments are still counted).
    const post = repo.posts.get('p0004');
    const comment = repo.comments.get('p0005-c0');
    if (!post || !comment || !repo.stats) throw new Error('board changed');
    const author = repo.profiles.get(post.authorId);
    const commenter = repo.profiles.get(comment.authorId);
    if (!author || !commenter) throw new Error('board changed');
    post.hidden = true;
    repo.stats.posts -= 1;
    author.postsCount -= 1;
    comment.hidden = true;
    const commented = repo.posts.get('p0005');
    if (commented) commented.commentsCount -= 1;
    repo.stats.comments -= 1;
    commenter.commentsCount -= 1;
    const exact = structuredClone(counters(repo));
    const result = await report(repo);
    expect(result.repairs).toEqual([]);
    expect(counters(repo)).toEqual(exact);
  });

  test('posts and comments get the read permissions their hidden flag calls for (the backfill)', async () => {
    const repo = board(3, 6);
    const post = repo.posts.get('p0002');
    if (!post) throw new Error('board changed');
    post.hidden = true;
    // Made before moderation: no permissions at all, so nobody but a key could read them.
    repo.readers.set('posts/p0001', []);
    repo.readers.set('comments/p0001-c0', []);
    // Hidden, but still readable by everyone.
    repo.readers.set('posts/p0002', ['read("any")']);
    const dry = await report(repo, 'schedule', JSON.stringify({ dryRun: true }));
    expect(dry.repairedPermissions).toBe(3);
    expect(repo.writes.filter((w) => w.startsWith('writePermissions'))).toEqual([]);
    const result = await report(repo);
    expect(result.repairedPermissions).toBe(3);
    expect(repo.readers.get('posts/p0001')).toEqual(['read("any")']);
    expect(repo.readers.get('comments/p0001-c0')).toEqual(['read("any")']);
    expect(repo.readers.get('posts/p0002')).toEqual([
      `read("user:${post.authorId}")`,
      'read("label:admin")',
    ]);
    expect((await report(repo)).repairedPermissions).toBe(0);
  });

  test('likesReceived follows the repaired likesCount, not the drifted one', async () => {
    const repo = board(3, 6);
    const author = repo.posts.get('p0003')?.authorId ?? '';
    const exact = repo.profiles.get(author)?.likesReceived;
    Object.assign(repo.posts.get('p0003') ?? {}, { likesCount: 50 });
    await report(repo);
    expect(repo.profiles.get(author)?.likesReceived).toBe(exact);
  });

  test('a missing stats row is created with the recounted totals', async () => {
    const repo = board(4, 7);
    const exact = repo.stats;
    repo.stats = null;
    await report(repo);
    expect(repo.stats).toEqual(exact);
  });

  test(`more than a page (${RECOUNT_PAGE}) of posts and profiles: every page is recounted`, async () => {
    const repo = board(2 * RECOUNT_PAGE + 30, 2 * RECOUNT_PAGE + 50);
    const exact = structuredClone(counters(repo));
    for (const post of repo.posts.values()) post.likesCount += 1;
    for (const profile of repo.profiles.values()) profile.postsCount = 0;
    const result = await report(repo);
    expect(counters(repo)).toEqual(exact);
    expect(result.checked).toMatchObject({ posts: 250, profiles: 230 });
    expect(repo.largestCount).toBeLessThanOrEqual(RECOUNT_PAGE);
  });

  test('dry run: reports the same repairs, writes nothing', async () => {
    const repo = board(3, 5);
    repo.stats = { users: 0, posts: 0, comments: 0, likes: 0 };
    Object.assign(repo.posts.get('p0001') ?? {}, { commentsCount: 9 });
    repo.avatars.set('orphan', { createdAt: ago(2 * HOUR) });
    const result = await report(repo, 'admin', '{"dryRun":true}');
    expect(result.dryRun).toBe(true);
    expect(result.repairedCounters).toBeGreaterThan(0);
    expect(result.removed.avatarFiles).toBe(1);
    expect(repo.writes).toEqual([]);
  });

  test('a failing step is named in `failed`; the others still run; stats are not set from half a count', async () => {
    const repo = board(3, 5);
    repo.stats = { users: 0, posts: 0, comments: 0, likes: 0 };
    repo.profilesPage = async () => {
      throw new Error('connection reset');
    };
    repo.deliveries.set('old', { receivedAt: ago(8 * DAY) });
    const answer = await run(repo);
    const result = answer.json() as MaintenanceReport;
    expect(result.failed).toEqual(['profiles']);
    expect(repo.stats).toEqual({ users: 0, posts: 0, comments: 0, likes: 0 });
    expect(result.removed.webhookDeliveries).toBe(1);
    expect(answer.errors.join('\n')).toContain('connection reset');
    expect(answer.text).not.toContain('connection reset');
  });
});

describe('cleanup', () => {
  test('orphaned avatar older than an hour → removed; linked or young ones stay', async () => {
    const repo = board(2, 0);
    repo.avatars.set('linked', { createdAt: ago(5 * HOUR) });
    repo.avatars.set('orphan', { createdAt: ago(2 * HOUR) });
    repo.avatars.set('uploading', { createdAt: ago(10 * 60 * 1000) });
    Object.assign(repo.profiles.get('u0001') ?? {}, { avatarId: 'linked' });
    const result = await report(repo);
    expect([...repo.avatars.keys()].sort()).toEqual(['linked', 'uploading']);
    expect(result.removed.avatarFiles).toBe(1);
    expect(result.checked.avatars).toBe(2);
  });

  test('250 orphans among linked files across pages → all orphans go, no dangling cursor', async () => {
    const repo = board(1, 0);
    for (let i = 0; i < 300; i++) {
      repo.avatars.set(`f${String(i).padStart(3, '0')}`, { createdAt: ago(2 * HOUR) });
    }
    // Every sixth file is linked (by a profile of its own).
    for (let i = 0; i < 300; i += 6) {
      const id = `holder${i}`;
      const avatarId = `f${String(i).padStart(3, '0')}`;
      repo.profiles.set(id, {
        $id: id,
        postsCount: 0,
        commentsCount: 0,
        likesReceived: 0,
        avatarId,
      });
    }
    const result = await report(repo);
    expect(result.failed).toEqual([]);
    expect(result.removed.avatarFiles).toBe(250);
    expect(repo.avatars.size).toBe(50);
  });

  test('finished jobs older than 7 days go with their export files; running or recent ones stay', async () => {
    const repo = board(1, 0);
    repo.jobs.set('old-done', { status: 'succeeded', updatedAt: ago(8 * DAY), fileId: 'csv-1' });
    repo.jobs.set('old-failed', { status: 'failed', updatedAt: ago(9 * DAY), fileId: null });
    repo.jobs.set('old-running', { status: 'running', updatedAt: ago(8 * DAY), fileId: null });
    repo.jobs.set('new-done', { status: 'succeeded', updatedAt: ago(6 * DAY), fileId: 'csv-2' });
    repo.exports.set('csv-1', { createdAt: ago(8 * DAY) });
    repo.exports.set('csv-2', { createdAt: ago(6 * DAY) });
    const result = await report(repo);
    expect([...repo.jobs.keys()].sort()).toEqual(['new-done', 'old-running']);
    expect([...repo.exports.keys()]).toEqual(['csv-2']);
    expect(result.removed).toMatchObject({ jobs: 2, exportFiles: 1 });
  });

  test('old webhook deliveries and expired rate-limit rows go; recent ones stay', async () => {
    const repo = board(1, 0);
    for (let i = 0; i < 150; i++) repo.deliveries.set(`old${i}`, { receivedAt: ago(8 * DAY) });
    repo.deliveries.set('recent', { receivedAt: ago(DAY) });
    repo.rateLimits.set('expired', { windowStart: ago(2 * HOUR) });
    repo.rateLimits.set('current', { windowStart: ago(30 * 1000) });
    const result = await report(repo);
    expect([...repo.deliveries.keys()]).toEqual(['recent']);
    expect([...repo.rateLimits.keys()]).toEqual(['current']);
    expect(result.removed).toMatchObject({ webhookDeliveries: 150, rateLimits: 1 });
  });
});

describe('handles for profiles made before them', () => {
  const older = (repo: FakeMaintenanceRepo, id: string, name: string) =>
    repo.profiles.set(id, {
      $id: id,
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
      avatarId: null,
      name,
      handle: null,
    });

  test('each gets one derived from its name, unique; a dry run only counts them', async () => {
    const repo = board(2, 0);
    older(repo, 'x1', 'Ada Lovelace');
    older(repo, 'x2', 'Ada Lovelace');
    older(repo, 'x3', 'Émile');
    const dry = await run(repo, 'admin', '{"dryRun":true}');
    expect(dry.json()).toMatchObject({ handlesGiven: 3 });
    expect(repo.writes).toEqual([]);
    const result = await run(repo);
    expect(result.json()).toMatchObject({ handlesGiven: 3, failed: [] });
    expect(['x1', 'x2', 'x3'].map((id) => repo.profiles.get(id)?.handle)).toEqual([
      'ada_lovelace',
      'ada_lovelace2',
      'emile',
    ]);
    expect((await run(repo)).json()).toMatchObject({ handlesGiven: 0 });
  });
});

describe('who may run it', () => {
  const matrix: Array<[Who, number]> = [
    ['schedule', 200],
    ['admin', 200],
    ['console', 200],
    ['user', 401],
  ];
  for (const [who, status] of matrix) {
    test(`${who} → ${status}`, async () => {
      const repo = board(3, 3);
      repo.stats = null;
      const answer = await run(repo, who);
      expect(answer.statusCode).toBe(status);
      if (status === 401) {
        expect((answer.json() as { type: string }).type).toBe('user_unauthorized');
        expect(repo.writes).toEqual([]);
      } else {
        expect(repo.writes).toEqual(['writeStats']);
      }
    });
  }

  test('GET / → 404 general_route_not_found', async () => {
    const answer = await run(board(1, 0), 'schedule', '', 'GET');
    expect(answer.statusCode).toBe(404);
  });
});

describe('input', () => {
  const refused: Array<[string, string, number, string | undefined]> = [
    ['dryRun not a boolean', '{"dryRun":"yes"}', 400, 'dryRun'],
    ['an unknown key', '{"force":true}', 400, 'force'],
    ['malformed JSON', '{"dryRun":', 400, undefined],
    ['a JSON array', '[]', 400, ''],
  ];
  for (const [name, body, status, field] of refused) {
    test(`${name} → ${status}, nothing written`, async () => {
      const repo = board(2, 2);
      repo.stats = null;
      const answer = await run(repo, 'schedule', body);
      expect(answer.statusCode).toBe(status);
      const error = answer.json() as { fields?: Record<string, unknown> };
      if (field !== undefined) expect(Object.keys(error.fields ?? {})).toEqual([field]);
      expect(repo.writes).toEqual([]);
    });
  }

  test('fast-check: any body → 200 or 400 (never 5xx); a 400 writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.record({ dryRun: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const repo = board(2, 2);
          repo.stats = null;
          const answer = await run(repo, 'schedule', body);
          expect([200, 400]).toContain(answer.statusCode);
          if (answer.statusCode === 400) expect(repo.writes).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
