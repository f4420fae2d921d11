/**
 * The client figures of issue 16, each beside a baseline measured in the same run:
 * - a feed page of 25 long Markdown posts (about 3,000 characters each, a card rendering its first
 *   700) mounted in Chromium, formatted, beside the same posts shown as plain text (the
 *   `PLAIN_BODIES` context) — medians of interleaved rounds, every round's bodies new so the
 *   renderer's token cache never answers (goal ≤ 1.5×). The page is client/src/bench/feed-render.ts,
 *   built on its own with the app's Svelte plugin;
 * - "Top, this week" at 100,000 posts (about 1,400 of them in the last seven days, likes spread
 *   0–500): listRows as a guest with the feed's own queries (shared/queries.ts), p50 of sequential
 *   reads, beside "New" (index `feed`) and "Top, all time" (index `top`) in the same run;
 * - the first visit to the feed, JS + CSS gzip (goal ≤ 100 KB), from a production build.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { Client, TablesDB } from 'node-appwrite';
import { build } from 'vite';
import { launchChromium } from '#lib/chromium.ts';
import { FIRST_VISIT_BUDGET, measureClientBundle } from '#lib/client-bundle.ts';
import { ROOT } from '#lib/stack.ts';
import { buildApp } from '../emulator/app.ts';
import { applyProjectConfig } from '../emulator/core/tablesdb/config.ts';
import { findProjectFile } from '../emulator/project-file.ts';
import { DATABASE_ID, TableId } from '../shared/ids.ts';
import { type FeedSort, feedQueries } from '../shared/queries.ts';
import { round } from './lib/load.ts';
import type { Figure } from './lib/report.ts';

const ROUNDS = 30;
const WARMUP = 5;
const POSTS = 100_000;
/** Posts spread evenly over this many days back: 100k over 500 days ≈ 1,400 this week. */
const SPREAD_DAYS = 500;
const READS = 60;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Builds the render page as one script and one stylesheet (no server: Chromium gets them inline). */
async function buildRenderPage(outDir: string): Promise<{ js: string; css: string }> {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    mode: 'production',
    plugins: [svelte()],
    // The page has no origin (setContent); the SDK's client is made but never called.
    define: { 'import.meta.env.VITE_APPWRITE_ENDPOINT': JSON.stringify('http://127.0.0.1:9/v1') },
    build: {
      outDir,
      emptyOutDir: true,
      lib: {
        entry: join(ROOT, 'client/src/bench/feed-render.ts'),
        formats: ['iife'],
        name: 'FeedRender',
        fileName: () => 'feed-render.js',
      },
    },
  });
  const files = readdirSync(outDir);
  const read = (ext: string) =>
    files
      .filter((file) => file.endsWith(ext))
      .map((file) => readFileSync(join(outDir, file), 'utf8'))
      .join('\n');
  return { js: read('.js'), css: read('.css') };
}

async function renderFigures(): Promise<Figure[]> {
  const out = mkdtempSync(join(tmpdir(), 'agora-bench-render-'));
  const chromium = await launchChromium();
  try {
    const { js, css } = await buildRenderPage(out);
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent('<!doctype html><html lang="en"><head></head><body></body></html>');
    await page.addStyleTag({ content: css });
    await page.addScriptTag({ content: js });
    if (errors.length > 0) throw new Error(`the render page failed: ${errors.join('; ')}`);
    const times = { markdown: [] as number[], plain: [] as number[] };
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      // Interleaved, each kind first on alternate rounds.
      const order =
        i % 2 === 0 ? (['plain', 'markdown'] as const) : (['markdown', 'plain'] as const);
      for (const kind of order) {
        const ms = (await page.evaluate(`window.feedRender(${kind === 'plain'}, ${i})`)) as number;
        if (i >= WARMUP) times[kind].push(ms);
      }
    }
    // What each kind drew: formatted links only in the Markdown page.
    const links = async (plain: boolean) =>
      (await page.evaluate(
        `window.feedRender(${plain}, -1, true), document.querySelectorAll('main a[rel="nofollow ugc noopener"]').length`,
      )) as number;
    if ((await links(false)) === 0 || (await links(true)) !== 0) {
      throw new Error('the render page did not draw Markdown vs plain text as expected');
    }
    const markdown = median(times.markdown);
    const plain = median(times.plain);
    const ratio = round(markdown / plain);
    return [
      {
        name: 'feed page, 25 long Markdown posts: render (mount → layout), p50',
        value: round(markdown),
        unit: 'ms',
        baseline: round(plain),
      },
      {
        name: 'Markdown / plain text render time',
        value: ratio,
        unit: '×',
        goal: '≤ 1.5',
        met: ratio <= 1.5,
      },
    ];
  } finally {
    await chromium.close();
    rmSync(out, { recursive: true, force: true });
  }
}

