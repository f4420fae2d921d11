/**
 * `npm start`: the whole product on one machine. Builds the functions, starts the local Appwrite
 * (which applies appwrite.json), seeds the demo data, serves the client through Vite (with `/v1`
 * proxied to the local Appwrite), pushes the client as the local Site (its production build, built
 * by the local Appwrite in the background), and rebuilds a function's bundle when its source or
 * shared code changes, so the next execution runs the new code. Ctrl-C stops everything.
 *
 *   npm start -- [--reset] [--port 8080] [--client-port 5173] [--data .appwrite-local]
 *                [--import FILE] [--export-on-exit FILE] [--export FILE]
 *
 * The state flags go to the local Appwrite (emulator/main.ts): `--import` starts from an exported
 * state (then appwrite.json and the demo data are applied over it, as on any start),
 * `--export-on-exit` exports the state when Ctrl-C stops everything, and `--export` only exports the
 * data folder's state and exits.
 *
 * `--port 0` / `--client-port 0` pick free ports (tests run whole stacks this way).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { stop as stopEsbuild } from 'esbuild';
import { AppwriteException, Client, Functions, ID, Sites } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import * as tar from 'tar';
import type { ViteDevServer } from 'vite';
import { RETIRE_WORKERS_MESSAGE } from '../emulator/runtime/idle-settings.ts';
import {
  type BuiltFunction,
  buildFunctions,
  buildStaleFunctions,
  listFunctionIds,
} from './build-functions.ts';
import { ensureSite, ensureSiteRule, pushSites, setSiteVariable, sitesOf } from './deploy-site.ts';
import { localSecrets } from './local-secrets.ts';
import { readSiteRecord, siteIsCurrent, siteSourceHash, writeSiteRecord } from './local-site.ts';
import { DEMO_USERS, seedBoard, seedUsers } from './seed.ts';

/** The functions that derive or check user ids, and so share `AGORA_ID_SECRET`. */
const ID_SECRET_FUNCTIONS = ['accounts', 'on-user-created', 'admin'];

/**
 * Sets a function variable on each named function that exists (creating or updating it), as an
 * operator would in the console. The local Appwrite gives the next execution the new value.
 */
async function setVariable(
  functions: Functions,
  ids: readonly string[],
  key: string,
  value: string,
) {
  for (const functionId of ids) {
    const found = await functions.listVariables({ functionId }).catch((error: unknown) => {
      if (error instanceof AppwriteException && error.code === 404) return null;
      throw error;
    });
    if (!found) continue;
    const existing = found.variables.find((variable) => variable.key === key);
    // Secret values read back blank, so an existing one is simply written again.
    if (existing) {
      await functions.updateVariable({
        functionId,
        variableId: existing.$id,
        key,
        value,
        secret: true,
      });
    } else {
      await functions.createVariable({
        functionId,
        variableId: ID.unique(),
        key,
        value,
        secret: true,
      });
    }
  }
}

const ROOT = resolve(import.meta.dirname, '..');
/**
 * The local Appwrite runs as plain node on its cached bundle (scripts/bundle.mjs, rebuilt when a
 * source is newer): no TypeScript loader, its esbuild service or wrapper process beside it.
 */
const EMULATOR = [join(ROOT, 'scripts/bundle.mjs'), join(ROOT, 'emulator/main.ts')];

interface Options {
  port: string;
  clientPort: number;
  data: string;
  reset: boolean;
  /** State flags passed to the local Appwrite as they are (`--import`, `--export-on-exit`). */
  stateFlags: string[];
  /** `--export FILE`: export the data folder's state and exit. */
  exportFile: string | undefined;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8080' },
      'client-port': { type: 'string', default: '5173' },
      data: { type: 'string', default: '.appwrite-local' },
      reset: { type: 'boolean', default: false },
      import: { type: 'string' },
      'export-on-exit': { type: 'string' },
      export: { type: 'string' },
    },
  });
  const stateFlags: string[] = [];
  if (values.import) stateFlags.push('--import', resolve(values.import));
  if (values['export-on-exit'])
    stateFlags.push('--export-on-exit', resolve(values['export-on-exit']));
  return {
    port: values.port,
    clientPort: Number(values['client-port']),
    data: resolve(values.data),
    reset: values.reset,
    stateFlags,
    exportFile: values.export === undefined ? undefined : resolve(values.export),
  };
}

