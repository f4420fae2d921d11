/**
 * What a core write method is told besides the change itself. Every write that Appwrite labels with
 * an event publishes it on the project's event bus once the change has committed (core/platform/
 * events.ts); the HTTP layer never publishes, it only says who asked.
 */
export interface WriteOptions {
  /**
   * The user who made the change, if a user did: the event's `userId` (webhooks send it as
   * `X-Appwrite-Webhook-User-Id`). Left out for API keys and guests. `userIdOf(principal)`
   * (core/platform/principal.ts) gives it.
   */
  by?: string;
}
