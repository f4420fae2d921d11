/**
 * How long a warm worker may sit idle, read from the variables Appwrite 1.9.5 hands its executor
 * (docker-compose.yml: `OPR_EXECUTOR_INACTIVE_THRESHOLD=$_APP_COMPUTE_INACTIVE_THRESHOLD`,
 * `OPR_EXECUTOR_MAINTENANCE_INTERVAL=$_APP_COMPUTE_MAINTENANCE_INTERVAL`), with the defaults of
 * app/config/variables.php and of the executor's app/http.php: 60 s idle, checked every 3600 s.
 * The older `_APP_FUNCTIONS_*` names are deprecated since 1.7.0 and no longer reach the executor,
 * so they are not read here either.
 */

/** Seconds without an execution after which a runtime may be removed (Appwrite's default). */
export const DEFAULT_INACTIVE_THRESHOLD_SECONDS = 60;

/** Seconds between two checks for inactive runtimes (Appwrite's default). */
export const DEFAULT_MAINTENANCE_INTERVAL_SECONDS = 3600;

/** The longest delay a Node timer takes (2^31 − 1 ms); a longer one fires after 1 ms instead. */
export const MAX_MAINTENANCE_INTERVAL_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * The message a parent process sends the local Appwrite over its IPC channel (emulator/main.ts) to
 * let every warm worker go (`FunctionRunner.retireAll`): `npm start` sends it once the demo data is
 * seeded, so the workers seeding started are not kept for an hour of nothing.
 */
export const RETIRE_WORKERS_MESSAGE = 'retire-workers';

/** When the runner stops an idle worker. */
export interface IdleSettings {
  /** A worker whose last execution ended more than this many seconds ago is stopped. */
  inactiveThresholdSeconds: number;
  /** How often, in seconds, the runner looks for such workers. */
  maintenanceIntervalSeconds: number;
}

/**
 * The settings from `env`: each variable unset or empty gives Appwrite's default; a value that is
 * not a whole number of seconds in range gives the default too, with a warning (Appwrite's `(int)`
 * cast would quietly turn it into 0, which for the interval stops the executor from starting).
 */
export function idleSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = console.warn,
): IdleSettings {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (value >= min && value <= max) return value;
    const range = max === Number.POSITIVE_INFINITY ? `at least ${min}` : `from ${min} to ${max}`;
    warn(
      `[local appwrite] ${name}=${JSON.stringify(env[name])} is not a whole number of seconds ${range}; using ${fallback}.`,
    );
    return fallback;
  };
  return {
    inactiveThresholdSeconds: read(
      '_APP_COMPUTE_INACTIVE_THRESHOLD',
      DEFAULT_INACTIVE_THRESHOLD_SECONDS,
      0,
      Number.POSITIVE_INFINITY,
    ),
    maintenanceIntervalSeconds: read(
      '_APP_COMPUTE_MAINTENANCE_INTERVAL',
      DEFAULT_MAINTENANCE_INTERVAL_SECONDS,
      1,
      MAX_MAINTENANCE_INTERVAL_SECONDS,
    ),
  };
}
