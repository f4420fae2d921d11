import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '#lib/chromium.ts';
import { outboxLink, ROOT, type ServedClient, type Stack, startStack } from '#lib/stack.ts';

/**
 * The whole product in a real browser, as people use it: Chromium against the `npm start` stack on
 * free ports (functions built, local Appwrite, demo data), with the client as it ships — the
 * production build, served by the local Appwrite as the Site `agora` (`npm start` pushes it with
 * appwrite-cli; /v1 on the Site's origin is the API). Not the dev server: its HMR and dependency
 * optimizer reload open pages when a source changes or a lazy page pulls a new dependency, which
 * loses what a test typed mid-step. A newcomer signs up, verifies their email from
 * the local outbox, posts; Ada, in another browser context, sees the post arrive without a reload;
 * both like it and see the same count; a comment; the admin exports users to CSV and downloads it;
 * the newcomer signs out. Elements are found by role and accessible name (client/src/App.svelte's
 * top comment lists them). Every page is screenshotted at desktop and phone width into
 * tests/e2e/screenshots/ (git-ignored).
 */

const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
/** Live updates and function calls under a loaded machine: generous, never a sleep. */
const LIVE = 30_000;

const ADA = { email: 'ada@example.com', password: 'Agora-demo-1' };
const ADMIN = { email: 'admin@example.com', password: 'Agora-lead-1' };

const tag = randomBytes(4).toString('hex');
const newcomer = {
  name: `Nora Newcomer ${tag}`,
  email: `nora-${tag}@example.com`,
  password: `Agora-e2e-${tag}A1`,
};
const post = {
  title: `Hello from the end-to-end test ${tag}`,
  body: 'First post: checking that the feed, likes and comments work live.',
  tags: 'e2e, hello',
};
const comment = `Welcome aboard, ${tag}!`;

let stack: Stack;
let client: ServedClient;
let chromium: LaunchedChromium;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The newcomer's page and Ada's. */
let nora: Page;
let ada: Page;

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(LIVE);
  return page;
}

/** Opens a route of the app (hash routing: `#/signin`). */
async function open(page: Page, route: string) {
  await page.goto(`${client.url}#${route}`);
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await open(page, '/signin');
  // The header offers "Sign in" once the session check has answered: the app is settled.
  await visible(page.getByRole('link', { name: 'Sign in' }));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect
    .poll(() => page.getByRole('button', { name: 'Sign out' }).count(), { timeout: LIVE })
    .toBe(1);
  // Signed in, the page moves on by itself: wait for that, or it could undo our next navigation.
  await page.waitForURL((url) => !url.hash.startsWith('#/signin'), { timeout: LIVE });
}

async function shot(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  const kind = width < 600 ? 'phone' : 'desktop';
  // From the top: a full-page picture of a scrolled page draws the sticky header mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}-${kind}.png`), fullPage: true });
}

/** Waits until the locator is visible (a readable failure names what was awaited). */
async function visible(locator: Locator, timeout = LIVE) {
  await locator.first().waitFor({ state: 'visible', timeout });
}

/** Waits (up to 10 s, then shoots anyway) until nothing on the page is loading. */
async function settle(page: Page) {
  // Strings run in the page (this file is type-checked without the DOM library).
  await page
    .waitForFunction(`!document.querySelector('[aria-busy="true"], .skeleton')`, undefined, {
      timeout: 10_000,
    })
    .catch(() => undefined);
  await page.evaluate('document.fonts.ready.then(() => true)');
}

/** The feed's card for our post. */
const card = (page: Page) => page.getByRole('article').filter({ hasText: post.title });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Chromium first: on a fresh Debian machine this may apt-install it.
  chromium = await launchChromium();
  browser = chromium.browser;
  stack = await startStack();
  // The production build as Appwrite hosts it: the local Site npm start pushes (its first build
  // installs the client's dependencies).
  client = await stack.site();
}, 900_000);

// A failed step leaves a picture of every open page (failed-<step>-<n>.png).
beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    const pages = contexts.flatMap((context) => context.pages());
    const step = task.name.replace(/\W+/g, '-').slice(0, 40);
    for (const [index, page] of pages.entries()) {
      await page
        .screenshot({ path: join(SHOTS, `failed-${step}-${index}.png`), fullPage: true })
        .catch(() => undefined);
    }
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await chromium?.close();
  await client?.close();
  await stack?.stop();
}, 120_000);

