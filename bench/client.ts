/**
 * The figures of issue 7 (the Svelte client), measured on the production build:
 * - JS + CSS, gzipped, of the whole build (goal ≤ 100 KB), split by chunk: the build gives Svelte,
 *   the appwrite SDK and zod chunks of their own (vite.config.ts), the rest is the app; beside it,
 *   what a first visit to the feed loads (index.html's entry, its static imports and CSS);
 * - page load to the first post of the feed in Chromium, from the production build served by
 *   `vite preview` (`/v1` proxied to the local Appwrite of an `npm start` stack), median of 10 cold
 *   loads, with the app shell's time and the time spent in `/v1` requests before it; baseline: the
 *   navigation's own `responseEnd` (the HTML is in);
 * - a post published in one browser context (the Publish click) → its card in another context's
 *   feed (a MutationObserver notes the time), p50 over 20 (rate limits off for the bench stack);
 *   baseline: the author's own screen showing it (the function's answer, then the app navigates
 *   to the post's page and reads it: no Realtime).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, Functions, ID } from 'node-appwrite';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '#lib/chromium.ts';
import { ROOT, type ServedClient, type Stack, serveClient, startStack } from '#lib/stack.ts';
import type { Figure } from './lib/report.ts';

const LOADS = 10;
const LIVE_TRIES = 20;

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
const median = (values: number[]) => quantile(values, 0.5);
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Which part of the bundle a built file is, from the chunk names vite.config.ts gives. */
function partOf(file: string): 'svelte' | 'appwrite' | 'zod' | 'app' {
  const name = file.split('/').pop() ?? '';
  if (name.startsWith('svelte-')) return 'svelte';
  if (name.startsWith('appwrite-')) return 'appwrite';
  if (name.startsWith('zod-')) return 'zod';
  return 'app';
}

interface Manifest {
  [source: string]: { file: string; css?: string[]; imports?: string[]; isEntry?: boolean };
}

/** Files a first visit loads: the entry, its static imports (transitively) and their CSS. */
function initialFiles(manifest: Manifest): Set<string> {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return files;
}

async function buildSizes(outDir: string): Promise<Figure[]> {
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    mode: 'production',
    build: { outDir, emptyOutDir: true, manifest: true },
  });
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8'));
  const initial = initialFiles(manifest);
  const parts = { svelte: 0, appwrite: 0, zod: 0, app: 0 };
  let total = 0;
  let first = 0;
  for (const file of readdirSync(join(outDir, 'assets'))) {
    if (!/\.(js|css)$/.test(file)) continue;
    const gzip = gzipSync(readFileSync(join(outDir, 'assets', file)), { level: 9 }).length;
    parts[partOf(file)] += gzip;
    total += gzip;
    if (initial.has(`assets/${file}`)) first += gzip;
  }
  return [
    {
      name: 'production build, JS + CSS gzip, all chunks',
      value: kb(total),
      unit: 'KB',
      goal: '≤ 100 KB',
      met: total <= 100 * 1024,
    },
    { name: '  of which Svelte runtime', value: kb(parts.svelte), unit: 'KB' },
    { name: '  of which appwrite SDK', value: kb(parts.appwrite), unit: 'KB' },
    { name: '  of which zod (mini)', value: kb(parts.zod), unit: 'KB' },
    { name: '  of which app code + CSS', value: kb(parts.app), unit: 'KB' },
    { name: 'first visit to the feed loads (gzip)', value: kb(first), unit: 'KB' },
  ];
}

