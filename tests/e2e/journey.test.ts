import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
/** A word longer than any screen is wide (it must wrap, not widen the page). */
const longWord = `Pneumonoultramicroscopicsilicovolcanoconiosis${tag}`;
const post = {
  title: `Hello from the end-to-end test ${tag} ${longWord}`,
  body: `First post: checking that the feed, likes and comments work live. See **[the Appwrite docs](https://appwrite.io/docs)** and https://svelte.dev/docs for more. ${longWord.repeat(2)}`,
  tags: 'e2e, hello',
};
const comment = `Welcome aboard, ${tag}!`;
/** Ada's answer mentions Nora, who still hears of it once (as a comment on her post). */
const answer = `Glad you’re here, @nora_${tag}.`;

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

/** The page is no wider than its window: nothing scrolls sideways. */
async function noSidewaysScroll(page: Page) {
  const [scroll, client] = (await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  )) as [number, number];
  expect(scroll).toBeLessThanOrEqual(client);
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** axe-core's WCAG 2 A/AA rules on the page as it is: no violations. */
async function accessible(page: Page, name: string) {
  if (!(await page.evaluate('typeof window.axe === "object"'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  )) as string[];
  expect(violations, name).toEqual([]);
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
    // The handle others mention her by: chosen here (lower-cased), else derived from the name.
    await visible(nora.getByText(`@nora_newcomer_${tag}`.slice(0, 17)));
    await nora.getByLabel('Handle').fill(`Nora_${tag}`);
    await visible(nora.getByText(`@nora_${tag}`));
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
    await open(nora, '/u/me');
    await visible(nora.getByText(`@nora_${tag}`, { exact: true }));
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
    // The preview formats the body as the post page will: the link is a link.
    await visible(
      nora
        .getByRole('region', { name: 'Preview' })
        .getByRole('link', { name: 'the Appwrite docs' }),
    );
    await shot(nora, 'compose');
    await accessible(nora, 'compose with a preview');

    // A half-written post survives leaving the page, and a reload.
    await open(nora, '/');
    await visible(nora.getByRole('heading', { name: 'Latest posts' }));
    await open(nora, '/new');
    await expect.poll(() => nora.getByLabel('Title').inputValue()).toBe(post.title);
    await nora.reload();
    await expect.poll(() => nora.getByLabel('Body').inputValue()).toBe(post.body);

    await nora.getByRole('button', { name: 'Publish' }).click();
    await visible(nora.getByRole('heading', { name: post.title }));
    // Back from the new post does not land on an emptied form; Forward returns to the post.
    await nora.goBack();
    await nora.waitForURL((url) => !url.hash.startsWith('#/post/'));
    expect(new URL(nora.url()).hash).not.toBe('#/new');
    await nora.goForward();
    await visible(nora.getByRole('heading', { name: post.title }));
    // Published: the draft is gone.
    await open(nora, '/new');
    await expect.poll(() => nora.getByLabel('Title').inputValue()).toBe('');
    await nora.goBack();
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

  it('raises Nora’s bell live when Ada likes and answers her post; the list marks them read', async () => {
    // Ada liked Nora's post a step ago: one notification, on Nora's screen without a reload.
    const bell = (count: number) =>
      nora.getByRole('link', {
        name: count ? `Notifications, ${count} unread` : 'Notifications',
        exact: true,
      });
    await visible(bell(1));
    await card(ada).getByRole('link', { name: post.title }).click();
    await ada.getByLabel('Comment', { exact: true }).fill(answer);
    await ada.getByRole('button', { name: 'Comment', exact: true }).click();
    await visible(ada.getByText(answer));
    await visible(bell(2));
    // Nora's own like and comment told her nothing: two, both Ada's.
    await bell(2).click();
    await visible(nora.getByRole('heading', { name: 'Notifications', level: 1 }));
    const list = nora.getByRole('list', { name: 'Notifications' });
    await visible(list.getByRole('link', { name: /liked your post/ }));
    await visible(list.getByRole('link', { name: /commented on your post/ }));
    expect(await list.getByRole('listitem').count()).toBe(2);
    await shot(nora, 'notifications');
    await accessible(nora, 'notifications');
    await nora.getByRole('button', { name: 'Mark all read' }).click();
    await visible(bell(0));
    await list.getByRole('link', { name: /commented on your post/ }).click();
    await visible(nora.getByText(answer));
    // The mention in Ada's answer leads to Nora's profile, found by her handle.
    await nora.getByRole('link', { name: `@nora_${tag}`, exact: true }).click();
    await visible(nora.getByRole('heading', { name: newcomer.name, level: 1 }));
    expect(new URL(nora.url()).hash).not.toContain('@');
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

  it('a link in a post is a link: formatted, rel="nofollow ugc noopener", and it opens', async () => {
    const guest = await newPage();
    await guest.context().route('https://appwrite.io/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<title>Appwrite docs</title><h1>Docs</h1>',
      }),
    );
    await open(guest, '/');
    await card(guest).getByRole('link', { name: post.title }).click();
    const link = guest.getByRole('article').getByRole('link', { name: 'the Appwrite docs' });
    expect(await link.getAttribute('rel')).toBe('nofollow ugc noopener');
    // The post page replaces the feed's cards as it renders: wait for the page, not the first frame.
    await expect
      .poll(() =>
        guest.getByRole('article').getByRole('link', { name: 'https://svelte.dev/docs' }).count(),
      )
      .toBe(1);
    await accessible(guest, 'a post with formatting');
    await link.click();
    await guest.waitForURL('https://appwrite.io/docs');
  });

  it('a guest’s Like goes to sign in and comes back to the post, liked', async () => {
    const guest = await newPage();
    await open(guest, '/');
    await card(guest).getByRole('button', { name: 'Like' }).click();
    await guest.waitForURL((url) => url.hash.startsWith('#/signin'));
    await guest.getByLabel('Email').fill(ADMIN.email);
    await guest.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await guest.getByRole('button', { name: 'Sign in' }).click();
    await visible(guest.getByRole('heading', { name: post.title, level: 1 }));
    await expect
      .poll(() => guest.getByRole('button', { name: 'Like' }).getAttribute('aria-pressed'))
      .toBe('true');
    await visible(guest.getByText('3 likes'));
  });

  it('on a phone: keyboard sign-in, Settings in reach, nothing wider than the screen, 44 px targets', async () => {
    const phone = await newPage(PHONE);
    await open(phone, '/signin');
    await visible(phone.getByRole('link', { name: 'Sign in' }));
    // Email, Tab, password, Enter: signed in (not the reset page).
    await phone.getByLabel('Email').focus();
    await phone.keyboard.type(ADA.email);
    await phone.keyboard.press('Tab');
    expect(await phone.evaluate('document.activeElement.id')).toBe('signin-password');
    await phone.keyboard.type(ADA.password);
    await phone.keyboard.press('Enter');
    await visible(phone.getByRole('button', { name: 'Sign out' }));
    expect(await phone.getByRole('link', { name: 'Settings' }).isVisible()).toBe(true);

    await open(phone, '/');
    await visible(card(phone));
    await settle(phone);
    await noSidewaysScroll(phone);
    const height = async (locator: Locator) => (await locator.boundingBox())?.height ?? 0;
    expect(
      await height(card(phone).getByRole('link', { name: newcomer.name })),
    ).toBeGreaterThanOrEqual(44);
    expect(await height(card(phone).getByRole('link', { name: '#e2e' }))).toBeGreaterThanOrEqual(
      44,
    );

    // A 300-character query neither widens the page nor is cut silently.
    await open(phone, `/search?q=${'overflowing'.repeat(28)}`);
    await visible(phone.getByText(/Only the first 128 characters are searched/));
    await noSidewaysScroll(phone);

    // From the post to its author's profile: no request for the post's row with the profile's id.
    await open(phone, '/');
    await card(phone).getByRole('link', { name: post.title }).click();
    await visible(phone.getByRole('heading', { name: post.title, level: 1 }));
    await noSidewaysScroll(phone);
    const missing: string[] = [];
    phone.on('response', (response) => {
      if (response.status() === 404 && response.url().includes('/v1/'))
        missing.push(response.url());
    });
    await phone.getByRole('article').getByRole('link', { name: newcomer.name }).click();
    await visible(phone.getByRole('heading', { name: newcomer.name, level: 1 }));
    await settle(phone);
    expect(missing).toEqual([]);

    // A toast sits along the top on a phone, clear of the writing box.
    await open(phone, '/new');
    await phone.getByLabel('Title').fill('A draft to throw away');
    await phone.getByRole('button', { name: 'Discard draft' }).click();
    const toast = await phone
      .getByRole('status')
      .filter({ hasText: 'Draft discarded' })
      .boundingBox();
    const body = await phone.getByLabel('Body').boundingBox();
    expect(toast && body && toast.y + toast.height <= body.y).toBe(true);
  });

  it('search follows the address: a tag, Back and Forward', async () => {
    const guest = await newPage();
    await open(guest, `/search?q=${tag}`);
    const box = guest.getByRole('searchbox', { name: 'Search posts' });
    await visible(guest.getByRole('article').filter({ hasText: post.title }));
    await open(guest, `/search?q=nothing-matches-this-${tag}`);
    await expect.poll(() => box.inputValue()).toBe(`nothing-matches-this-${tag}`);
    await guest.goBack();
    await expect.poll(() => box.inputValue()).toBe(tag);
    await visible(guest.getByRole('article').filter({ hasText: post.title }));
    // A result's tag leads to that tag's page, its live feed.
    await guest
      .getByRole('article')
      .filter({ hasText: post.title })
      .getByRole('link', { name: '#e2e' })
      .click();
    await visible(guest.getByRole('heading', { name: '#e2e', level: 1 }));
    await visible(card(guest));
    await guest.goBack();
    await expect.poll(() => box.inputValue()).toBe(tag);
    await guest.goForward();
    await visible(guest.getByRole('heading', { name: '#e2e', level: 1 }));
  });

  it('a report hides the post after an admin acts: the queue is live; only the author still sees it, with why', async () => {
    const spam = { title: `Cheap watches ${tag}`, body: 'Buy now, limited offer.' };
    await open(ada, '/new');
    await ada.getByLabel('Title').fill(spam.title);
    await ada.getByLabel('Body').fill(spam.body);
    await ada.getByRole('button', { name: 'Publish' }).click();
    await visible(ada.getByRole('heading', { name: spam.title, level: 1 }));
    const postRoute = new URL(ada.url()).hash.slice(1);

    // The admin's queue is open before the report: it arrives live.
    const admin = await newPage();
    await signIn(admin, ADMIN);
    await open(admin, '/admin/reports');
    await visible(admin.getByRole('heading', { name: 'Moderation', level: 1 }));

    await open(nora, postRoute);
    await visible(nora.getByRole('heading', { name: spam.title, level: 1 }));
    await nora.getByRole('button', { name: 'Report post' }).click();
    await nora.getByLabel('Why are you reporting this?').fill(`Spam ${tag}`);
    await accessible(nora, 'the report form');
    await nora.getByRole('button', { name: 'Send report' }).click();
    await visible(nora.getByRole('status').filter({ hasText: 'Reported' }));

    const item = admin
      .getByRole('list', { name: 'Open reports' })
      .getByRole('listitem')
      .filter({ hasText: `Spam ${tag}` });
    await visible(item);
    await settle(admin);
    await shot(admin, 'moderation');
    await accessible(admin, 'moderation queue');
    await item.getByLabel('Reason shown to the author').fill('Advertising is not allowed here.');
    await item.getByRole('button', { name: 'Hide' }).click();
    await expect.poll(() => item.count()).toBe(0);

    // Everyone else: the post is gone, from its page and from the feed (the server refuses it).
    const guest = await newPage();
    await open(guest, postRoute);
    await visible(guest.getByRole('heading', { name: 'This post is gone' }));
    await open(guest, '/');
    await visible(card(guest));
    expect(await guest.getByRole('article').filter({ hasText: spam.title }).count()).toBe(0);
    // Its author still reads it, and why.
    await ada.reload();
    await visible(ada.getByRole('note').filter({ hasText: 'Advertising is not allowed here.' }));
    await shot(ada, 'post-hidden');
    await accessible(ada, 'a hidden post, seen by its author');
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
        ['/tags/e2e', 'tag', card(admin)],
        ['/new', 'compose', admin.getByLabel('Title')],
        ['/search?q=hello', 'search', admin.getByRole('searchbox', { name: 'Search posts' })],
        ['/notifications', 'notifications', admin.getByRole('heading', { level: 1 })],
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
        if (['feed', 'tag', 'compose', 'search', 'notifications'].includes(name)) {
          await accessible(admin, name);
        }
      }
      // The compact feed: remembered in this browser.
      await open(admin, '/');
      await admin.getByRole('switch', { name: 'Compact' }).check();
      await visible(card(admin));
      await shot(admin, 'feed-compact');
      await accessible(admin, 'compact feed');
      await admin.reload();
      expect(await admin.getByRole('switch', { name: 'Compact' }).isChecked()).toBe(true);
      await admin.getByRole('switch', { name: 'Compact' }).uncheck();
      await open(admin, '/');
      await card(admin).getByRole('link', { name: post.title }).click();
      await visible(admin.getByText(comment));
      await shot(admin, 'post');
    }
  });
});