/** Starts the local Appwrite as a child (its own event loop, as in production) and waits for it. */
function startAppwrite(options: Options): Promise<{ child: ChildProcess; endpoint: string }> {
  const args = [...EMULATOR, '--port', options.port, '--data', options.data];
  args.push('--function-logs');
  if (options.reset) args.push('--reset');
  args.push(...options.stateFlags);
  // glibc's malloc serves a block of 128 KB or more from its own mapping, given back when freed:
  // by default that threshold rises to the largest block freed, so each 16 MB scrypt buffer of the
  // password hashes (seeding makes four at once, each on a thread of its own) stayed in a thread's
  // arena for good — ≈ 80 MB of the local Appwrite's memory. Elsewhere than glibc it means nothing.
  // Node itself, never a wrapper command such as tsx's, whose signal relay SIGKILLs a child that
  // has not acknowledged a signal within 30 ms — which would cut an `--export-on-exit` short.
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { MALLOC_MMAP_THRESHOLD_: String(128 * 1024), ...process.env },
    // The IPC channel carries one message: RETIRE_WORKERS_MESSAGE, once the demo data is seeded.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let ready = false;
    lines.on('line', (line) => {
      const match = line.match(/^Local Appwrite ready at (\S+)$/);
      if (match?.[1] && !ready) {
        ready = true;
        resolvePromise({ child, endpoint: match[1] });
        return;
      }
      // Everything else the local Appwrite prints (function logs included) passes through.
      console.log(line);
    });
    child.once('exit', (code) => {
      if (!ready) reject(new Error(`the local Appwrite exited with ${code} before it was ready`));
    });
  });
}

/**
 * Deploys freshly built bundles to the running local Appwrite through its API, as `appwrite push`
 * would: the function's `dist/` packed as a tar.gz, activated at once. A function the project does
 * not declare (no such function on the server) is skipped.
 */
async function redeploy(functions: Functions, built: readonly BuiltFunction[]): Promise<string[]> {
  const deployed: string[] = [];
  for (const { id } of built) {
    try {
      await functions.get({ functionId: id });
    } catch (error) {
      if (error instanceof AppwriteException && error.code === 404) continue;
      throw error;
    }
    const stream = tar.c({ gzip: true, cwd: join(ROOT, 'functions', id), portable: true }, [
      'dist',
    ]);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    await functions.createDeployment({
      functionId: id,
      code: InputFile.fromBuffer(Buffer.concat(chunks), `${id}.tar.gz`),
      activate: true,
      entrypoint: 'dist/main.js',
    });
    deployed.push(id);
  }
  return deployed;
}

let building = 0;
/**
 * Runs esbuild work, then stops esbuild's service process once no build is running: after
 * bundling the functions (node-appwrite and zod in each) it holds hundreds of MB; the next build
 * starts it again.
 */
async function withEsbuild<T>(work: () => Promise<T>): Promise<T> {
  building += 1;
  try {
    return await work();
  } finally {
    building -= 1;
    if (building === 0) await stopEsbuild();
  }
}

