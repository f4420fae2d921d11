import { Cron } from 'croner';
import { AppwriteError } from '../platform/errors.ts';
import { isValidRole } from '../platform/permissions.ts';
import { ALL_KEY_SCOPES } from '../platform/scopes.ts';

/**
 * Validation of a function's settings, as Appwrite's create and update routes validate their params
 * (SRV Modules/Functions/Http/Functions/Create.php, Update.php): runtimes, execute roles, events,
 * cron schedule, timeout range, scopes and specifications. Each failure is 400
 * `general_argument_invalid` naming the param.
 */

/** Node runtimes Appwrite 1.9.5 lists (RT Runtimes.php); the local runner is Node only. */
export const RUNTIMES: readonly string[] = [
  'node-14.5',
  'node-16.0',
  'node-18.0',
  'node-19.0',
  'node-20.0',
  'node-21.0',
  'node-22',
  'node-23',
  'node-24',
  'node-25',
];

/** Compute specifications (SRV Compute/Specification.php), with the heap cap each gives a worker. */
export const SPECIFICATIONS: Readonly<Record<string, { cpus: number; memory: number }>> = {
  's-0.5vcpu-512mb': { cpus: 0.5, memory: 512 },
  's-1vcpu-512mb': { cpus: 1, memory: 512 },
  's-1vcpu-1gb': { cpus: 1, memory: 1024 },
  's-2vcpu-2gb': { cpus: 2, memory: 2048 },
  's-2vcpu-4gb': { cpus: 2, memory: 4096 },
  's-4vcpu-4gb': { cpus: 4, memory: 4096 },
  's-4vcpu-8gb': { cpus: 4, memory: 8192 },
  's-8vcpu-4gb': { cpus: 8, memory: 4096 },
  's-8vcpu-8gb': { cpus: 8, memory: 8192 },
};

/** Appwrite's default specification. */
export const DEFAULT_SPECIFICATION = 's-1vcpu-512mb';

/** `_APP_FUNCTIONS_TIMEOUT` default: the largest `timeout` a function may have. */
export const MAX_TIMEOUT = 900;

function invalid(name: string, what: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${what}`);
}

/** A cron expression Appwrite accepts (5 fields or a macro such as `@daily`), or '' for none. */
export function checkSchedule(schedule: string): string {
  if (schedule === '') return schedule;
  const macro = schedule.trim().startsWith('@');
  try {
    new Cron(schedule, { paused: true, mode: macro ? 'auto' : '5-part', timezone: 'Etc/UTC' });
  } catch {
    throw invalid('schedule', 'String must be a valid cron expression.');
  }
  return schedule;
}

/** Execute roles: at most 100 valid role strings of at most 64 characters. */
export function checkRoles(name: string, roles: string[]): string[] {
  if (roles.length > 100) throw invalid(name, 'at most 100 roles are allowed.');
  for (const role of roles) {
    if (role.length > 64 || !isValidRole(role)) {
      throw invalid(name, `${JSON.stringify(role)} is not a valid role.`);
    }
  }
  return roles;
}

const EVENT_PART = /^[A-Za-z0-9_.\-*]+$/;

/**
 * Event names a function may subscribe to. Appwrite refuses `functions.*` events here so that an
 * execution can never trigger a function (FunctionEvent validator) — which is also what keeps an
 * execution's own events from retriggering it.
 */
export function checkFunctionEvents(events: string[]): string[] {
  if (events.length > 100) throw invalid('events', 'at most 100 events are allowed.');
  for (const event of events) {
    if (event.startsWith('functions.')) {
      throw invalid('events', 'Triggering a function on a function event is not allowed.');
    }
    checkEventName('events', event);
  }
  return events;
}

/** One event name or pattern: dot-separated parts of ids, `*` and actions. */
export function checkEventName(name: string, event: string): void {
  const parts = event.split('.');
  if (event.length > 256 || parts.some((p) => p === '' || !EVENT_PART.test(p))) {
    throw invalid(name, `${JSON.stringify(event)} is not a valid event.`);
  }
}

/** Scopes of the per-execution key: names from Appwrite's project scope list. */
export function checkScopes(scopes: string[]): string[] {
  if (scopes.length > 100) throw invalid('scopes', 'at most 100 scopes are allowed.');
  for (const scope of scopes) {
    if (!ALL_KEY_SCOPES.includes(scope)) {
      throw invalid('scopes', `${JSON.stringify(scope)} is not a valid scope.`);
    }
  }
  return scopes;
}

/** A runtime id from the list. */
export function checkRuntime(runtime: string): string {
  if (!RUNTIMES.includes(runtime)) {
    throw invalid('runtime', `Value must be one of (${RUNTIMES.join(', ')}).`);
  }
  return runtime;
}

/** A specification id from the list. */
export function checkSpecification(name: string, value: string): string {
  if (!(value in SPECIFICATIONS)) {
    throw invalid(name, `Specification must be one of: ${Object.keys(SPECIFICATIONS).join(', ')}.`);
  }
  return value;
}

/** The function timeout: an integer from 1 to 900 seconds. */
export function checkTimeout(timeout: number): number {
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT) {
    throw invalid('timeout', `Value must be a valid range between 1 and ${MAX_TIMEOUT}.`);
  }
  return timeout;
}