/** Notes, in the page, when an <article> first appears in <main> and when one with a title does. */
const OBSERVER = `
  window.__agora = { shell: 0, firstPost: 0, seen: {} };
  new MutationObserver(() => {
    if (!window.__agora.shell && document.querySelector('main h1')) {
      window.__agora.shell = performance.now();
    }
    const articles = document.querySelectorAll('main article');
    if (!articles.length) return;
    const now = Date.now();
    if (!window.__agora.firstPost) window.__agora.firstPost = performance.now();
    for (const article of articles) {
      const title = article.querySelector('h2, h3')?.textContent?.trim();
      if (title && !window.__agora.seen[title]) window.__agora.seen[title] = now;
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function pageLoads(browser: Browser, appUrl: string): Promise<Figure[]> {
  const firstPost: number[] = [];
  const shell: number[] = [];
  const responseEnd: number[] = [];
  const api: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    // A fresh context each time: a cold cache, as a first visit.
    const context = await browser.newContext();
    await context.addInitScript(OBSERVER);
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.waitForFunction('window.__agora.firstPost > 0', undefined, { timeout: 30_000 });
    const timing = (await page.evaluate(`({
      firstPost: window.__agora.firstPost,
      shell: window.__agora.shell,
      responseEnd: performance.getEntriesByType('navigation')[0].responseEnd,
      api: performance.getEntriesByType('resource')
        .filter((r) => r.name.includes('/v1/') && r.responseEnd <= window.__agora.firstPost)
        .reduce((sum, r) => sum + r.duration, 0),
    })`)) as { firstPost: number; shell: number; responseEnd: number; api: number };
    firstPost.push(timing.firstPost);
    shell.push(timing.shell);
    responseEnd.push(timing.responseEnd);
    api.push(timing.api);
    await context.close();
  }
  return [
    {
      name: `page load → first post in the feed, median of ${LOADS} cold loads`,
      value: Math.round(median(firstPost)),
      unit: 'ms',
      baseline: Math.round(median(responseEnd)),
    },
    {
      name: '  page load → the app shell (the feed heading), median',
      value: Math.round(median(shell)),
      unit: 'ms',
    },
    {
      name: '  time in /v1 requests before the first post (summed), median',
      value: Math.round(median(api)),
      unit: 'ms',
    },
  ];
}

async function signIn(page: Page, appUrl: string, email: string, password: string) {
  await page.goto(`${appUrl}#/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
  await page.waitForURL((url) => !url.hash.startsWith('#/signin'), { timeout: 30_000 });
}

async function postToFeed(browser: Browser, appUrl: string): Promise<Figure[]> {
  const author = await (await browser.newContext()).newPage();
  const reader = await (await browser.newContext()).newPage();
  await reader.context().addInitScript(OBSERVER);
  await signIn(author, appUrl, 'ada@example.com', 'Agora-demo-1');
  await signIn(reader, appUrl, 'grace@example.com', 'Agora-demo-1');
  await reader.goto(`${appUrl}#/`);
  await reader.waitForFunction('window.__agora.firstPost > 0', undefined, { timeout: 30_000 });

  const live: number[] = [];
  const own: number[] = [];
  for (let i = 0; i < LIVE_TRIES; i++) {
    const title = `Bench post ${i} ${Date.now().toString(36)}`;
    await author.goto(`${appUrl}#/new`);
    await author.getByLabel('Title').fill(title);
    await author.getByLabel('Body').fill('Measuring how fast a post reaches other people.');
    // Click in the page's own turn, so the start time is the click's.
    const started = (await author.evaluate(`(() => {
      const publish = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Publish');
      const at = Date.now();
      publish.click();
      return at;
    })()`)) as number;
    await author.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });
    own.push(Date.now() - started);
    await reader.waitForFunction(
      `Boolean(window.__agora.seen[${JSON.stringify(title)}])`,
      undefined,
      {
        timeout: 30_000,
      },
    );
    live.push(
      ((await reader.evaluate(`window.__agora.seen[${JSON.stringify(title)}]`)) as number) -
        started,
    );
  }
  await author.context().close();
  await reader.context().close();
  return [
    {
      name: `post published → visible in another context, p50 of ${LIVE_TRIES}`,
      value: Math.round(median(live)),
      unit: 'ms',
      baseline: Math.round(median(own)),
    },
    {
      name: `post published → visible in another context, p90 of ${LIVE_TRIES}`,
      value: Math.round(quantile(live, 0.9)),
      unit: 'ms',
    },
  ];
}

/** 20 posts in a row would meet the posts limit (10 a minute): the bench measures latency, not it. */
async function rateLimitsOff(stack: Stack) {
  const client = new Client()
    .setEndpoint(stack.endpoint)
    .setProject('agora')
    .setKey(stack.apiKey());
  await new Functions(client).createVariable({
    functionId: 'posts',
    variableId: ID.unique(),
    key: 'AGORA_RATE_LIMITS',
    value: 'off',
  });
}

export async function benchClient(): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'agora-bench-client-'));
  const outDir = join(work, 'dist');
  const figures = await buildSizes(outDir);

  const stack = await startStack();
  const chromium = await launchChromium();
  let served: ServedClient | undefined;
  try {
    await rateLimitsOff(stack);
    served = await serveClient(stack, outDir);
    figures.push(...(await pageLoads(chromium.browser, served.url)));
    figures.push(...(await postToFeed(chromium.browser, served.url)));
  } finally {
    await served?.close();
    await chromium.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
