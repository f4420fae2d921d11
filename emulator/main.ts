/**
 * The command line: `npm run emulator -- --port P --data DIR [--reset] [--project ID] [--host H]
 * [--no-abuse]`.
 * The only file that listens. It binds 127.0.0.1 unless told otherwise, builds the local console
 * when its build is stale (console/build.ts), prints `Local Appwrite console at
 * http://127.0.0.1:<port>/console` and then, last, exactly one line
 * `Local Appwrite ready at http://127.0.0.1:<port>/v1` once it serves, writes `DIR/credentials.json`
 * (`{endpoint, projectId, apiKey}` with a full-scope key, plus `consoleEmail`/`consolePassword` for
 * `appwrite login`), and closes the server and the database on
 * SIGTERM or SIGINT.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from './app.ts';
import { ensureConsoleBuild } from './console/build.ts';
import { CONSOLE_EMAIL } from './core/identity/console-account.ts';
import { makePrivateFolder } from './core/platform/private-files.ts';
import { applyProjectFile, findProjectFile } from './project-file.ts';
import { printExecutionLogs } from './terminal-logs.ts';

const USAGE = `Usage: npm run emulator -- [--port 8080] [--data .appwrite-local] [--reset]
                            [--project <id>] [--host 127.0.0.1] [--function-logs] [--no-abuse]`;

interface Options {
  port: number;
  dataDir: string;
  reset: boolean;
  host: string;
  project: string | undefined;
  /** Print each finished execution's logs to the terminal, prefixed with the function's id. */
  functionLogs: boolean;
  /** Turn Appwrite's abuse limits off (as `_APP_OPTIONS_ABUSE=disabled` does); on by default. */
  noAbuse: boolean;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8080' },
      data: { type: 'string', default: '.appwrite-local' },
      reset: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      project: { type: 'string' },
      'function-logs': { type: 'boolean', default: false },
      'no-abuse': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${values.port}'.`);
  }
  return {
    port,
    dataDir: resolve(values.data),
    reset: values.reset,
    host: values.host,
    project: values.project,
    functionLogs: values['function-logs'],
    noAbuse: values['no-abuse'],
  };
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** The console password from an earlier run's credentials.json, so `appwrite login` keeps working. */
function previousConsolePassword(file: string): string | null {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    return typeof saved.consolePassword === 'string' ? saved.consolePassword : null;
  } catch {
    return null;
  }
}

/** The key from an earlier run's credentials.json, if it belongs to the same project. */
function previousKey(file: string, projectId: string): string | null {
  if (!existsSync(file)) return null;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    return saved.projectId === projectId && typeof saved.apiKey === 'string' ? saved.apiKey : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  // Whatever this process creates — SQLite's files, function code, files made outside our own
  // writers — is its owner's only; the writers set 0600/0700 themselves too (core/platform/private-files.ts).
  process.umask(0o077);
  const options = readOptions(process.argv.slice(2));
  const config = findProjectFile(process.cwd());
  const projectId = options.project ?? config?.projectId ?? 'local';

  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  makePrivateFolder(options.dataDir);

  if (!isLoopbackHost(options.host)) {
    console.error(
      [
        '',
        `  WARNING: --host ${options.host} exposes the local Appwrite beyond this machine.`,
        '  It holds a full-scope API key and demo passwords, with no TLS.',
        '  Only do this on a network you trust.',
        '',
      ].join('\n'),
    );
  }

  // The local console at /console: built now when its build is missing or older than its sources.
  await ensureConsoleBuild();
  const app = await buildApp({
    projectId,
    dataDir: options.dataDir,
    abuse: options.noAbuse ? false : undefined,
  });
  if (options.functionLogs) printExecutionLogs(app.emulator.events, (line) => console.log(line));
  if (config) await applyProjectFile(app.emulator, config);

  const credentialsFile = join(options.dataDir, 'credentials.json');
  const keys = app.emulator.identity.keys;
  const kept = previousKey(credentialsFile, projectId);
  const apiKey = kept && keys.find(kept) ? kept : keys.createFullScope().secret;
  // The local console account `appwrite login` signs in with (see emulator/README-functions.md).
  const consolePassword =
    previousConsolePassword(credentialsFile) ?? randomBytes(18).toString('base64url');
  await app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, consolePassword);

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const endpoint = `http://${shownHost}:${port}/v1`;

  writeFileSync(
    credentialsFile,
    `${JSON.stringify(
      { endpoint, projectId, apiKey, consoleEmail: CONSOLE_EMAIL, consolePassword },
      null,
      2,
    )}\n`,
    { mode: 0o600 },
  );
  chmodSync(credentialsFile, 0o600);

  let closing = false;
  const stop = async (signal: string) => {
    if (closing) process.exit(1); // a second signal means "now"
    closing = true;
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      console.error(`Local Appwrite failed to stop cleanly after ${signal}:`, error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  console.log(`Local Appwrite console at ${endpoint.replace(/\/v1$/, '/console')}`);
  console.log(`Local Appwrite ready at ${endpoint}`);
}

main().catch((error: unknown) => {
  console.error(
    `Local Appwrite could not start: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
