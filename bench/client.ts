/**
 * The figures of issues 7 and 13 (the Svelte client on the appwrite web SDK 28), measured on the
 * production build — built twice in one run: as the app is (SDK 28.0.0), and the same page with
 * `appwrite` aliased to `appwrite26` (26.2.0), the baseline of each figure:
 * - JS + CSS, gzipped (lib/client-bundle.ts): what a first visit to the feed downloads (goal
 *   ≤ 100 KB) and all chunks (reported), each split Svelte / SDK / zod / app by the chunk names
 *   vite.config.ts gives;
 * - page load to the first post of the feed in Chromium, from each build served by `vite preview`
 *   (`/v1` proxied to the local Appwrite of one `npm start` stack), median of 10 cold loads each,
 *   the two builds' loads interleaved; with the app shell's time, the time spent in `/v1` requests
 *   before it, and the navigation's own `responseEnd` (the HTML is in);
 * - a post published in one browser context (the Publish click) → its card in another context's
 *   feed (a MutationObserver notes the time), p50 over 20 (rate limits off for the bench stack), on
 *   the SDK-28 build; baseline: the author's own screen showing it (the function's answer, then the
 *   app navigates to the post's page and reads it: no Realtime).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Functions, ID } from 'node-appwrite';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '#lib/chromium.ts';
import {
  type BundleSize,
  type ClientBundle,
  FIRST_VISIT_BUDGET,
  measureClientBundle,
} from '#lib/client-bundle.ts';
import { ROOT, type ServedClient, type Stack, serveClient, startStack } from '#lib/stack.ts';
import type { Figure } from './lib/report.ts';

const LOADS = 10;
const LIVE_TRIES = 20;

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
export const median = (values: number[]) => quantile(values, 0.5);
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Builds the page into `outDir`; `sdk26` swaps the app's SDK for 26.2.0 (the `appwrite26` alias). */
async function buildPage(outDir: string, sdk26: boolean): Promise<ClientBundle> {
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    mode: 'production',
    resolve: { alias: sdk26 ? [{ find: /^appwrite$/, replacement: 'appwrite26' }] : [] },
    build: { outDir, emptyOutDir: true },
  });
  return measureClientBundle(outDir);
}

/** One size with its split; the baseline is the SDK-26.2.0 build's. */
function sizeFigures(
  name: string,
  size: BundleSize,
  baseline: BundleSize,
  goal?: { budget: number },
): Figure[] {
  const part = (label: string, key: keyof BundleSize['parts']): Figure => ({
    name: `  of which ${label}`,
    value: kb(size.parts[key]),
    unit: 'KB',
    baseline: kb(baseline.parts[key]),
  });
  return [
    {
      name,
      value: kb(size.total),
      unit: 'KB',
      baseline: kb(baseline.total),
      ...(goal ? { goal: `≤ ${kb(goal.budget)} KB`, met: size.total <= goal.budget } : {}),
    },
    part('Svelte runtime', 'svelte'),
    part('appwrite SDK', 'appwrite'),
    part('zod (mini)', 'zod'),
    part('app code + CSS', 'app'),
  ];
}

function bundleFigures(sdk28: ClientBundle, sdk26: ClientBundle): Figure[] {
  return [
    ...sizeFigures(
      'first visit to the feed, JS + CSS gzip (SDK 28; baseline 26.2.0)',
      sdk28.firstVisit,
      sdk26.firstVisit,
      {
        budget: FIRST_VISIT_BUDGET,
      },
    ),
    ...sizeFigures('all chunks, JS + CSS gzip (SDK 28; baseline 26.2.0)', sdk28.all, sdk26.all),
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

interface LoadTiming {
  firstPost: number;
  shell: number;
  responseEnd: number;
  api: number;
}

/** One cold load (a fresh context: an empty cache, as a first visit) until the first post shows. */
export async function coldLoad(browser: Browser, appUrl: string): Promise<LoadTiming> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(OBSERVER);
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.waitForFunction('window.__agora.firstPost > 0', undefined, { timeout: 30_000 });
    return (await page.evaluate(`({
      firstPost: window.__agora.firstPost,
      shell: window.__agora.shell,
      responseEnd: performance.getEntriesByType('navigation')[0].responseEnd,
      api: performance.getEntriesByType('resource')
        .filter((r) => r.name.includes('/v1/') && r.responseEnd <= window.__agora.firstPost)
        .reduce((sum, r) => sum + r.duration, 0),
    })`)) as LoadTiming;
  } finally {
    await context.close();
  }
}

/**
 * LOADS cold loads of each build, interleaved (28, 26, 26, 28, …) so that neither gets the quieter
 * moments of the run; medians, the SDK-26.2.0 build's as the baseline.
 */
async function pageLoads(browser: Browser, sdk28Url: string, sdk26Url: string): Promise<Figure[]> {
  const sdk28: LoadTiming[] = [];
  const sdk26: LoadTiming[] = [];
  for (let i = 0; i < LOADS; i++) {
    const pair = [
      { url: sdk28Url, into: sdk28 },
      { url: sdk26Url, into: sdk26 },
    ];
    if (i % 2 === 1) pair.reverse();
    for (const { url, into } of pair) into.push(await coldLoad(browser, url));
  }
  const at = (loads: LoadTiming[], key: keyof LoadTiming) =>
    Math.round(median(loads.map((load) => load[key])));
  const firstPost = at(sdk28, 'firstPost');
  const baseline = at(sdk26, 'firstPost');
  return [
    {
      name: `page load → first post in the feed, median of ${LOADS} cold loads (SDK 28; baseline 26.2.0)`,
      value: firstPost,
      unit: 'ms',
      baseline,
      goal: 'no slower',
      met: firstPost <= baseline,
    },
    {
      name: '  page load → the app shell (the feed heading), median',
      value: at(sdk28, 'shell'),
      unit: 'ms',
      baseline: at(sdk26, 'shell'),
    },
    {
      name: '  time in /v1 requests before the first post (summed), median',
      value: at(sdk28, 'api'),
      unit: 'ms',
      baseline: at(sdk26, 'api'),
    },
    {
      name: '  navigation responseEnd (the HTML is in), median',
      value: at(sdk28, 'responseEnd'),
      unit: 'ms',
      baseline: at(sdk26, 'responseEnd'),
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
  const sdk28Dir = join(work, 'sdk28');
  const sdk26Dir = join(work, 'sdk26');
  const figures = bundleFigures(await buildPage(sdk28Dir, false), await buildPage(sdk26Dir, true));

  const stack = await startStack();
  const chromium = await launchChromium();
  const served: ServedClient[] = [];
  try {
    await rateLimitsOff(stack);
    const sdk28 = await serveClient(stack, sdk28Dir);
    served.push(sdk28);
    const sdk26 = await serveClient(stack, sdk26Dir);
    served.push(sdk26);
    figures.push(...(await pageLoads(chromium.browser, sdk28.url, sdk26.url)));
    figures.push(...(await postToFeed(chromium.browser, sdk28.url)));
  } finally {
    for (const server of served) await server.close();
    await chromium.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
