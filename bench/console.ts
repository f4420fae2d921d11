/**
 * The figures of issue 18 (the local console, emulator/console/), on one `npm start` stack:
 * - the console's first render — a cold browser context (empty cache) with the console cookie, from
 *   navigation to the Overview's counts on screen — median of 10; baseline: Agora's own first render
 *   (its production build under `vite preview`, navigation to the first post of the feed), median
 *   of 10, the two interleaved;
 * - a page of the rows grid over a table of 100k rows through the console — "Next page" clicked,
 *   until the grid shows the new page, timed in the page — p50 over 60 pages; baseline: the bare
 *   `listRows` of the same pages (limit 25, cursorAfter), fetched from the same page with the same
 *   headers, no rendering, p50. Goal ≤ 1.5×. Also reported: the same listRows from Node with the
 *   API key (no browser at all).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, TablesDB } from 'node-appwrite';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '#lib/chromium.ts';
import { buildClient, serveClient, startStack } from '#lib/stack.ts';
import type { Figure } from './lib/report.ts';

const LOADS = 10;
const PAGES = 60;
const ROWS = 100_000;

const round = (ms: number) => Math.round(ms * 10) / 10;
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

interface Credentials {
  endpoint: string;
  projectId: string;
  apiKey: string;
  consoleEmail: string;
  consolePassword: string;
}

/** The console session cookie's value, signed in as the console does. */
async function consoleCookie(origin: string, credentials: Credentials): Promise<string> {
  const response = await fetch(`${origin}/v1/account/sessions/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-appwrite-project': 'console' },
    body: JSON.stringify({
      email: credentials.consoleEmail,
      password: credentials.consolePassword,
    }),
  });
  const line = response.headers.getSetCookie().find((c) => c.startsWith('a_session_console='));
  if (!line) throw new Error(`console sign-in failed: ${response.status}`);
  return decodeURIComponent(line.split(';')[0]?.split('=')[1] ?? '');
}

async function consoleContext(browser: Browser, origin: string, cookie: string) {
  // Playwright's waits evaluate strings, which the console's CSP (no eval) would refuse.
  const context = await browser.newContext({ bypassCSP: true });
  await context.addCookies([
    { name: 'a_session_console', value: cookie, url: origin, httpOnly: true, sameSite: 'Lax' },
  ]);
  return context;
}

/** Milliseconds from navigation until `selector` is in the page (a cold context each time). */
async function coldRender(context: BrowserContext, url: string, selector: string) {
  try {
    await context.addInitScript(`
      window.__rendered = 0;
      new MutationObserver(() => {
        if (!window.__rendered && document.querySelector(${JSON.stringify(selector)})) {
          window.__rendered = performance.now();
        }
      }).observe(document, { childList: true, subtree: true });
    `);
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction('window.__rendered > 0', undefined, { timeout: 30_000 });
    return (await page.evaluate('window.__rendered')) as number;
  } finally {
    await context.close();
  }
}

async function makeBigTable(tables: TablesDB) {
  await tables.create({ databaseId: 'consolebench', name: 'Console bench' });
  const table = { databaseId: 'consolebench', tableId: 'items' };
  await tables.createTable({ ...table, name: 'Items' });
  await tables.createStringColumn({ ...table, key: 'title', size: 100, required: true });
  await tables.createIntegerColumn({ ...table, key: 'n', required: true });
  // Appwrite takes at most 100 rows a request; in order, so the ids follow the insertion order.
  for (let start = 0; start < ROWS; start += 100) {
    const rows = [];
    for (let i = start; i < start + 100; i++) {
      rows.push({ $id: `row${String(i).padStart(6, '0')}`, title: `Item ${i}`, n: i });
    }
    await tables.createRows({ ...table, rows });
  }
}

export async function benchConsole(): Promise<Figure[]> {
  const chromium = await launchChromium();
  const work = mkdtempSync(join(tmpdir(), 'agora-bench-console-'));
  const [stack] = await Promise.all([startStack(), buildClient(work)]);
  const client = await serveClient(stack, work);
  try {
    const credentials = JSON.parse(
      readFileSync(join(stack.dataDir, 'credentials.json'), 'utf8'),
    ) as Credentials;
    const origin = new URL(credentials.endpoint).origin;
    const cookie = await consoleCookie(origin, credentials);
    const browser = chromium.browser;

    // First render, interleaved: console, Agora, Agora, console, …
    const consoleTimes: number[] = [];
    const agoraTimes: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const order = i % 2 === 0 ? ['console', 'agora'] : ['agora', 'console'];
      for (const which of order) {
        if (which === 'console') {
          const context = await consoleContext(browser, origin, cookie);
          consoleTimes.push(await coldRender(context, `${origin}/console#/`, 'ul.counts li'));
        } else {
          agoraTimes.push(await coldRender(await browser.newContext(), client.url, 'main article'));
        }
      }
    }

    // A page of 100k rows: the console's grid beside the bare listRows of the same pages.
    const api = new Client()
      .setEndpoint(credentials.endpoint)
      .setProject(credentials.projectId)
      .setKey(credentials.apiKey);
    await makeBigTable(new TablesDB(api));
    const context = await consoleContext(browser, origin, cookie);
    const page = await context.newPage();
    await page.goto(`${origin}/console#/databases/consolebench/tables/items`);
    await page.getByRole('cell', { name: 'row000000', exact: true }).waitFor({ timeout: 60_000 });
    // Interleaved, page by page: the grid's "Next page" (timed in the page, from the click to the
    // new page's first id in the grid: Playwright's own click and wait would add their polling),
    // then the same page's bare listRows fetched from the same page (fetch and JSON, no grid).
    const gridTimes: number[] = [];
    const pageTimes: number[] = [];
    for (let p = 1; p <= PAGES; p++) {
      const firstId = `row${String(p * 25).padStart(6, '0')}`;
      const after = `row${String(p * 25 - 1).padStart(6, '0')}`;
      gridTimes.push(
        (await page.evaluate(`new Promise((done) => {
          const started = performance.now();
          const shown = () => [...document.querySelectorAll('td')].some((td) => td.textContent === ${JSON.stringify(firstId)});
          const observer = new MutationObserver(() => {
            if (shown()) {
              observer.disconnect();
              done(performance.now() - started);
            }
          });
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Next page').click();
        })`)) as number,
      );
      pageTimes.push(
        (await page.evaluate(`(async () => {
          const queries = [
            JSON.stringify({ method: 'limit', values: [25] }),
            JSON.stringify({ method: 'cursorAfter', values: [${JSON.stringify(after)}] }),
          ];
          const qs = queries.map((q, i) => 'queries[' + i + ']=' + encodeURIComponent(q)).join('&');
          const started = performance.now();
          const response = await fetch('/v1/tablesdb/consolebench/tables/items/rows?' + qs, {
            headers: {
              'x-appwrite-project': ${JSON.stringify(credentials.projectId)},
              'x-appwrite-mode': 'admin',
              'x-appwrite-response-format': '1.9.5',
            },
          });
          await response.json();
          return performance.now() - started;
        })()`)) as number,
      );
    }
    await context.close();

    const bareTimes: number[] = [];
    const headers = {
      'x-appwrite-project': credentials.projectId,
      'x-appwrite-key': credentials.apiKey,
    };
    for (let p = 1; p <= PAGES; p++) {
      const after = `row${String(p * 25 - 1).padStart(6, '0')}`;
      const queries = [
        JSON.stringify({ method: 'limit', values: [25] }),
        JSON.stringify({ method: 'cursorAfter', values: [after] }),
      ];
      const qs = queries.map((q, i) => `queries[${i}]=${encodeURIComponent(q)}`).join('&');
      const started = performance.now();
      const response = await fetch(
        `${credentials.endpoint}/tablesdb/consolebench/tables/items/rows?${qs}`,
        { headers },
      );
      await response.json();
      bareTimes.push(performance.now() - started);
    }

    const grid = quantile(gridTimes, 0.5);
    const inPage = quantile(pageTimes, 0.5);
    const bare = quantile(bareTimes, 0.5);
    return [
      {
        name: 'console first render, cold context, median of 10 (baseline: Agora feed first post)',
        value: round(quantile(consoleTimes, 0.5)),
        unit: 'ms',
        baseline: round(quantile(agoraTimes, 0.5)),
      },
      {
        name: `rows grid page of ${ROWS / 1000}k rows through the console, p50 of ${PAGES} (baseline: the same listRows fetched in the page)`,
        value: round(grid),
        unit: 'ms',
        baseline: round(inPage),
        goal: '≤ 1.5× baseline',
        met: grid <= 1.5 * inPage,
      },
      {
        name: `the same page as a bare listRows from Node with the API key, p50 of ${PAGES}`,
        value: round(bare),
        unit: 'ms',
      },
    ];
  } finally {
    await chromium.close();
    await client.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
