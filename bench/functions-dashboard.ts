/**
 * The dashboard figure of issue 6: `GET /` of the `stats` function end to end (node-appwrite
 * `createExecution` → the local Appwrite → the function's three reads → the answer) at 1,000 and at
 * 100,000 posts, p50 of each and their ratio (goal ≤ 1.5: the dashboard reads counters, so its cost
 * must not grow with the board). The 1,000-post run is the baseline of the same run.
 *
 * Each local Appwrite runs in its own process with Agora's tables (appwrite.json's `tables`, applied
 * at start); the posts are created in bulk with the key (`createRows`), not through the `posts`
 * function — only their count matters here, and 100,000 executions would take minutes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, ExecutionMethod, Functions, TablesDB } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import * as tar from 'tar';
import { buildFunction } from '../scripts/build-functions.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '../shared/ids.ts';
import { activityRowId, lastUtcDays } from '../shared/schemas/activity.ts';
import { round } from './lib/load.ts';
import type { Figure } from './lib/report.ts';

const root = new URL('../', import.meta.url).pathname;
const RUNS = 200;
const BATCH = 100; // createRows takes at most 100 rows (Appwrite's bulk limit)
const SMALL = 1_000;
const LARGE = 100_000;

/** The local Appwrite in its own process, started in a folder whose appwrite.json has Agora's tables. */
async function startWithAgoraTables(): Promise<{
  endpoint: string;
  projectId: string;
  apiKey: string;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'agora-bench-dashboard-'));
  const project = JSON.parse(readFileSync(join(root, 'appwrite.json'), 'utf8'));
  const tablesOnly = { projectId: 'bench', tablesDB: project.tablesDB, tables: project.tables };
  writeFileSync(join(dir, 'appwrite.json'), JSON.stringify(tablesOnly));
  const child: ChildProcess = spawn(
    join(root, 'node_modules/.bin/tsx'),
    [join(root, 'emulator/main.ts'), '--port', '0', '--data', join(dir, 'data'), '--no-abuse'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => reject(new Error('the local Appwrite did not start')), 30_000);
    lines.on('line', (line) => {
      const match = line.match(/ready at (http:\/\/\S+\/v1)/);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the local Appwrite exited with ${code}`)));
  });
  const credentials = JSON.parse(readFileSync(join(dir, 'data', 'credentials.json'), 'utf8'));
  return {
    endpoint,
    projectId: credentials.projectId,
    apiKey: credentials.apiKey,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Builds functions/stats and deploys it as appwrite.json configures it (execute any, rows.read). */
async function deployStats(functions: Functions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agora-bench-stats-'));
  try {
    await buildFunction('stats', dir);
    const archive = join(dir, 'code.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: dir }, ['main.js', 'package.json']);
    await functions.create({
      functionId: 'stats',
      name: 'Stats',
      runtime: 'node-22' as never,
      execute: ['any'],
      scopes: ['rows.read'] as never,
      entrypoint: 'main.js',
    });
    await functions.createDeployment({
      functionId: 'stats',
      code: InputFile.fromBuffer(await readFile(archive), 'code.tar.gz'),
      activate: true,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds posts `from`…`to - 1` in bulk, with likes spread so the top index has work to do. */
async function addPosts(tables: TablesDB, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(to, start + BATCH); i++) {
      rows.push({
        $id: `post-${i}`,
        authorId: `author-${i % 500}`,
        title: `Post number ${i}`,
        body: 'A post made in bulk for the dashboard benchmark.',
        tags: ['bench'],
        likesCount: (i * 7919) % 1000,
        commentsCount: i % 13,
      });
    }
    await tables.createRows({ databaseId: DATABASE_ID, tableId: TableId.posts, rows });
  }
  await tables.upsertRow({
    databaseId: DATABASE_ID,
    tableId: TableId.stats,
    rowId: STATS_ROW_ID,
    data: { users: 500, posts: to, comments: to * 6, likes: to * 500 },
  });
}

/** One dashboard execution as a guest; its latency in ms. */
async function dashboardOnce(functions: Functions): Promise<number> {
  const started = performance.now();
  const execution = await functions.createExecution({
    functionId: 'stats',
    xpath: '/',
    method: ExecutionMethod.GET,
    async: false,
  });
  if (execution.responseStatusCode !== 200) {
    throw new Error(`stats answered ${execution.responseStatusCode}: ${execution.responseBody}`);
  }
  return performance.now() - started;
}

const median = (values: number[]) =>
  round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);

/** A local Appwrite with the stats function, the activity rows and `posts` posts. */
async function boardOf(posts: number) {
  const server = await startWithAgoraTables();
  const key = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  const tables = new TablesDB(key);
  await deployStats(new Functions(key));
  for (const day of lastUtcDays(new Date(), 14)) {
    await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.activity,
      rowId: activityRowId(day),
      data: { users: 3, posts: 70, comments: 400, likes: 3500 },
    });
  }
  await addPosts(tables, 0, posts);
  // Executed as a guest, as the dashboard is: no key, no session.
  const guest = new Functions(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId),
  );
  return { server, guest };
}

/**
 * Two local Appwrites, one with 1,000 posts and one with 100,000, measured in alternation so both
 * see the same background load (the machine is shared; timing them one after the other let that
 * noise decide the ratio).
 */
export async function benchDashboard(): Promise<Figure[]> {
  const small = await boardOf(SMALL);
  try {
    const large = await boardOf(LARGE);
    try {
      for (let i = 0; i < RUNS / 10; i++) {
        await dashboardOnce(small.guest);
        await dashboardOnce(large.guest);
      }
      const times = { small: [] as number[], large: [] as number[] };
      for (let i = 0; i < RUNS; i++) {
        times.small.push(await dashboardOnce(small.guest));
        times.large.push(await dashboardOnce(large.guest));
      }
      const p50 = { small: median(times.small), large: median(times.large) };
      const ratio = round(p50.large / p50.small);
      return [
        {
          name: `dashboard stats p50 at ${SMALL.toLocaleString('en')} posts`,
          value: p50.small,
          unit: 'ms',
        },
        {
          name: `dashboard stats p50 at ${LARGE.toLocaleString('en')} posts`,
          value: p50.large,
          unit: 'ms',
          baseline: p50.small,
        },
        {
          name: `dashboard latency ratio ${LARGE / 1000}k / ${SMALL / 1000}k posts`,
          value: ratio,
          unit: '×',
          goal: '≤ 1.5',
          met: ratio <= 1.5,
        },
      ];
    } finally {
      await large.server.stop();
    }
  } finally {
    await small.server.stop();
  }
}
