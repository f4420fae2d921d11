import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppwriteException, Client, TablesDB } from 'node-appwrite';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '#lib/chromium.ts';
import {
  buildClient,
  ROOT,
  type ServedClient,
  type Stack,
  serveClient,
  startStack,
} from '#lib/stack.ts';
import { deployFunction, esmFunction } from '../support/function-bundles.ts';

/**
 * The local console (emulator/console/) in Chromium, driven by accessible names, against Agora
 * under `npm start` and against a scratch project with no Agora code (genericity): sign in with the
 * console account; open a table, filter it to one row, edit it with the typed form; Agora's feed in
 * another context shows the new title live; execute `health` with a body and read the execution's
 * detail; upload an image and see its preview; reveal and copy the API key; export the state to a
 * file, reset it (the post is gone), import the file and find the post again, in the grid and in
 * Agora's feed. In the scratch project, the grid follows a row
 * changed through the API, and a function's logs show the body it was executed with. axe-core finds
 * no violation on any console page; every page is shot at 1280 and 390 px into
 * tests/e2e/screenshots/ (console-*.png).
 */

const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const LIVE = 30_000;
const ADA = { email: 'ada@example.com', password: 'Agora-demo-1' };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Target {
  /** `http://127.0.0.1:P` */
  origin: string;
  projectId: string;
  apiKey: string;
  consoleEmail: string;
  consolePassword: string;
}

let chromium: LaunchedChromium;
let browser: Browser;
let stack: Stack;
let client: ServedClient;
let work: string;
let agora: Target;
const contexts: BrowserContext[] = [];

function targetOf(dataDir: string): Target {
  const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  return { ...credentials, origin: new URL(credentials.endpoint).origin };
}

async function newPage(viewport = DESKTOP): Promise<Page> {
  // The console's CSP allows no inline script; axe-core is injected as one.
  const context = await browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(LIVE);
  return page;
}

async function visible(locator: Locator, timeout = LIVE) {
  await locator.first().waitFor({ state: 'visible', timeout });
}

/** Waits until nothing on the page says it is loading. */
async function settle(page: Page) {
  await page
    .waitForFunction(`!document.querySelector('[aria-busy="true"]')`, undefined, {
      timeout: 10_000,
    })
    .catch(() => undefined);
}

/** axe-core's WCAG 2.x A/AA rules on the page as it stands: the violations, by rule and target. */
async function axeViolations(page: Page): Promise<string[]> {
  await settle(page);
  if (!(await page.evaluate(`typeof window.axe !== 'undefined'`))) {
    await page.addScriptTag({ content: AXE });
  }
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }).then((r) =>
      r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  )) as string[];
  return violations;
}

async function shot(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({
    path: join(SHOTS, `console-${name}-${width < 600 ? 'phone' : 'desktop'}.png`),
    fullPage: true,
  });
}

async function signIn(page: Page, target: Target) {
  await page.goto(`${target.origin}/console`);
  await visible(page.getByRole('button', { name: 'Sign in' }));
  expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('Email').fill(target.consoleEmail);
  await page.getByLabel('Password').fill(target.consolePassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('navigation', { name: 'Console' }));
}

/** Opens a table's grid from the Databases screen, by link names. */
async function openTable(page: Page, databaseName: string, tableName: string) {
  await page.getByRole('link', { name: 'Databases' }).click();
  await page.getByRole('link', { name: databaseName, exact: true }).click();
  await page.getByRole('link', { name: tableName, exact: true }).click();
  await visible(page.getByRole('table', { name: /^Rows of / }));
}

/** Filters the open grid to one row id with the query builder. */
async function filterToRow(page: Page, rowId: string) {
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByLabel('Column 1').selectOption('$id');
  await page.getByLabel('Operator 1').selectOption('equal');
  await page.getByLabel('Value 1').fill(rowId);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect.poll(() => page.getByRole('button', { name: /^Edit row / }).count()).toBe(1);
}

/** Filters the open grid to one row id, then opens its form. */
async function editRow(page: Page, rowId: string) {
  await filterToRow(page, rowId);
  await page.getByRole('button', { name: `Edit row ${rowId}` }).click();
  await visible(page.getByRole('heading', { name: `Edit row ${rowId}` }));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  chromium = await launchChromium();
  browser = chromium.browser;
  work = mkdtempSync(join(tmpdir(), 'agora-e2e-console-'));
  const [started] = await Promise.all([startStack(), buildClient(work)]);
  stack = started;
  client = await serveClient(stack, work);
  agora = targetOf(stack.dataDir);
}, 900_000);

