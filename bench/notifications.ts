/**
 * The figure of issue 16's notifications: a comment in one browser context (the Comment click) →
 * the bell of the post's author, in another context, showing one more unread (a MutationObserver
 * notes when its accessible name changes), p50 of 20 on the production build; beside it, in the same
 * run and the same two contexts, the live-post delay of issue 7 (a post published in one context →
 * its card in the other's feed). The notification's path: the comment's transaction with its
 * notification row → Realtime to the author only → the bell counts again (one listRows) → the badge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Functions, ID } from 'node-appwrite';
import type { Page } from 'playwright-core';
import { launchChromium } from '#lib/chromium.ts';
import { buildClient, type ServedClient, type Stack, serveClient, startStack } from '#lib/stack.ts';
import type { Figure } from './lib/report.ts';

const TRIES = Number(process.env.AGORA_BENCH_TRIES ?? 20);

const median = (values: number[]) => quantile(values, 0.5);
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** On the author's page: when each post title and each bell name first appeared (Date.now()). */
const OBSERVER = `
  window.__agora = { seen: {}, bell: [] };
  new MutationObserver(() => {
    const now = Date.now();
    for (const article of document.querySelectorAll('main article')) {
      const title = article.querySelector('h2, h3')?.textContent?.trim();
      if (title && !window.__agora.seen[title]) window.__agora.seen[title] = now;
    }
    const label = document.querySelector('header a[aria-label^="Notifications"]')?.getAttribute('aria-label');
    const count = label ? Number(/(\\d+) unread/.exec(label)?.[1] ?? 0) : -1;
    const last = window.__agora.bell.at(-1);
    if (count >= 0 && (!last || last[1] !== count)) window.__agora.bell.push([now, count]);
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
`;

async function signIn(page: Page, appUrl: string, email: string) {
  await page.goto(`${appUrl}#/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Agora-demo-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
  await page.waitForURL((url) => !url.hash.startsWith('#/signin'), { timeout: 30_000 });
}

/** Clicks the button named `name` in the page's own turn; returns the click's time. */
function clickAt(page: Page, name: string): Promise<number> {
  return page.evaluate(`(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(name)});
    const at = Date.now();
    button.click();
    return at;
  })()`) as Promise<number>;
}

/** When the bell first showed more than `count` unread after `since` (its changes are logged). */
const bellAbove = (count: number, since: number) =>
  `window.__agora.bell.find(([at, n]) => at >= ${since} && n > ${count})?.[0] ?? 0`;

async function measure(browser: import('playwright-core').Browser, appUrl: string) {
  const author = await (await browser.newContext()).newPage();
  const actor = await (await browser.newContext()).newPage();
  await author.context().addInitScript(OBSERVER);
  const answers: string[] = [];
  actor.on('response', async (response) => {
    if (!response.url().includes('/executions')) return;
    const body = await response.json().catch(() => ({}));
    answers.push(
      `${response.status()} ${body.requestPath} ${body.responseStatusCode} ${String(body.responseBody).slice(0, 200)}`,
    );
  });
  await signIn(author, appUrl, 'ada@example.com');
  await signIn(actor, appUrl, 'grace@example.com');

  // Ada's post, which Grace comments on.
  await author.goto(`${appUrl}#/new`);
  const target = `Bench target ${Date.now().toString(36)}`;
  await author.getByLabel('Title').fill(target);
  await author.getByLabel('Body').fill('Comments here measure notifications.');
  await author.getByRole('button', { name: 'Publish' }).click();
  await author.waitForURL((url) => url.hash.startsWith('#/post/'), { timeout: 30_000 });
  const postPath = new URL(author.url()).hash;
  await author.goto(`${appUrl}#/`);
  await author.getByRole('heading', { name: 'Latest posts' }).waitFor({ timeout: 30_000 });

  const notified: number[] = [];
  const livePost: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    // A post by Grace → Ada's feed.
    const title = `Bench live ${i} ${Date.now().toString(36)}`;
    await actor.goto(`${appUrl}#/new`);
    await actor.getByLabel('Title').fill(title);
    await actor.getByLabel('Body').fill('Measuring how fast a post reaches other people.');
    const posted = await clickAt(actor, 'Publish');
    await author.waitForFunction(
      `Boolean(window.__agora.seen[${JSON.stringify(title)}])`,
      undefined,
      {
        timeout: 30_000,
      },
    );
    livePost.push(
      ((await author.evaluate(`window.__agora.seen[${JSON.stringify(title)}]`)) as number) - posted,
    );
    // Grace's own page lands on her new post before she moves on (else it would land later).
    await actor.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });

    // A comment by Grace on Ada's post → Ada's bell.
    await actor.goto(`${appUrl}${postPath}`);
    await actor.getByRole('heading', { name: target }).waitFor({ timeout: 30_000 });
    // The thread is in (its last comment shows), so nothing re-renders the box once it is filled.
    if (i > 0) {
      await actor
        .getByRole('list')
        .getByText(`Bench comment ${i - 1}`, { exact: true })
        .waitFor({ timeout: 30_000 });
    }
    const box = actor.getByLabel('Comment', { exact: true });
    await box.fill(`Bench comment ${i}`);
    await actor.waitForFunction(
      `document.querySelector('#comment-body')?.value === ${JSON.stringify(`Bench comment ${i}`)}`,
    );
    const before = (await author.evaluate('window.__agora.bell.at(-1)?.[1] ?? 0')) as number;
    const commented = await clickAt(actor, 'Comment');
    await author
      .waitForFunction(bellAbove(before, commented), undefined, { timeout: 30_000 })
      .catch(async (thrown: unknown) => {
        const seen = await author.evaluate('JSON.stringify(window.__agora.bell)');
        throw new Error(`the bell never went past ${before} (it said ${seen}): ${String(thrown)}`);
      });
    notified.push(((await author.evaluate(bellAbove(before, commented))) as number) - commented);
    // The answer is in once the box is emptied: then Grace may move on.
    await actor
      .waitForFunction(`document.querySelector('#comment-body')?.value === ''`, undefined, {
        timeout: 30_000,
      })
      .catch((thrown: unknown) => {
        throw new Error(
          `comment ${i} not sent; answers: ${answers.slice(-4).join(' | ')}: ${thrown}`,
        );
      });
  }
  await author.context().close();
  await actor.context().close();
  return { notified, livePost };
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

export async function benchNotifications(): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'agora-bench-notifications-'));
  const [stack] = await Promise.all([startStack(), buildClient(work)]);
  const chromium = await launchChromium();
  let served: ServedClient | undefined;
  try {
    await rateLimitsOff(stack);
    served = await serveClient(stack, work);
    const { notified, livePost } = await measure(chromium.browser, served.url);
    return [
      {
        name: `comment → the post author's bell shows it (another context), p50 of ${TRIES}; baseline: a post → another context's feed, same run`,
        value: Math.round(median(notified)),
        unit: 'ms',
        baseline: Math.round(median(livePost)),
      },
      {
        name: `comment → the author's bell, p90 of ${TRIES} (baseline: the live post's p90)`,
        value: Math.round(quantile(notified, 0.9)),
        unit: 'ms',
        baseline: Math.round(quantile(livePost, 0.9)),
      },
    ];
  } finally {
    await served?.close();
    await chromium.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
