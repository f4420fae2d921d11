import { Cron } from 'croner';
import { eventNames } from '../platform/event-names.ts';
import type { AppwriteEvent } from '../platform/events.ts';
import type { FunctionExecutor } from './executor.ts';
import type { FunctionDoc, FunctionStore } from './functions.ts';

/** What the triggers need of the executor (tests count the calls with a stand-in). */
export type TriggerExecutor = Pick<FunctionExecutor, 'runForEvent' | 'runForSchedule' | 'runDue'>;

/**
 * What starts a function without anyone calling it: published events its `events` match, and its
 * cron `schedule`. Appwrite does this in its functions worker (events) and its schedule task
 * (SRV Platform/Workers/Functions.php, Tasks/ScheduleFunctions.php).
 *
 * Which functions an event starts comes from an in-memory index, not from reading every function:
 * each entry of an enabled function's `events` (exactly as stored, `*` wildcards included) maps to the
 * ids of the functions that list it. An event's names (platform/event-names.ts, wildcard forms
 * included) are looked up one by one, so a function starts when one of its entries is one of the
 * names — Appwrite's own rule (`array_intersect` of the function's events and the event's names). The
 * index is built from the store once and then kept in step by the store's writes
 * (`FunctionStore.watch`: create, patch — events, enabled, deployment, anything — and delete).
 */
export class FunctionTriggers {
  readonly #functions: FunctionStore;
  readonly #executor: TriggerExecutor;
  /** A stored event entry → ids of the enabled functions that list it. */
  readonly #byEvent = new Map<string, Set<string>>();
  /** Id of an enabled function with events → the entries it is indexed under. */
  readonly #indexed = new Map<string, readonly string[]>();
  /** Id → creation rank, so the functions one event starts start oldest first, as before. */
  readonly #rank = new Map<string, number>();
  #nextRank = 0;
  #lastMinute = -1;

  constructor(functions: FunctionStore, executor: TriggerExecutor) {
    this.#functions = functions;
    this.#executor = executor;
    for (const fn of functions.list()) this.#reindex(fn.$id, fn);
    functions.watch((id, doc) => this.#reindex(id, doc));
  }

  /**
   * Whether an event may start a function: some enabled function lists events, and the event is not
   * an execution or other `functions.*` event — no function may subscribe to those (refused on
   * create/update), and they are skipped here as well, so a function's own execution can never
   * trigger it again in a loop. Cheap: the event bus listener asks it before queuing.
   */
  hears(event: AppwriteEvent): boolean {
    return this.#indexed.size > 0 && !event.pattern.startsWith('functions.');
  }

  /** The ids of the enabled functions one of whose `events` is among `names`, oldest first. */
  matching(names: readonly string[]): string[] {
    const ids = new Set<string>();
    for (const name of names) {
      const listed = this.#byEvent.get(name);
      if (listed) for (const id of listed) ids.add(id);
    }
    const matched = [...ids];
    if (matched.length > 1) {
      matched.sort((a, b) => (this.#rank.get(a) ?? 0) - (this.#rank.get(b) ?? 0));
    }
    return matched;
  }

  /**
   * Starts the functions an event matches (one execution each). `names` are the event's names when
   * the caller has them already (the functions service names each event once for triggers and
   * webhooks).
   */
  onEvent(event: AppwriteEvent, names?: readonly string[]): void {
    if (!this.hears(event)) return;
    const heard = names ?? eventNames(event);
    const first = heard[0];
    if (first === undefined) return;
    for (const id of this.matching(heard)) {
      const fn = this.#functions.find(id);
      if (fn) this.#executor.runForEvent(fn, event, first);
    }
  }

  /** Puts a function's current `events` in the index (or takes it out: deleted, disabled, none). */
  #reindex(id: string, doc: FunctionDoc | null): void {
    for (const entry of this.#indexed.get(id) ?? []) {
      const ids = this.#byEvent.get(entry);
      ids?.delete(id);
      if (ids?.size === 0) this.#byEvent.delete(entry);
    }
    this.#indexed.delete(id);
    if (doc === null) {
      this.#rank.delete(id);
      return;
    }
    if (!this.#rank.has(id)) this.#rank.set(id, this.#nextRank++);
    if (!doc.enabled || doc.events.length === 0) return;
    const entries = [...new Set(doc.events)];
    this.#indexed.set(id, entries);
    for (const entry of entries) {
      const ids = this.#byEvent.get(entry);
      if (ids) ids.add(id);
      else this.#byEvent.set(entry, new Set([id]));
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