// A failed step leaves a picture of every open page (console-failed-<step>-<n>.png).
beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    const pages = contexts.flatMap((context) => context.pages());
    const step = task.name.replace(/\W+/g, '-').slice(0, 40);
    for (const [index, page] of pages.entries()) {
      await page
        .screenshot({ path: join(SHOTS, `console-failed-${step}-${index}.png`), fullPage: true })
        .catch(() => undefined);
    }
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await chromium?.close();
  await client?.close();
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the local console against Agora', () => {
  let page: Page;
  // The post the grid edits, its new title, and Ada's feed in another context.
  let tables: TablesDB;
  let postId: string;
  let title: string;
  let feed: Page;

  it('prints its URL at start, and signs in with the console account', async () => {
    expect(stack.output()).toContain(`Console:         ${agora.origin}/console`);
    page = await newPage();
    await signIn(page, agora);
    await visible(page.getByRole('heading', { name: 'Counts' }));
    await expect.poll(() => page.getByText(/^\s*pass\s*$/).count(), { timeout: LIVE }).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('reveals the API key on the Overview and copies it', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: agora.origin,
    });
    await expect(page.getByRole('textbox', { name: 'API key' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Reveal API key' }).click();
    const field = page.getByRole('textbox', { name: 'API key' });
    await visible(field);
    expect(await field.inputValue()).toBe(agora.apiKey);
    await page.getByRole('button', { name: 'Copy API key' }).click();
    await visible(page.getByRole('status').getByText('API key copied.'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(agora.apiKey);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Hide API key' }).click();
    await visible(page.getByRole('button', { name: 'Reveal API key' }));
  });

  it("edits a post's title in the rows grid, and Agora's feed shows it live", async () => {
    tables = new TablesDB(
      new Client()
        .setEndpoint(`${agora.origin}/v1`)
        .setProject(agora.projectId)
        .setKey(agora.apiKey),
    );
    const [post] = (
      await tables.listRows({
        databaseId: 'agora',
        tableId: 'posts',
        queries: [
          '{"method":"orderDesc","attribute":"$createdAt"}',
          '{"method":"limit","values":[1]}',
        ],
      })
    ).rows;
    if (!post) throw new Error('the demo data has no post');
    postId = post.$id;
    title = `Edited in the console ${Date.now()}`;

    // Ada reads the feed in another browser context.
    feed = await newPage();
    await feed.goto(`${client.url}#/signin`);
    await feed.getByLabel('Email').fill(ADA.email);
    await feed.getByLabel('Password', { exact: true }).fill(ADA.password);
    await feed.getByRole('button', { name: 'Sign in' }).click();
    await visible(feed.getByRole('button', { name: 'Sign out' }));
    await feed.goto(`${client.url}#/`);
    await visible(feed.getByRole('heading', { name: String(post.title) }));

    await openTable(page, 'Agora', 'Posts');
    expect(await axeViolations(page)).toEqual([]);
    await editRow(page, post.$id);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel(/^title\b/).fill(title);
    await page.getByRole('button', { name: 'Save row' }).click();
    await visible(page.getByRole('cell', { name: title }));
    await visible(feed.getByRole('heading', { name: title }));
  });

  it('executes health with a body and reads the execution in its detail', async () => {
    await page.getByRole('link', { name: 'Functions' }).click();
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Execute' }));
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Path').fill('/');
    await page.getByLabel('Body').fill('{"from":"the console"}');
    await page.getByRole('button', { name: 'Execute', exact: true }).click();
    // A synchronous execute answers with the response body (Appwrite keeps none to show later).
    await visible(page.getByLabel('Response body').getByText('"status":"pass"'));
    const link = page.getByRole('status').getByRole('link');
    await link.click();
    await visible(page.getByRole('heading', { name: 'Logs' }));
    // health writes no log on success (the scratch project's function does, below).
    await visible(page.getByLabel('Request headers').getByText('content-type: application/json'));
    await visible(page.getByLabel('Logs'));
    expect(await axeViolations(page)).toEqual([]);
  });

  it('uploads an image to a bucket and shows its preview', async () => {
    const image = join(work, 'console-upload.png');
    writeFileSync(
      image,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#b4234f' } })
        .png()
        .toBuffer(),
    );
    await page.getByRole('link', { name: 'Storage' }).click();
    await page.getByRole('link', { name: 'Avatars', exact: true }).click();
    await page.getByLabel('File to upload').setInputFiles(image);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const preview = page.getByRole('img', { name: 'Preview of console-upload.png' });
    await visible(preview);
    await expect
      .poll(() =>
        preview
          .first()
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('exports the state, resets it (the post is gone), imports the file and finds the post again', async () => {
    // Another console tab lists the users: its socket is closed by each swap, and when it
    // reconnects the list is loaded again.
    const users = await newPage();
    await signIn(users, agora);
    await users.goto(`${agora.origin}/console#/auth/users`);
    const ada = users.getByRole('table', { name: 'Users' }).getByRole('row').filter({
      hasText: ADA.email,
    });
    await visible(ada);

    await page.getByRole('link', { name: 'Local state' }).click();
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export state' }).click();
    const download = await downloading;
    const name = download.suggestedFilename();
    expect(name).toMatch(new RegExp(`^${agora.projectId}-\\d{8}T\\d{6}Z\\.appwrite-local$`));
    const file = join(work, name);
    await download.saveAs(file);
    expect(statSync(file).size).toBeGreaterThan(0);
    await visible(page.getByRole('status').getByText(`Exported ${name}.`));

    // Reset: only once the project ID is typed.
    const reset = page.getByRole('button', { name: 'Reset state' });
    expect(await reset.isDisabled()).toBe(true);
    await page.getByLabel(/^Type the project ID/).fill(agora.projectId);
    await reset.click();
    await visible(page.getByRole('status').getByText('The state is reset.'));
    const gone = await tables.getRow({ databaseId: 'agora', tableId: 'posts', rowId: postId }).then(
      () => null,
      (error: AppwriteException) => error.code,
    );
    expect(gone).toBe(404);
    await ada.first().waitFor({ state: 'detached' });
    await feed.reload();
    await visible(feed.getByRole('link', { name: 'Sign in' }));

    // Import the file: the console stays signed in, the post is back in the grid and in the feed.
    await page.getByLabel('State file').setInputFiles(file);
    await page.getByRole('button', { name: 'Import state' }).click();
    await visible(page.getByRole('status').getByText(`Imported ${name}.`));
    await visible(ada);
    expect(await axeViolations(page)).toEqual([]);
    await openTable(page, 'Agora', 'Posts');
    await filterToRow(page, postId);
    await visible(page.getByRole('cell', { name: title }));
    await feed.reload();
    await visible(feed.getByRole('heading', { name: title }));
  });

  it('has no axe violation on any screen, shot at 1280 and 390 px', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const p = await newPage(viewport);
      await signIn(p, agora);
      for (const [route, name, ready] of [
        ['', 'overview', p.getByRole('heading', { name: 'Counts' })],
        ['databases/agora/tables/posts', 'rows', p.getByRole('table', { name: 'Rows of posts' })],
        ['functions/health', 'function', p.getByRole('heading', { name: 'Execute' })],
        ['auth/users', 'users', p.getByRole('table', { name: 'Users' })],
        ['auth/teams', 'teams', p.getByRole('table', { name: 'Teams' })],
        ['auth/outbox', 'outbox', p.getByRole('table', { name: 'Outbox' })],
        ['storage/avatars', 'bucket', p.getByRole('table', { name: 'Files' })],
        ['realtime', 'realtime', p.getByRole('button', { name: 'Subscribe' })],
        ['local', 'local-state', p.getByRole('button', { name: 'Export state' })],
      ] as const) {
        await p.goto(`${agora.origin}/console#/${route}`);
        await visible(ready);
        expect([name, ...(await axeViolations(p))]).toEqual([name]);
        await shot(p, name);
      }
    }
  });
});

describe('the local console against a scratch project (no Agora code)', () => {
  let child: ChildProcess;
  let dataDir: string;
  let scratch: Target;
  let tables: TablesDB;
  let page: Page;

  beforeAll(async () => {
    // A bare local Appwrite from an empty folder: no appwrite.json, no functions, no demo data.
    const cwd = mkdtempSync(join(tmpdir(), 'console-scratch-'));
    dataDir = join(cwd, 'data');
    child = spawn(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'emulator/main.ts'), '--port', '0', '--data', dataDir, '--project', 'scratch'],
      { cwd, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    await new Promise<void>((done, fail) => {
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        if (/Local Appwrite ready at/.test(output)) done();
      });
      child.once('exit', (code) => fail(new Error(`the emulator exited (${code}): ${output}`)));
    });
    scratch = targetOf(dataDir);
    expect(output).toContain(`Local Appwrite console at ${scratch.origin}/console`);
    const api = new Client()
      .setEndpoint(`${scratch.origin}/v1`)
      .setProject(scratch.projectId)
      .setKey(scratch.apiKey);
    tables = new TablesDB(api);
    await tables.create({ databaseId: 'shop', name: 'Shop' });
    await tables.createTable({ databaseId: 'shop', tableId: 'items', name: 'Items' });
    await tables.createStringColumn({
      databaseId: 'shop',
      tableId: 'items',
      key: 'label',
      size: 64,
      required: true,
    });
    await tables.createIntegerColumn({
      databaseId: 'shop',
      tableId: 'items',
      key: 'stock',
      required: false,
      min: 0,
      max: 1000,
    });
    for (const [rowId, label, stock] of [
      ['apple', 'Apple', 3],
      ['pear', 'Pear', 5],
    ] as const) {
      await tables.createRow({
        databaseId: 'shop',
        tableId: 'items',
        rowId,
        data: { label, stock },
      });
    }
    await deployFunction(
      api,
      'echo',
      esmFunction(
        `export default async ({ req, res, log }) => { log('got ' + req.bodyText); return res.json({ ok: true }); };`,
      ),
      { execute: ['any'], logging: true },
    );
  }, 240_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('signs in, edits a row with the typed form (refusing what the server would), and follows API changes live', async () => {
    page = await newPage();
    await signIn(page, scratch);
    await openTable(page, 'Shop', 'Items');
    await editRow(page, 'pear');
    await page.getByLabel(/^stock\b/).fill('5000');
    await page.getByRole('button', { name: 'Save row' }).click();
    await visible(page.getByText('At most 1000.'));
    await page.getByLabel(/^stock\b/).fill('7');
    await page.getByLabel(/^label\b/).fill('Conference pear');
    await page.getByRole('button', { name: 'Save row' }).click();
    await visible(page.getByRole('cell', { name: 'Conference pear' }));
    const row = await tables.getRow({ databaseId: 'shop', tableId: 'items', rowId: 'pear' });
    expect([row.label, row.stock]).toEqual(['Conference pear', 7]);

    // A change made elsewhere reaches the open grid over Realtime, as the console.
    await tables.updateRow({
      databaseId: 'shop',
      tableId: 'items',
      rowId: 'pear',
      data: { label: 'Changed through the API' },
    });
    await visible(page.getByRole('cell', { name: 'Changed through the API' }));
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'scratch-rows');
  });

  it("executes a function with a body and reads the body back in the execution's logs", async () => {
    await page.getByRole('link', { name: 'Functions' }).click();
    await page.getByRole('link', { name: 'echo', exact: true }).click();
    await page.getByLabel('Body').fill('hello from the console');
    await page.getByRole('button', { name: 'Execute', exact: true }).click();
    // The executions list follows live; the detail has the logs.
    await visible(page.getByRole('table', { name: 'Executions' }).getByRole('link'));
    await page.getByRole('status').getByRole('link').click();
    await visible(page.getByLabel('Logs').getByText('got hello from the console'));
    await shot(page, 'scratch-execution');
  });

  it('creates a user, verifies, labels and blocks them in Auth', async () => {
    await page.getByRole('link', { name: 'Auth' }).click();
    await page.getByText('Create a user').click();
    await page.getByLabel("New user's email").fill('carol@example.com');
    await page.getByLabel("New user's password").fill('Carol-password-1');
    await page.getByRole('button', { name: 'Create user' }).click();
    const row = page.getByRole('row').filter({ hasText: 'carol@example.com' });
    await visible(row);
    await page.getByRole('button', { name: 'Verify carol@example.com' }).click();
    await visible(page.getByRole('button', { name: 'Unverify carol@example.com' }));
    await page.getByRole('button', { name: 'Edit labels of carol@example.com' }).click();
    await page.getByRole('textbox', { name: 'Labels of carol@example.com' }).fill('vip, beta');
    await page.getByRole('button', { name: 'Save labels' }).click();
    await visible(row.getByText('beta'));
    await page.getByRole('button', { name: 'Block carol@example.com' }).click();
    await visible(row.getByText('blocked'));
    expect(await axeViolations(page)).toEqual([]);
  });

  it('creates a team and adds a member with a role in Auth → Teams', async () => {
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByLabel("New team's name").fill('Editors');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('button', { name: 'Memberships of Editors' }).click();
    await page.getByLabel("Member's email").fill('carol@example.com');
    await page.getByLabel('Roles').fill('editor');
    await page.getByRole('button', { name: 'Add member' }).click();
    await visible(page.getByRole('button', { name: 'Remove carol@example.com from Editors' }));
    await visible(page.getByText(/— editor —/));
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'scratch-teams');
  });

  it('shows Realtime events in the inspector, as the console', async () => {
    await page.getByRole('link', { name: 'Realtime' }).click();
    await page.getByLabel('Channels').fill('tablesdb.shop.tables.items.rows');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await visible(page.getByText('Status: connected'));
    await tables.updateRow({
      databaseId: 'shop',
      tableId: 'items',
      rowId: 'apple',
      data: { label: 'Seen by the inspector' },
    });
    await visible(page.getByText(/"label": "Seen by the inspector"/));
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'scratch-realtime');
  });
});