async function sortFigures(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-sorts-'));
  const app = await buildApp({ projectId: 'bench', dataDir, abuse: false });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
    const file = findProjectFile(ROOT);
    if (!file) throw new Error('appwrite.json not found');
    applyProjectConfig(app.emulator.tablesdb.schema, file);
    const key = app.emulator.identity.keys.createFullScope().secret;
    const admin = new TablesDB(new Client().setEndpoint(endpoint).setProject('bench').setKey(key));

    const now = Date.now();
    const dayMs = 24 * 3600 * 1000;
    const BATCH = 100; // createRows takes at most 100
    for (let start = 0; start < POSTS; start += BATCH) {
      const rows = Array.from({ length: BATCH }, (_, k) => {
        const i = start + k;
        // Oldest first, so the sequence follows $createdAt as in life.
        const createdAt = new Date(now - ((POSTS - i) / POSTS) * SPREAD_DAYS * dayMs).toISOString();
        return {
          $id: `p${i}`,
          $permissions: ['read("any")'],
          $createdAt: createdAt,
          $updatedAt: createdAt,
          authorId: `u${i % 997}`,
          title: `Post ${i}`,
          body: `Body of post ${i}.`,
          tags: [`t${i % 50}`],
          likesCount: (i * 7919) % 501,
          commentsCount: i % 13,
        };
      });
      await admin.createRows({ databaseId: DATABASE_ID, tableId: TableId.posts, rows });
    }

    // As the browser reads: a guest (posts are read("any")), the feed's own queries.
    const read = async (sort: FeedSort) => {
      const url = new URL(`${endpoint}/tablesdb/${DATABASE_ID}/tables/${TableId.posts}/rows`);
      for (const [i, query] of feedQueries(undefined, undefined, { sort }).entries()) {
        url.searchParams.set(`queries[${i}]`, query);
      }
      url.searchParams.set('total', 'false');
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < READS; i++) {
        const start = performance.now();
        const response = await fetch(url, { headers: { 'x-appwrite-project': 'bench' } });
        const body = (await response.json()) as { rows?: unknown[] };
        times.push(performance.now() - start);
        if (!response.ok) throw new Error(`listRows ${sort}: ${response.status}`);
        count = body.rows?.length ?? 0;
      }
      return { p50: round(median(times)), count };
    };
    const week = await read('week');
    const top = await read('top');
    const fresh = await read('new');
    if (week.count === 0) throw new Error('the week sort found nothing');
    return [
      {
        name: `"Top, this week" at ${POSTS.toLocaleString('en-US')} posts, listRows p50 (baseline: "New")`,
        value: week.p50,
        unit: 'ms',
        baseline: fresh.p50,
      },
      {
        name: '"Top, all time" (index top), p50 (baseline: "New")',
        value: top.p50,
        unit: 'ms',
        baseline: fresh.p50,
      },
    ];
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function sizeFigures(): Promise<Figure[]> {
  const out = mkdtempSync(join(tmpdir(), 'agora-bench-size-'));
  try {
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'silent',
      mode: 'production',
      build: { outDir: out, emptyOutDir: true },
    });
    const { firstVisit, all } = measureClientBundle(out);
    const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
    return [
      {
        name: 'first visit to the feed, JS + CSS gzip (baseline: all chunks)',
        value: kb(firstVisit.total),
        unit: 'KB',
        baseline: kb(all.total),
        goal: `≤ ${kb(FIRST_VISIT_BUDGET)} KB`,
        met: firstVisit.total <= FIRST_VISIT_BUDGET,
      },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function benchClientFeed(): Promise<Figure[]> {
  const only = process.env.BENCH_ONLY;
  if (only === 'render') return renderFigures();
  if (only === 'sorts') return sortFigures();
  return [...(await sizeFigures()), ...(await renderFigures()), ...(await sortFigures())];
}
