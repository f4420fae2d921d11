import { join } from 'node:path';
import { Avatars } from './avatars/service.ts';
import { type FunctionsService, openFunctionsService } from './functions/service.ts';
import { ConsoleAccounts } from './identity/console-account.ts';
import { type Identity, openIdentity } from './identity/service.ts';
import { Locale } from './locale/service.ts';
import { AbuseCounters, DEFAULT_MAX_COUNTERS } from './platform/abuse.ts';
import { openDatabase, type Sql } from './platform/db.ts';
import { EventBus } from './platform/events.ts';
import { makePrivateFolder, tightenTree } from './platform/private-files.ts';
import { ProjectSettingsStore } from './project/settings.ts';
import { openSitesService, type SitesService } from './sites/service.ts';
import { Storage } from './storage/service.ts';
import { openTablesDB, type TablesDB } from './tablesdb/service.ts';
import { Teams } from './teams/service.ts';

/**
 * The one project this local Appwrite serves: every core service, built once by `openProject` and
 * handed to whatever needs one (the HTTP routes, Realtime, the appwrite.json appliers, tests). No
 * service is found any other way — there is no registry keyed by the database or the server.
 *
 * It owns the SQLite handle when it opened it (from `dataDir`, or in memory), the event bus, the
 * functions' clock, warm workers and temporary folders, and the abuse counters; `close()` releases
 * them.
 */
export interface Project {
  /** The single project served; requests for any other id get 404 `project_not_found`. */
  readonly projectId: string;
  /** The data folder (the SQLite file, stored files, deployments), or `null` in memory. */
  readonly dataDir: string | null;
  /** The one SQLite handle (WAL). Services take it; HTTP code goes through the services. */
  readonly db: Sql;
  /**
   * Every committed change, published once as an `AppwriteEvent` (platform/events.ts); Realtime,
   * function triggers and webhooks subscribe. Names for matching come from platform/event-names.ts.
   */
  readonly events: EventBus;
  /** Users, sessions, tokens, API keys, JWTs, the outbox and the password history. */
  readonly identity: Identity;
  /** Teams and memberships; a user's confirmed memberships are part of their roles. */
  readonly teams: Teams;
  /** The project's services, auth methods and policies (`/v1/project`, appwrite.json `settings`). */
  readonly settings: ProjectSettingsStore;
  /** The local console account `appwrite login` signs in with (not a project user). */
  readonly consoleAccounts: ConsoleAccounts;
  /** Databases, tables, columns, indexes and rows: one schema cache, one write queue. */
  readonly tablesdb: TablesDB;
  /** Buckets, files, their bytes and file tokens. */
  readonly storage: Storage;
  /** Functions, deployments, executions, proxy rules, webhooks, the runner and the clock. */
  readonly functions: FunctionsService;
  /** Sites: their variables, deployments and builds (core/sites/). */
  readonly sites: SitesService;
  /** Appwrite's abuse-limit counters (in memory; they reset when the process restarts). */
  readonly abuse: AbuseCounters;
  /** Initials, QR codes and the flag, browser and credit-card icons, drawn from packaged assets. */
  readonly avatars: Avatars;
  /** Countries, continents, currencies, languages and locale codes, from packaged data. */
  readonly locale: Locale;
  /** Where a function reaches this server (`http://127.0.0.1:<port>/v1` once it listens). */
  endpoint(): string;
  /**
   * Stops the clock and the workers, waits for background executions and webhook deliveries,
   * removes temporary folders, and closes the database if the project opened it.
   */
  close(): Promise<void>;
}

/** How to open a project. Give `db` (tests, in memory) or `dataDir` (the SQLite file lives there). */
export interface ProjectOptions {
  projectId: string;
  /** A database handle the caller owns (it stays open after `close()`). */
  db?: Sql;
  /**
   * The data folder: created 0700, an existing one tightened to owner-only modes
   * (platform/private-files.ts). Without it and without `db`, the project lives in memory.
   */
  dataDir?: string | null;
  /** Where functions call back to this server; the app passes its listening address. */
  endpoint?: () => string;
  /** Bounds of the abuse counter store (tests shrink it and pin its clock). */
  abuse?: { maxCounters?: number; now?: () => number };
  /** A site build's time limit in seconds (`_APP_COMPUTE_BUILD_TIMEOUT`, default 900). */
  buildTimeout?: number;
}

/** The SQLite file inside a data folder. */
export function databaseFile(dataDir: string): string {
  return join(dataDir, 'appwrite-local.sqlite');
}

/** Where a function reaches a server that is not listening (the app passes the real address). */
const NOT_LISTENING = () => 'http://localhost/v1';

/**
 * Builds every service of the project once, in dependency order:
 *
 * 1. the data folder and the database — everything below keeps its state there;
 * 2. the event bus — services publish to it, so it exists before any of them;
 * 3. identity (users first: sessions, tokens and the password history reference them), teams
 *    (memberships reference users), the project settings and the console accounts;
 * 4. TablesDB and Storage, whose start-up sweep removes unfinished uploads older than a day before
 *    anything is served;
 * 5. Functions last, as it uses identity (execution keys and JWTs), the bus and the endpoint; it is
 *    subscribed to the bus (event triggers, webhooks) and only then its one-second clock is started,
 *    so a tick never sees a half-built project. Queued executions left by an earlier run are not
 *    resumed here: the app calls `functions.executor.resume()` once it listens, so they see its
 *    real address.
 *
 * `close()` undoes it in reverse order.
 */
export async function openProject(options: ProjectOptions): Promise<Project> {
  const { projectId } = options;
  const dataDir = options.dataDir ?? null;
  if (dataDir) {
    makePrivateFolder(dataDir);
    tightenTree(dataDir);
  }
  const ownsDb = !options.db;
  const db = options.db ?? openDatabase(dataDir ? databaseFile(dataDir) : ':memory:');
  const endpoint = options.endpoint ?? NOT_LISTENING;
  try {
    const events = new EventBus();
    const identity = openIdentity(db, events);
    const teams = new Teams(db, events, identity);
    const settings = new ProjectSettingsStore(db);
    const consoleAccounts = new ConsoleAccounts(db);
    const tablesdb = openTablesDB(db, events);
    const storage = new Storage(db, dataDir, events);
    await storage.sweepStaleUploads();

    const functions = openFunctionsService({
      db,
      projectId,
      dataDir,
      identity,
      endpoint,
      publish: (event) => events.publish(event),
    });
    const unsubscribeFunctions = events.subscribe((event) => functions.onEvent(event));
    functions.startClock();
    const sites = openSitesService({
      db,
      projectId,
      dataDir,
      rules: functions.rules,
      endpoint,
      publish: (event) => events.publish(event),
      projectVariables: () =>
        Object.fromEntries(functions.functions.variables(null).map((v) => [v.key, v.value])),
      buildTimeout: options.buildTimeout,
    });

    const abuse = new AbuseCounters(
      options.abuse?.maxCounters ?? DEFAULT_MAX_COUNTERS,
      options.abuse?.now,
    );

    return {
      projectId,
      dataDir,
      db,
      events,
      identity,
      teams,
      settings,
      consoleAccounts,
      tablesdb,
      storage,
      functions,
      sites,
      abuse,
      avatars: new Avatars(),
      locale: new Locale(),
      endpoint,
      async close() {
        unsubscribeFunctions();
        await sites.close();
        await functions.close();
        storage.close();
        if (ownsDb) db.close();
      },
    };
  } catch (error) {
    if (ownsDb) db.close();
    throw error;
  }
}
