import { isoDate } from './time.ts';
import type { WriteOptions } from './write-options.ts';

/**
 * The event bus: every change the core makes is published here once, and the parts that react to
 * changes — Realtime, event-triggered functions, webhooks — subscribe. The core never knows who
 * listens (PocketBase's hooks work the same way).
 */

/** One change, as Appwrite describes it. */
export interface AppwriteEvent {
  /**
   * The route's event pattern with `[param]` placeholders, as Appwrite labels its routes:
   * `databases.[databaseId].tables.[tableId].rows.[rowId].create`, `users.[userId].create`,
   * `buckets.[bucketId].files.[fileId].delete`, `functions.[functionId].executions.[executionId].update`.
   */
  pattern: string;
  /** The values of the pattern's placeholders: `{ databaseId: 'main', tableId: 'tasks', rowId: 'r1' }`. */
  params: Readonly<Record<string, string>>;
  /** The resource as the API returns it (format 1.9.5): the Row, User, File or Execution model. */
  payload: Readonly<Record<string, unknown>>;
  /**
   * Who may read the resource, as Appwrite roles (`any`, `users`, `user:ID`, `label:X`...): for a row,
   * the table's read roles plus — with row security — the row's; for a file, the bucket's plus the
   * file's; for an execution, its own; for a user, `user:ID`. Realtime delivers only to holders.
   */
  readRoles: readonly string[];
  /** Extra facts some listeners need: the database type for row events (`tablesdb` or `legacy`). */
  databaseType?: 'tablesdb' | 'legacy';
  /** The user who made the change, if a user did (webhooks send it as `X-Appwrite-Webhook-User-Id`). */
  userId?: string;
  /** When the change happened (ISO 8601 with offset). */
  timestamp: string;
}

/**
 * An event for a change made through the API: `userId` when a user made it (`options.by`), stamped
 * now. The services' event builders (identity, teams) give it their pattern and readers.
 */
export function changeEvent(
  pattern: string,
  params: Record<string, string>,
  payload: Record<string, unknown>,
  readRoles: readonly string[],
  options: WriteOptions,
): AppwriteEvent {
  return {
    pattern,
    params,
    payload,
    readRoles,
    ...(options.by === undefined ? {} : { userId: options.by }),
    timestamp: isoDate(),
  };
}

/** Called for every published event; must not throw (errors are caught and reported, not rethrown). */
export type EventListener = (event: AppwriteEvent) => void;

/**
 * Publishes events to listeners, synchronously and in order, after the change has committed. A
 * listener runs inside the write that published, so it must be cheap: Realtime routes here (it names
 * channels only when a socket listens); triggers and webhooks only put the event on an `EventQueue`.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = (error) => console.error(error)) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Publishes one event. A listener that throws does not stop the others or the caller. */
  publish(event: AppwriteEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}

/** How many events an `EventQueue` holds before `push` handles the oldest one itself. */
export const EVENT_QUEUE_CAP = 10_000;

/** How many queued events one turn of the event loop handles before yielding to I/O. */
export const EVENT_QUEUE_BATCH = 256;

/** What an `EventQueue` is built with. */
export interface EventQueueOptions {
  /** Handles one event, in publishing order; an error it throws goes to `onError`. */
  handle: (event: AppwriteEvent) => void;
  /** Where a handler's error is reported (never rethrown to the publisher). */
  onError?: (error: unknown) => void;
  /** `EVENT_QUEUE_CAP` unless a test shrinks it. */
  cap?: number;
}

/**
 * Takes a listener off the write path: `push` (called inside `publish`) only appends the event, and
 * a drain scheduled with `setImmediate` — after the current turn, so after the write's response is
 * decided — hands events to `handle` one by one, oldest first, at most `EVENT_QUEUE_BATCH` per turn.
 *
 * Bounded: when `cap` events are waiting, `push` first handles the oldest one itself, so memory
 * stays bounded and no event is dropped; only a publisher outrunning the drain by `cap` events pays
 * for it (Appwrite's Redis queue has no cap). `idle()` waits for the drain, `flush()` handles what is
 * left at once (shutdown), `close()` flushes and then ignores later pushes.
 */
export class EventQueue {
  readonly #handle: (event: AppwriteEvent) => void;
  readonly #onError: (error: unknown) => void;
  readonly #cap: number;
  #events: AppwriteEvent[] = [];
  #head = 0;
  #drain: NodeJS.Immediate | null = null;
  #waiters: (() => void)[] = [];
  #handled = 0;
  #closed = false;

  constructor(options: EventQueueOptions) {
    this.#handle = options.handle;
    this.#onError = options.onError ?? ((error) => console.error(error));
    this.#cap = Math.max(1, options.cap ?? EVENT_QUEUE_CAP);
  }

  /** Events waiting to be handled. */
  get pending(): number {
    return this.#events.length - this.#head;
  }

  /** Events handled so far (by the drain, by a full `push` or by `flush`). */
  get handled(): number {
    return this.#handled;
  }

  /** Queues an event; when the queue is full, handles the oldest waiting one first. */
  push(event: AppwriteEvent): void {
    if (this.#closed) return;
    if (this.pending >= this.#cap) this.#handleNext();
    this.#events.push(event);
    this.#drain ??= setImmediate(() => this.#drainTurn());
  }

  /** Resolves once no event is waiting (at once when none is). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Handles every waiting event now, in order. */
  flush(): void {
    if (this.#drain) clearImmediate(this.#drain);
    this.#drain = null;
    while (this.pending > 0) this.#handleNext();
    this.#settle();
  }

  /** Flushes, then ignores further pushes. */
  close(): void {
    this.flush();
    this.#closed = true;
  }

  /** One turn's batch; `#drain` stays set meanwhile, so a handler's own push schedules nothing. */
  #drainTurn(): void {
    for (let n = 0; n < EVENT_QUEUE_BATCH && this.pending > 0; n++) this.#handleNext();
    this.#drain = this.pending > 0 ? setImmediate(() => this.#drainTurn()) : null;
    this.#settle();
  }

  #handleNext(): void {
    const event = this.#events[this.#head];
    this.#head += 1;
    if (this.#head === this.#events.length) {
      this.#events = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
    if (event === undefined) return;
    this.#handled += 1;
    try {
      this.#handle(event);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Wakes `idle()` callers once the queue is empty (a handler may have pushed more). */
  #settle(): void {
    if (this.pending > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