/** Vite's dev server for the client, listening, with `/v1` proxied to the local Appwrite. */
async function startVite(appwriteEndpoint: string, port: number): Promise<ViteDevServer> {
  process.env.AGORA_APPWRITE_URL = appwriteEndpoint.replace(/\/v1$/, '');
  // Imported here, not at the top: the local Appwrite is started without waiting for Vite to load.
  const { createServer } = await import('vite');
  const ownSigterm = new Set(process.listeners('SIGTERM'));
  const vite = await createServer({
    configFile: join(ROOT, 'vite.config.ts'),
    server: { port },
    clearScreen: false,
    logLevel: 'warn',
  });
  // Vite ends the process on SIGTERM by itself once its own server is closed, which left the local
  // Appwrite running on its port (and a Site build writing into the data folder): stop() in main()
  // closes both, in order, then exits.
  for (const listener of process.listeners('SIGTERM')) {
    if (!ownSigterm.has(listener)) process.off('SIGTERM', listener);
  }
  await vite.listen();
  return vite;
}

/**
 * Rebuilds functions when their source or the shared code changes and redeploys them, so the next
 * execution runs the new code; returns the watchers.
 */
function watchFunctions(functions: Functions): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Set<string>();
  const rebuild = async () => {
    const ids = pending.has('*') ? [] : [...pending];
    pending.clear();
    const started = performance.now();
    try {
      const built = await withEsbuild(() => buildFunctions(ids));
      const deployed = await redeploy(functions, built);
      const ms = Math.round(performance.now() - started);
      console.log(
        `[build] rebuilt ${built.map((b) => b.id).join(', ')} and deployed ${deployed.join(', ') || 'none'} in ${ms} ms`,
      );
    } catch (error) {
      console.error(`[build] failed: ${error instanceof Error ? error.message : error}`);
    }
  };
  const schedule = (id: string) => {
    pending.add(id);
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), 50);
  };
  const functionsDir = join(ROOT, 'functions');
  return [
    watch(functionsDir, { recursive: true }, (_event, file) => {
      if (!file || file.includes('/dist/') || file.startsWith('dist')) return;
      const [id = ''] = file.split('/');
      // A change in functions/_lib reaches every bundle.
      schedule(id.startsWith('_') ? '*' : id);
    }),
    watch(join(ROOT, 'shared'), { recursive: true }, () => schedule('*')),
  ];
}

/**
 * The client's production build, served the way production serves it: appwrite.json's site pushed
 * with the real appwrite-cli (scripts/deploy-site.ts, as `npm run deploy` pushes it) and built by the
 * local Appwrite, at `http://<siteId>.sites.localhost:<port>/`. Its build points the client at the
 * site's own origin (`/v1` there is the local Appwrite), as behind a custom domain in front of both.
 * Pushed only when its sources, settings or origin changed since the active deployment
 * (scripts/local-site.ts). Runs in the background; prints one line when the build is served, or why
 * not.
 */