describe('the Agora journey in Chromium', () => {
  it('signs a newcomer up (the shared schema answers before any request)', async () => {
    nora = await newPage();
    await open(nora, '/signup');
    await visible(nora.getByRole('button', { name: 'Sign up' }));
    await shot(nora, 'signup');
    // A weak password is refused in the form, with the field marked.
    await nora.getByLabel('Name').fill(newcomer.name);
    await nora.getByLabel('Email').fill(newcomer.email);
    await nora.getByLabel('Password', { exact: true }).fill('short');
    await nora.getByRole('button', { name: 'Sign up' }).click();
    await expect
      .poll(() => nora.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'))
      .toBe('true');
    await nora.getByLabel('Password', { exact: true }).fill(newcomer.password);
    await nora.getByRole('button', { name: 'Sign up' }).click();
    await visible(nora.getByRole('button', { name: 'Sign out' }));
  });

  it('verifies the email through the link in the local outbox', async () => {
    const message = await outboxLink(stack, newcomer.email);
    expect(message.url).toContain('secret=');
    await nora.goto(message.url);
    await visible(nora.getByRole('heading', { name: 'Email verified' }));
    await shot(nora, 'verify');
  });

  it('publishes a post that another signed-in person sees arrive live, without a reload', async () => {
    ada = await newPage();
    await signIn(ada, ADA);
    await open(ada, '/');
    await visible(ada.getByRole('heading', { name: 'Latest posts' }));
    // A marker on Ada's window: a reload or navigation would wipe it.
    await ada.evaluate(`window.e2eMarker = 'still here'`);

    await open(nora, '/new');
    await nora.getByLabel('Title').fill(post.title);
    await nora.getByLabel('Body').fill(post.body);
    await nora.getByLabel('Tags').fill(post.tags);
    await shot(nora, 'compose');
    await nora.getByRole('button', { name: 'Publish' }).click();
    await visible(nora.getByRole('heading', { name: post.title }));

    await visible(card(ada).getByRole('heading', { name: post.title }));
    expect(await ada.evaluate('window.e2eMarker')).toBe('still here');
  });

  it('counts both likes the same on both screens', async () => {
    // Nora likes on the post page; Ada in her feed.
    await nora.getByRole('button', { name: 'Like' }).first().click();
    await card(ada).getByRole('button', { name: 'Like' }).click();
    await expect
      .poll(() => card(ada).getByRole('button', { name: 'Like' }).getAttribute('aria-pressed'))
      .toBe('true');
    await visible(card(ada).getByText('2 likes'));
    await visible(nora.getByText('2 likes'));
    await shot(nora, 'post');
  });

  it('adds a comment, which the feed counts live', async () => {
    await nora.getByLabel('Comment', { exact: true }).fill(comment);
    await nora.getByRole('button', { name: 'Comment', exact: true }).click();
    await visible(nora.getByText(comment));
    await visible(card(ada).getByRole('link', { name: '1 comment' }));
    await shot(ada, 'feed');
  });

  it('lets the admin export users to CSV and download it, with the newcomer in it', async () => {
    const admin = await newPage();
    await signIn(admin, ADMIN);
    await open(admin, '/admin');
    await admin.getByRole('button', { name: 'Export CSV' }).click();
    await visible(admin.getByRole('progressbar', { name: 'Export progress' }));
    const link = admin.getByRole('link', { name: 'Download CSV' });
    await visible(link, 60_000);
    await shot(admin, 'admin-export');
    const [download] = await Promise.all([admin.waitForEvent('download'), link.click()]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/email/i);
    expect(csv).toContain(newcomer.email);
    expect(csv).toContain(ADA.email);
  });

  it('signs out, and stays signed out after a reload', async () => {
    await nora.getByRole('button', { name: 'Sign out' }).click();
    await visible(nora.getByRole('link', { name: 'Sign in' }));
    await nora.reload();
    await visible(nora.getByRole('link', { name: 'Sign in' }));
    expect(await nora.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });

  it('screenshots every page at desktop and phone width', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const guest = await newPage(viewport);
      for (const [route, name] of [
        ['/signin', 'signin'],
        ['/signup', 'signup'],
      ] as const) {
        await open(guest, route);
        await visible(
          guest.getByRole('button', { name: name === 'signin' ? 'Sign in' : 'Sign up' }),
        );
        await shot(guest, name);
      }
      const admin = await newPage(viewport);
      await signIn(admin, ADMIN);
      const pages: [string, string, Locator][] = [
        ['/', 'feed', card(admin)],
        ['/search?q=hello', 'search', admin.getByRole('searchbox', { name: 'Search posts' })],
        ['/u/me', 'profile', admin.getByRole('heading', { level: 1 })],
        ['/settings', 'settings', admin.getByLabel('Name')],
        ['/dashboard', 'dashboard', admin.getByRole('heading', { level: 1 })],
        ['/admin', 'admin', admin.getByRole('button', { name: 'Export CSV' })],
      ];
      for (const [route, name, ready] of pages) {
        await open(admin, route);
        await visible(ready);
        await settle(admin);
        await shot(admin, name);
      }
      await open(admin, '/');
      await card(admin).getByRole('link', { name: post.title }).click();
      await visible(admin.getByText(comment));
      await shot(admin, 'post');
    }
  });
});
