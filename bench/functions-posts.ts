/**
 * The figure of issue 6 for the `posts` function: create a post and like one, end to end — the
 * node-appwrite SDK with a user session → `createExecution` (sync) → the function writes the row and
 * moves the counters atomically → the answer — p50/p99 over sequential runs and under concurrency.
 * Baseline from the same run and server: a bare `createRow` through the API with a session (a
 * scratch table users may write), so the difference is what the function adds.
 *
 * Set-up, outside the timing: a project folder with Agora's appwrite.json (only `posts`, built by
 * esbuild as `npm run build:functions` would), the server started on it (it creates the tables and
 * deploys `posts`), `AGORA_RATE_LIMITS=off` on the function (the bench posts far more than a person
 * may), users made with the key, their profiles, and one session each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  Client,
  type ExecutionMethod,
  Functions,
  ID,
  Permission,
  Role,
  TablesDB,
  Users,
} from 'node-appwrite';
import { findProjectFile } from '../emulator/project-file.ts';
import { buildFunction } from '../scripts/build-functions.ts';
import { FunctionId, Route, type RouteKey, routeRequest } from '../shared/functions.ts';
import { DATABASE_ID, MEMBER_LABEL, STATS_ROW_ID, TableId } from '../shared/ids.ts';
import { round } from './lib/load.ts';
import type { Figure } from './lib/report.ts';

const root = new URL('../', import.meta.url).pathname;
const SEQUENTIAL = Number(process.env.BENCH_POSTS_RUNS ?? 200);
const CONCURRENCY = 10;
const PER_STREAM = Math.max(1, Math.round(SEQUENTIAL / CONCURRENCY));
/** The second concurrent shape (issue 17): 50 users at once, each as many calls as at 10. */
const WIDE = 50;
const SCRATCH = 'bench_scratch';

/** A project folder with Agora's appwrite.json (project `bench`, only `posts`) and its bundle. */
async function projectFolder(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'agora-bench-posts-project-'));
  const file = findProjectFile(root);
  if (!file) throw new Error('appwrite.json not found');
  const functions = (file.functions as { $id: string }[]).filter((f) => f.$id === FunctionId.posts);
  const { path: _path, ...config } = file as Record<string, unknown>;
  writeFileSync(
    join(dir, 'appwrite.json'),
    JSON.stringify({ ...config, projectId: 'bench', functions }),
  );
  const out = join(dir, 'functions', FunctionId.posts, 'dist');
  mkdirSync(out, { recursive: true });
  await buildFunction(FunctionId.posts, out);
  return dir;
}

/**
 * The local Appwrite on the project folder. With `cpuProfileDir`, Node writes a CPU profile of the
 * server there when it stops (bench/profile-like.ts reads it).
 */