async function deployLocalSite(
  client: Client,
  endpoint: string,
  projectId: string,
  apiKey: string,
  dataDir: string,
) {
  const config = JSON.parse(readFileSync(join(ROOT, 'appwrite.json'), 'utf8'));
  const [site] = sitesOf(config);
  if (!site) return null;
  const siteId = String(site.$id);
  const origin = `http://${siteId}.sites.localhost:${new URL(endpoint).port}`;
  const started = performance.now();
  const done = (async () => {
    const hash = siteSourceHash(site, ROOT, `${origin}/v1`);
    if (await siteIsCurrent(client, readSiteRecord(dataDir), siteId, hash)) {
      console.log(
        `[site] production build ready at ${origin}/ (unchanged since its active deployment: not pushed again)`,
      );
      return;
    }
    await ensureSite(client, site);
    await setSiteVariable(client, siteId, 'VITE_APPWRITE_ENDPOINT', `${origin}/v1`);
    const result = await pushSites(
      { endpoint, projectId, apiKey },
      { ...config, sites: [site] },
      ROOT,
    );
    if (!result.ok) throw new Error(result.output.trim().split('\n').slice(-3).join(' '));
    const { deploymentId } = await new Sites(client).get({ siteId });
    writeSiteRecord(dataDir, { siteId, deploymentId, hash });
    await ensureSiteRule(client, siteId, projectId, `${siteId}.sites.localhost`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`[site] production build ready at ${origin}/ (pushed and built in ${seconds} s)`);
  })().catch((error: unknown) => {
    console.error(
      `[site] the production build was not deployed: ${error instanceof Error ? error.message : error} (see its deployment's build logs)`,
    );
  });
  return { url: `${origin}/`, done };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.exportFile) {
    const child = spawn(
      process.execPath,
      [...EMULATOR, '--data', options.data, '--export', options.exportFile],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.once('exit', (code) => process.exit(code ?? 1));
    return;
  }

  // Only what changed since the last build: a start with nothing changed builds nothing.
  const { built, fresh } = await withEsbuild(buildStaleFunctions);
  const builtIds = built.map((b) => b.id).join(', ') || 'none';
  console.log(
    `[build] ${built.length + fresh.length} function bundle(s): built ${builtIds}; unchanged since their last build ${fresh.join(', ') || 'none'}`,
  );

  const appwrite = await startAppwrite(options);
  const credentials = JSON.parse(readFileSync(join(options.data, 'credentials.json'), 'utf8'));
  const client = new Client()
    .setEndpoint(appwrite.endpoint)
    .setProject(credentials.projectId)
    .setKey(credentials.apiKey);
  // Vite starts while the demo data is seeded: neither waits for the other.
  const viteStarted = startVite(appwrite.endpoint, options.clientPort);
  viteStarted.catch(() => undefined);
  const { idSecret, webhookSecret } = localSecrets(options.data);
  await setVariable(new Functions(client), ID_SECRET_FUNCTIONS, 'AGORA_ID_SECRET', idSecret);
  // The webhook receiver verifies against the URL a local webhook would be given: its function domain.
  const webhookUrl = `${appwrite.endpoint}/local/functions/webhooks/`;
  await setVariable(new Functions(client), ['webhooks'], 'AGORA_WEBHOOK_URL', webhookUrl);
  await setVariable(new Functions(client), ['webhooks'], 'AGORA_WEBHOOK_SECRET', webhookSecret);
  for (const line of await seedUsers(client, idSecret)) console.log(`[seed] ${line}`);
  for (const line of await seedBoard(client)) console.log(`[seed] ${line}`);
  // Seeding ran functions (posts, moderation, on-user-created): their workers would idle for up to an hour
  // (Appwrite's maintenance interval). Each function's worker starts again on its first execution.
  appwrite.child.send(RETIRE_WORKERS_MESSAGE);

  const vite = await viteStarted;
  const appUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${options.clientPort}/`;
  const watchers = watchFunctions(new Functions(client));
  const site = await deployLocalSite(
    client,
    appwrite.endpoint,
    credentials.projectId,
    credentials.apiKey,
    options.data,
  );

  console.log(
    [
      '',
      `Agora is running.`,
      `  App:             ${appUrl}`,
      `  Local Appwrite:  ${appwrite.endpoint}  (project ${credentials.projectId})`,
      `  Console:         ${appwrite.endpoint.replace(/\/v1$/, '/console')}  (sign in as ${credentials.consoleEmail}, password in credentials.json)`,
      ...(site ? [`  Site (production build): ${site.url}  (building in the background)`] : []),
      `  API key:         in ${join(options.data, 'credentials.json')}`,
      `  Functions:       ${(await listFunctionIds()).join(', ')} (rebuilt when you save)`,
      '  Demo logins:',
      ...DEMO_USERS.map(
        (u) => `    ${u.email.padEnd(20)} ${u.password}${u.admin ? '   (admin)' : ''}`,
      ),
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const watcher of watchers) watcher.close();
    await vite.close();
    await new Promise<void>((done) => {
      if (appwrite.child.exitCode !== null) return done();
      appwrite.child.once('exit', () => done());
      appwrite.child.kill('SIGTERM');
    });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  appwrite.child.once('exit', (code) => {
    if (!stopping) {
      console.error(`The local Appwrite stopped unexpectedly (${code}).`);
      void vite.close().then(() => process.exit(1));
    }
  });
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
