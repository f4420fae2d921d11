import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Account, Client, Functions, Query, Storage, TablesDB, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmStartArgs } from '#lib/stack.ts';
import { siteRequest } from '../support/sites.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The process ids of function workers (emulator/runtime/worker/worker.mjs) running under `dir`. */
function workersUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!command.includes('/runtime/worker/worker.mjs')) continue;
      if (realpathSync(`/proc/${entry}/cwd`).startsWith(realpathSync(dir)))
        found.push(Number(entry));
    } catch {
      // It ended while being read, or is not ours to read.
    }
  }
  return found;
}

/** `npm start` as a person runs it, on free ports and a temporary data folder. */
describe('npm start', () => {
  let child: ChildProcess;
  let output = '';
  let dataDir: string;
  let appUrl: string;
  let endpoint: string;

  const waitFor = (pattern: RegExp, ms = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${output}`)), ms);
      const check = () => {
        const match = output.match(pattern);
        if (!match) return;
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(match);
      };
      child.stdout?.on('data', check);
      check();
    });

  /**
   * What `npm start` runs (plain node on the cached bundle of scripts/start.ts) on `dataDir`, its
   * output collected afresh in `output`.
   */
  const startStack = (port?: string) => {
    output = '';
    child = spawn(process.execPath, npmStartArgs(dataDir, port), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output += chunk;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-start-'));
    startStack();
    // Builds every function, seeds users and the demo board through the functions: slow on a busy machine.
    const [, app = '', api = ''] = await waitFor(/App: +(\S+)\n\s+Local Appwrite: +(\S+)/, 150_000);
    appUrl = app;
    endpoint = api;
  }, 180_000);

  const adminFunctions = () => {
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    return new Functions(new Client().setEndpoint(endpoint).setProject('agora').setKey(apiKey));
  };

  // The data folder holds the Site's dependency cache (the client's node_modules): slow to remove.
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  // Seeding runs posts, moderation and on-user-created; their workers are let go once it is done
  // instead of idling for Appwrite's hour, and each function starts its own on its next execution.
  it.runIf(process.platform === 'linux')(
    'keeps no function worker once the demo data is seeded; the next execution starts one',
    async () => {
      await expect.poll(() => workersUnder(dataDir), { timeout: 10_000 }).toEqual([]);
      const execution = await adminFunctions().createExecution({
        functionId: 'health',
        xpath: '/',
        method: 'GET' as never,
      });
      expect(execution.responseStatusCode).toBe(200);
      expect(workersUnder(dataDir)).toHaveLength(1);
    },
  );

  it('serves the client, with /v1 proxied to the local Appwrite on the same origin', async () => {
    const page = await fetch(appUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Agora</title>');
    const version = await fetch(`${appUrl}v1/health/version`);
    expect(await version.json()).toEqual({ version: '1.9.5' });
  });

  it('applies appwrite.json and seeds demo logins that work', async () => {
    const account = new Account(new Client().setEndpoint(endpoint).setProject('agora'));
    const session = await account.createEmailPasswordSession({
      email: 'admin@example.com',
      password: 'Agora-lead-1',
    });
    expect(output).toContain('[seed] created admin@example.com');

    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const client = new Client().setEndpoint(endpoint).setProject('agora').setKey(apiKey);
    // The seeded users carry derived ids, so on-user-created (given the local secret) makes their
    // profiles and counts them instead of blocking them.
    const tablesDb = new TablesDB(client);
    const deadline = Date.now() + 15_000;
    let profile = null;
    while (!profile && Date.now() < deadline) {
      profile = await tablesDb
        .getRow({ databaseId: 'agora', tableId: 'profiles', rowId: session.userId })
        .catch(() => null);
      if (!profile) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(profile?.name).toBe('Alex Admin');
    const user = await new Users(client).get({ userId: session.userId });
    expect(user.status).toBe(true);
    // The gate vetted the admin and gave the role its registration asked for.
    expect(user.labels).toEqual(['member', 'admin']);
    const { tables } = await new TablesDB(client).listTables({ databaseId: 'agora' });
    const declared = JSON.parse(readFileSync(join(root, 'appwrite.json'), 'utf8')) as {
      tables: { $id: string }[];
    };
    expect(tables.map((t) => t.$id).sort()).toEqual(declared.tables.map((t) => t.$id).sort());
    const { buckets } = await new Storage(client).listBuckets();
    expect(buckets.map((b) => b.$id).sort()).toEqual(['avatars', 'exports']);
  });

  it('opens on a living board: the demo posts, comments and likes, every counter matching', async () => {
    expect(output).toMatch(
      /\[seed\] 12 posts, \d+ comments and \d+ likes through the posts function/,
    );
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const tablesDb = new TablesDB(
      new Client().setEndpoint(endpoint).setProject('agora').setKey(apiKey),
    );
    const rows = async (tableId: string) =>
      (await tablesDb.listRows({ databaseId: 'agora', tableId, queries: [Query.limit(100)] })).rows;
    const [posts, comments, likes] = await Promise.all([
      rows('posts'),
      rows('comments'),
      rows('likes'),
    ]);
    expect(posts).toHaveLength(12);
    expect(new Set(posts.map((post) => post.authorId)).size).toBe(4);
    expect(posts.every((post) => (post.tags as string[]).length > 0)).toBe(true);
    for (const post of posts) {
      expect(post.likesCount, post.title).toBe(likes.filter((l) => l.postId === post.$id).length);
      expect(post.commentsCount, post.title).toBe(
        comments.filter((c) => c.postId === post.$id).length,
      );
    }
    const stats = await tablesDb.getRow({ databaseId: 'agora', tableId: 'stats', rowId: 'global' });
    expect(stats).toMatchObject({
      posts: posts.length,
      comments: comments.length,
      likes: likes.length,
    });
  });

  it('deploys the health function, runs it, and prints its executions with its name', async () => {
    const functions = adminFunctions();
    const execution = await functions.createExecution({
      functionId: 'health',
      xpath: '/',
      method: 'GET' as never,
    });
    expect(execution.responseStatusCode).toBe(200);
    expect(JSON.parse(execution.responseBody)).toMatchObject({ status: 'pass' });
    await waitFor(/\[health\] http GET \/ → 200 in \d+ ms/, 10_000);
  });

  it('rebuilds and redeploys a function when its source is saved; the next execution runs it', async () => {
    const functions = adminFunctions();
    const before = (await functions.get({ functionId: 'health' })).deploymentId;
    const now = new Date();
    utimesSync(join(root, 'functions/health/src/main.ts'), now, now);
    await waitFor(/\[build\] rebuilt health and deployed health in \d+ ms/, 15_000);
    const after = (await functions.get({ functionId: 'health' })).deploymentId;
    expect(after).not.toBe(before);
    const execution = await functions.createExecution({
      functionId: 'health',
      xpath: '/',
      method: 'GET' as never,
    });
    expect(execution.deploymentId).toBe(after);
    expect(execution.responseStatusCode).toBe(200);
  });

  it('serves the production build through the local Site, pushed with appwrite-cli and built by the local Appwrite', async () => {
    const [, siteUrl = ''] = await waitFor(/Site \(production build\): +(\S+)/, 5_000);
    expect(siteUrl).toMatch(/^http:\/\/agora\.sites\.localhost:\d+\/$/);
    // A cold build installs the client's dependencies from the registry: minutes at worst.
    await waitFor(/\[site\] production build ready at /, 240_000);
    const { host, port } = new URL(siteUrl);
    const page = await siteRequest(Number(port), host.replace(/:\d+$/, ''), '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Agora</title>');
    const script = page.body.match(/src="(\/assets\/index-[^"]+\.js)"/)?.[1] ?? '';
    const bundle = await siteRequest(Number(port), host.replace(/:\d+$/, ''), script);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // The build points the client at the Site's own origin, where /v1 is the local Appwrite.
    expect(bundle.body).toContain(`${siteUrl}v1`);
  }, 260_000);

  // SIGTERM, as a process manager stops it (Ctrl-C's SIGINT takes the same path): Vite's own
  // SIGTERM handler used to end the process first and leave the local Appwrite serving.
  it('stops everything on SIGTERM, the local Appwrite included', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${endpoint}/health/version`)).rejects.toThrow();
  });

  // The Site's build (npm install and vite build) runs only when what it is built from changed. Then
  // SIGKILL, which npm start cannot pass on: the local Appwrite must not serve on, orphaned.
  it('on a restart with the same data and port, serves the Site without pushing it again; killed outright, it takes the local Appwrite with it', async () => {
    const port = new URL(endpoint).port;
    startStack(port);
    const [, how = ''] = await waitFor(
      /\[site\] production build ready at \S+ \(([^)]*)\)/,
      90_000,
    );
    expect(how).toBe('unchanged since its active deployment: not pushed again');
    const { host } = new URL((await waitFor(/Site \(production build\): +(\S+)/))[1] ?? '');
    const page = await siteRequest(Number(port), host.replace(/:\d+$/, ''), '/');
    expect(page.body).toContain('<title>Agora</title>');
    await expect(fetch(`${endpoint}/health/version`)).resolves.toMatchObject({ status: 200 });
    const exited = new Promise<unknown>((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await expect
      .poll(
        () =>
          fetch(`${endpoint}/health/version`).then(
            () => 'serving',
            () => 'stopped',
          ),
        {
          timeout: 10_000,
        },
      )
      .toBe('stopped');
  }, 120_000);
});
