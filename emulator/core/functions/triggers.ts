import { Cron } from 'croner';
import { eventNames } from '../platform/event-names.ts';
import type { AppwriteEvent } from '../platform/events.ts';
import type { FunctionExecutor } from './executor.ts';
import type { FunctionStore } from './functions.ts';

/**
 * What starts a function without anyone calling it: published events its `events` match, and its
 * cron `schedule`. Appwrite does this in its functions worker (events) and its schedule task
 * (SRV Platform/Workers/Functions.php, Tasks/ScheduleFunctions.php).
 */
export class FunctionTriggers {
  readonly #functions: FunctionStore;
  readonly #executor: FunctionExecutor;
  #lastMinute = -1;

  constructor(functions: FunctionStore, executor: FunctionExecutor) {
    this.#functions = functions;
    this.#executor = executor;
  }

  /**
   * Called for every published event. Execution events never start a function: no function may
   * subscribe to `functions.*` (refused on create/update), and they are skipped here as well, so a
   * function's own execution can never trigger it again in a loop.
   */
  onEvent(event: AppwriteEvent): void {
    if (event.pattern.startsWith('functions.')) return;
    const functions = this.#functions.list().filter((fn) => fn.enabled && fn.events.length > 0);
    if (functions.length === 0) return;
    const names = eventNames(event);
    const first = names[0];
    if (first === undefined) return;
    const heard = new Set(names);
    for (const fn of functions) {
      if (fn.events.some((e) => heard.has(e))) this.#executor.runForEvent(fn, event, first);
    }
  }

  /**
   * Runs what is due at `now`: functions whose cron matches this minute (once per minute, however
   * often it is called) and scheduled executions whose time has come. A timer calls it every second;
   * tests call it with the instant they want.
   */
  tick(now: Date = new Date()): void {
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute !== this.#lastMinute) {
      this.#lastMinute = minute;
      const start = new Date(minute * 60_000);
      for (const fn of this.#functions.list()) {
        if (!fn.enabled || fn.schedule === '' || !fn.deploymentId) continue;
        if (cronMatches(fn.schedule, start)) this.#executor.runForSchedule(fn);
      }
    }
    this.#executor.runDue(now.getTime());
  }
}

/** Whether a (valid, 5-field or macro) cron expression fires at this minute, in UTC as Appwrite. */
function cronMatches(schedule: string, minute: Date): boolean {
  try {
    const macro = schedule.trim().startsWith('@');
    const cron = new Cron(schedule, {
      paused: true,
      mode: macro ? 'auto' : '5-part',
      timezone: 'Etc/UTC',
    });
    return cron.match(minute);
  } catch {
    return false;
  }
}
