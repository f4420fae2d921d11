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

/** Called for every published event; must not throw (errors are caught and reported, not rethrown). */
export type EventListener = (event: AppwriteEvent) => void;

/** Publishes events to listeners, synchronously and in order, after the change has committed. */
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