function startServer(
  cwd: string,
  dataDir: string,
  cpuProfileDir?: string,
): Promise<{ child: ChildProcess; url: string }> {
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
      ...profile,
      join(root, 'emulator/main.ts'),
      '--port',
      '0',
      '--data',
      dataDir,
      '--no-abuse',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the local Appwrite did not start')), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = line.match(/ready at (http:\/\/\S+\/v1)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`the local Appwrite exited early with ${code}`)));
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Runs `streams` loops of `perStream` calls at once; returns p50/p99 (ms) and calls per second. */
async function timed(
  streams: number,
  perStream: number,
  call: (stream: number, i: number) => Promise<void>,
) {
  const times: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, stream) => {
      for (let i = 0; i < perStream; i++) {
        const t = performance.now();
        await call(stream, i);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    p50: round(quantile(times, 0.5)),
    p99: round(quantile(times, 0.99)),
    perSecond: round(times.length / seconds, 1),
  };
}

/** One sync execution of `posts`; throws unless it answered `expected`. */
export async function execute(
  session: Client,
  route: RouteKey,
  params: Record<string, string>,
  expected: number,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const { method, path } = routeRequest(route, params);
  const execution = await new Functions(session).createExecution({
    functionId: FunctionId.posts,
    body: body === undefined ? '' : JSON.stringify(body),
    async: false,
    xpath: path,
    method: method as ExecutionMethod,
    headers: { 'content-type': 'application/json' },
  });
  if (execution.responseStatusCode !== expected) {
    throw new Error(
      `${method} ${path} answered ${execution.responseStatusCode}: ${execution.responseBody}`,
    );
  }
  return execution.responseBody === '' ? {} : JSON.parse(execution.responseBody);
}

/** What a run of the posts figures works with: the key, one session per user, the bare-write baseline. */
export interface PostsBench {
  key: Client;
  tables: TablesDB;
  sessions: Client[];
  post: { title: string; body: string; tags: string[] };
  /** The baseline: a bare createRow with the session into a scratch table. */
  scratch(session: Client): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the local Appwrite on a project with only `posts` (its server CPU-profiled into
 * `cpuProfileDir` when given) and makes `users` members with a session each.
 */
export async function preparePosts(
  users = CONCURRENCY,
  cpuProfileDir?: string,
): Promise<PostsBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-posts-data-'));
  const project = await projectFolder();
  const { child, url } = await startServer(project, dataDir, cpuProfileDir);
  const stop = () =>
    new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }).then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    });
  try {
    const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const key = new Client()
      .setEndpoint(url)
      .setProject(credentials.projectId)
      .setKey(credentials.apiKey);
    const functions = new Functions(key);
    await functions.createVariable({
      functionId: FunctionId.posts,
      variableId: ID.unique(),
      key: 'AGORA_RATE_LIMITS',
      value: 'off',
      secret: false,
    });
    const tables = new TablesDB(key);
    const admin = new Users(key);
    await tables.createTable({
      databaseId: DATABASE_ID,
      tableId: SCRATCH,
      name: 'bench scratch',
      permissions: [Permission.create(Role.users())],
      rowSecurity: false,
    });
    await tables.createStringColumn({
      databaseId: DATABASE_ID,
      tableId: SCRATCH,
      key: 'title',
      size: 120,
      required: true,
    });
    await tables.createStringColumn({
      databaseId: DATABASE_ID,
      tableId: SCRATCH,
      key: 'body',
      size: 5000,
      required: true,
    });
    const sessions: Client[] = [];
    for (let i = 0; i < users; i++) {
      const userId = `bench-${i}`;
      // As the sign-up gate leaves a member: the `member` label, a verified email, a profile.
      await admin.create({ userId, email: `${userId}@bench.local` });
      await admin.updateLabels({ userId, labels: [MEMBER_LABEL] });
      await admin.updateEmailVerification({ userId, emailVerification: true });
      await tables.createRow({
        databaseId: DATABASE_ID,
        tableId: TableId.profiles,
        rowId: userId,
        data: { name: userId, postsCount: 0, commentsCount: 0, likesReceived: 0 },
      });
      const session = await admin.createSession({ userId });
      sessions.push(
        new Client().setEndpoint(url).setProject(credentials.projectId).setSession(session.secret),
      );
    }
    const post = { title: 'Bench post', body: 'Measured end to end.', tags: ['bench'] };

    const scratch = (session: Client) =>
      new TablesDB(session).createRow({
        databaseId: DATABASE_ID,
        tableId: SCRATCH,
        rowId: ID.unique(),
        data: { title: post.title, body: post.body },
      });

    return { key, tables, sessions, post, scratch, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function benchPosts(): Promise<Figure[]> {
  const { key, tables, sessions, post, scratch, stop } = await preparePosts(WIDE);
  const [first = key, second = key] = sessions;
  try {
    // Warm-up (discarded): the worker process, the JIT, SQLite's page cache.
    for (let i = 0; i < 20; i++) {
      await execute(first, Route.posts.create, {}, 201, post);
      await scratch(first);
    }

    const postIds: string[] = [];
    const baseline = await timed(1, SEQUENTIAL, async () => void (await scratch(first)));
    const create = await timed(1, SEQUENTIAL, async () => {
      postIds.push(String((await execute(first, Route.posts.create, {}, 201, post)).$id));
    });
    // The second user likes each new post once: every like creates its row and moves 3 counters.
    const like = await timed(1, SEQUENTIAL, async (_s, i) => {
      await execute(second, Route.posts.like, { postId: postIds[i] ?? '' }, 200);
    });

    const baselineConcurrent = await timed(
      CONCURRENCY,
      PER_STREAM,
      async (s) => void (await scratch(sessions[s] ?? first)),
    );
    const createConcurrent = await timed(CONCURRENCY, PER_STREAM, async (s) => {
      await execute(sessions[s] ?? first, Route.posts.create, {}, 201, post);
    });
    // Every user likes the same first posts at once: contention on one row's counter.
    const likeConcurrent = await timed(CONCURRENCY, PER_STREAM, async (s, i) => {
      await execute(sessions[s] ?? first, Route.posts.like, { postId: postIds[i] ?? '' }, 200);
    });

    // The same three at 50 users at once (the first ten are the users above).
    const baselineWide = await timed(
      WIDE,
      PER_STREAM,
      async (s) => void (await scratch(sessions[s] ?? first)),
    );
    const createWide = await timed(WIDE, PER_STREAM, async (s) => {
      await execute(sessions[s] ?? first, Route.posts.create, {}, 201, post);
    });
    // Posts the 10-user run did not like: every like but the second user's writes.
    const likeWide = await timed(WIDE, PER_STREAM, async (s, i) => {
      const postId = postIds[PER_STREAM + i] ?? '';
      await execute(sessions[s] ?? first, Route.posts.like, { postId }, 200);
    });

    // The counters are exact after all of it.
    const stats = (await tables.getRow({
      databaseId: DATABASE_ID,
      tableId: TableId.stats,
      rowId: STATS_ROW_ID,
    })) as unknown as Record<string, number>;
    const likes = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.likes,
      queries: [],
    });
    if (stats.likes !== likes.total)
      throw new Error(`stats.likes ${stats.likes} ≠ ${likes.total} like rows`);

    // Issue 17's goals: sequential p50 within 3× the bare write; concurrent throughput at least half of it.
    const figures = (
      label: string,
      run: { p50: number; p99: number; perSecond: number },
      base: { p50: number; p99: number; perSecond: number },
      concurrent: boolean,
    ): Figure[] => [
      {
        name: `${label}: p50`,
        value: run.p50,
        unit: 'ms',
        baseline: base.p50,
        ...(concurrent ? {} : { goal: '≤ 3× baseline', met: run.p50 <= 3 * base.p50 }),
      },
      { name: `${label}: p99`, value: run.p99, unit: 'ms', baseline: base.p99 },
      {
        name: `${label}: throughput`,
        value: run.perSecond,
        unit: '/s',
        baseline: base.perSecond,
        ...(concurrent
          ? { goal: '≥ 0.5× baseline', met: run.perSecond >= 0.5 * base.perSecond }
          : {}),
      },
    ];
    return [
      ...figures(
        `create post, ${SEQUENTIAL} sequential (SDK → execution → row → 2 counters)`,
        create,
        baseline,
        false,
      ),
      ...figures(
        `like, ${SEQUENTIAL} sequential (SDK → execution → one transaction: like row + 3 counters)`,
        like,
        baseline,
        false,
      ),
      ...figures(
        `create post, ${CONCURRENCY} users at once × ${PER_STREAM}`,
        createConcurrent,
        baselineConcurrent,
        true,
      ),
      ...figures(
        `like, ${CONCURRENCY} users at once on the same posts × ${PER_STREAM}`,
        likeConcurrent,
        baselineConcurrent,
        true,
      ),
      ...figures(
        `create post, ${WIDE} users at once × ${PER_STREAM}`,
        createWide,
        baselineWide,
        true,
      ),
      ...figures(
        `like, ${WIDE} users at once on the same posts × ${PER_STREAM}`,
        likeWide,
        baselineWide,
        true,
      ),
    ];
  } finally {
    await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { report } = await import('./lib/report.ts');
  report('Agora functions: posts end to end (issue 6)', await benchPosts());
}
