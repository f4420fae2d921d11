/**
 * The command line: `npm run emulator -- --port P --data DIR [--reset] [--project ID] [--host H]
 * [--no-abuse] [--import FILE] [--export-on-exit FILE] [--export FILE]`.
 *
 * The state flags work as Firebase's emulators do: `--import FILE` replaces the data folder's state
 * with an exported one before serving, `--export-on-exit FILE` exports it on SIGINT/SIGTERM before
 * stopping, and `--export FILE` exports the data folder's state and exits without serving (a running
 * server exports through `GET /v1/local/export`). The file is the one `/v1/local/export` makes.
 * The only file that listens. It binds 127.0.0.1 unless told otherwise, builds the local console
 * when its build is stale (console/build.ts), prints `Local Appwrite console at
 * http://127.0.0.1:<port>/console` and then, last, exactly one line
 * `Local Appwrite ready at http://127.0.0.1:<port>/v1` once it serves, writes `DIR/credentials.json`
 * (`{endpoint, projectId, apiKey}` with a full-scope key, plus `consoleEmail`/`consolePassword` for
 * `appwrite login`), and closes the server and the database on
 * SIGTERM or SIGINT. Started with an IPC channel (as `npm start` starts it), it hears one message:
 * `retire-workers` lets every warm function worker go (README-functions.md); and it stops when that
 * channel closes (its parent gone).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp, databaseFile } from './app.ts';
import { ensureConsoleBuild } from './console/build.ts';
import { CONSOLE_EMAIL } from './core/identity/console-account.ts';
import { writeStateFile } from './core/local-state/archive.ts';
import { importStateFile } from './core/local-state/swap.ts';
import { openDatabase } from './core/platform/db.ts';
import { makePrivateFolder } from './core/platform/private-files.ts';
import { applyProjectFile, findProjectFile } from './project-file.ts';
import { RETIRE_WORKERS_MESSAGE } from './runtime/idle-settings.ts';
import { printExecutionLogs } from './terminal-logs.ts';

const USAGE = `Usage: npm run emulator -- [--port 8080] [--data .appwrite-local] [--reset]
                            [--project <id>] [--host 127.0.0.1] [--function-logs] [--no-abuse]
                            [--import <file>] [--export-on-exit <file>] [--export <file>]`;

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
  /** A state file to start from (replaces the data folder's state). */
  importFile: string | undefined;
  /** Where to export the state on SIGINT/SIGTERM. */
  exportOnExit: string | undefined;
  /** Export the data folder's state here and exit. */
  exportFile: string | undefined;
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
      import: { type: 'string' },
      'export-on-exit': { type: 'string' },
      export: { type: 'string' },
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
    importFile: values.import === undefined ? undefined : resolve(values.import),
    exportOnExit:
      values['export-on-exit'] === undefined ? undefined : resolve(values['export-on-exit']),
    exportFile: values.export === undefined ? undefined : resolve(values.export),
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

  if (options.exportFile) return exportAndExit(options.dataDir, projectId, options.exportFile);
  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  makePrivateFolder(options.dataDir);
  if (options.importFile) {
    await importStateFile(options.importFile, options.dataDir);
    console.error(`Imported the state from ${options.importFile}.`);
  }

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
    // Each project the app opens (the first, and the one after an import or a reset).
    onProject: options.functionLogs
      ? (project) => printExecutionLogs(project.events, (line) => console.log(line))
      : undefined,
  });
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

  // A second signal means "now" — a third while exporting on exit, since `npm start` forwards the
  // terminal's Ctrl-C as a SIGTERM of its own.
  let signals = 0;
  const stop = async (signal: string) => {
    signals++;
    if (signals > (options.exportOnExit ? 2 : 1)) process.exit(1);
    if (signals > 1) return;
    try {
      if (options.exportOnExit) {
        console.error(`Exporting the state to ${options.exportOnExit}...`);
        await writeStateFile(app.emulator.db, options.dataDir, projectId, options.exportOnExit);
        console.error(`Exported the state to ${options.exportOnExit}.`);
      }
      await app.close();
      process.exit(0);
    } catch (error) {
      console.error(`Local Appwrite failed to stop cleanly after ${signal}:`, error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // A parent that started it with an IPC channel (`npm start`) may ask it to let its warm function
  // workers go; nothing else is heard there, and the channel never keeps the process alive. The
  // channel closing means the parent is gone without stopping it first (killed outright): it stops
  // as on SIGTERM, rather than serve on, holding the port and the data folder, with no one to stop it.
  if (process.send) {
    process.on('message', (message) => {
      if (message === RETIRE_WORKERS_MESSAGE) app.emulator.functions.runner.retireAll();
    });
    process.on('disconnect', () => void stop('the end of its parent'));
    process.channel?.unref();
  }

  console.log(`Local Appwrite console at ${endpoint.replace(/\/v1$/, '/console')}`);
  console.log(`Local Appwrite ready at ${endpoint}`);
}

/** `--export FILE`: the data folder's state into one file, without serving. */
async function exportAndExit(dataDir: string, projectId: string, file: string): Promise<void> {
  if (!existsSync(databaseFile(dataDir))) {
    throw new Error(`${dataDir} holds no local Appwrite state to export.`);
  }
  const db = openDatabase(databaseFile(dataDir));
  try {
    await writeStateFile(db, dataDir, projectId, file);
  } finally {
    db.close();
  }
  console.log(`Exported the state of ${dataDir} to ${file}`);
}

main().catch((error: unknown) => {
  console.error(
    `Local Appwrite could not start: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
