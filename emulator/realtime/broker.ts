/**
 * Who listens to what, with which roles. The broker knows connections only by id: it keeps each
 * one's identity and subscriptions, and for a published event answers which connections should get
 * it and under which subscription ids. Sockets, frames and timers live in transport.ts.
 * (PocketBase keeps the same split: tools/subscriptions is the broker, apis/realtime the transport.)
 */
import { eventNames } from '../core/platform/event-names.ts';
import type { AppwriteEvent } from '../core/platform/events.ts';
import { channelsOf, convertChannels } from './channels.ts';
import { matchesQueries, type RealtimeQueries } from './queries.ts';

/** Who a connection is: its user (or `''` for a guest), the session it used, and its roles. */
export interface ConnectionIdentity {
  userId: string;
  /** The session the connection authenticated with (`''` when none, e.g. a JWT without one). */
  sessionId: string;
  /** Appwrite roles, without the implied `any` (a guest holds `guests`). */
  roles: readonly string[];
  /**
   * The project's console (the local console's session, from its own page): it hears every event
   * on the channels it asks for, whatever the read roles, as Appwrite's console hears its project's.
   */
  admin?: boolean;
}

/** One subscription of a connection. */
export interface Subscription {
  /** The channels as the client asked for them. */
  requested: readonly string[];
  /** The channels it listens on for its current identity (see `convertChannels`). */
  channels: readonly string[];
  queries: RealtimeQueries;
}

interface Connection {
  identity: ConnectionIdentity;
  /**
   * The identity's role set as one string (`roleSetKey`): connections holding the same roles share
   * it, so an event checks its read roles once per distinct role set, not once per connection.
   */
  roleSet: string;
  subscriptions: Map<string, Subscription>;
  /**
   * channel → ids of this connection's subscriptions on it. Removing a subscription touches only its
   * own channels, and the connection leaves a channel's listeners when the last id does.
   */
  channels: Map<string, Set<string>>;
}

/** An event to deliver to one connection: what to send, and which of its subscriptions matched. */
export interface Delivery {
  connectionId: number;
  subscriptionIds: string[];
}

/**
 * What decides whether a connection may read an event: its roles, or being the console (`admin`),
 * as one string. Equal for equal role lists, so connections can be grouped by it.
 */
function roleSetKey(identity: ConnectionIdentity): string {
  return identity.admin ? 'admin' : JSON.stringify(identity.roles);
}

/** The guest identity every connection starts with until it authenticates. */
export const GUEST: ConnectionIdentity = { userId: '', sessionId: '', roles: ['guests'] };

/**
 * How much one connection may hold. Appwrite 1.9.5 has no such caps (only its 64 KB frames and
 * 32 messages a minute); ours keep what a socket costs bounded — every event weighs the queries of
 * the subscriptions on its channels, and a sign-in re-subscribes them all. A real app holds tens.
 * A benchmark that wants the heaviest legal socket sends `subscriptionsPerConnection` subscriptions
 * of `channelsPerSubscription` channels each (several per frame: 32 frames a minute, 64 KiB each).
 */
export const REALTIME_LIMITS = {
  subscriptionsPerConnection: 256,
  channelsPerSubscription: 100,
  /**
   * Distinct channels across a connection's subscriptions: what closing it or re-subscribing it on a
   * sign-in costs (each is a listener entry), so a socket cannot make either a long pause.
   */
  channelsPerConnection: 1000,
  /** The frame budget those subscriptions must fit in (transport.ts enforces both). */
  messagesPerMinute: 32,
  maxFrameBytes: 64 * 1024,
} as const;

/** A subscribe that would go over `REALTIME_LIMITS`; the transport answers it with error 1003. */
export class SubscriptionLimitError extends Error {}

/** The registry of live connections and their subscriptions. */
export class Broker {
  readonly #connections = new Map<number, Connection>();
  /** channel → connection ids listening on it, so an event touches only its listeners. */
  readonly #byChannel = new Map<string, Set<number>>();
  /** user id → that user's connections, so a change to one user touches only their sockets. */
  readonly #byUser = new Map<string, Set<number>>();

  /**
   * Index entries (a subscription on a channel) added or removed so far. Tests read it to check that
   * the work of a subscribe, unsubscribe or disconnect follows its own channels, not the connection's
   * other subscriptions.
   */
  indexSteps = 0;

  /**
   * Read-role checks made so far: one per distinct role set among an event's listeners. Tests read it
   * to check that connections holding the same roles are checked once per event.
   */
  roleChecks = 0;

  /** Registers a connection. */
  connect(connectionId: number, identity: ConnectionIdentity = GUEST): void {
    this.#connections.set(connectionId, {
      identity,
      roleSet: roleSetKey(identity),
      subscriptions: new Map(),
      channels: new Map(),
    });
    this.#indexUser(connectionId, identity.userId);
  }

  /** Forgets a connection and all its subscriptions. */
  disconnect(connectionId: number): void {
    const connection = this.#connections.get(connectionId);
    if (!connection) return;
    for (const [channel, ids] of connection.channels) {
      this.indexSteps += ids.size;
      this.#stopListening(connectionId, channel);
    }
    this.#unindexUser(connectionId, connection.identity.userId);
    this.#connections.delete(connectionId);
  }

  /** The connection's current identity. */
  identityOf(connectionId: number): ConnectionIdentity | undefined {
    return this.#connections.get(connectionId)?.identity;
  }

  /** Connection ids signed in as `userId`. */
  connectionsOf(userId: string): number[] {
    return userId === '' ? [] : [...(this.#byUser.get(userId) ?? [])];
  }

  /** Connection ids whose identity holds `role` (a deleted team's members: `team:T`). */
  connectionsWithRole(role: string): number[] {
    const ids: number[] = [];
    for (const [id, connection] of this.#connections) {
      if (connection.identity.roles.includes(role)) ids.push(id);
    }
    return ids;
  }

  /**
   * Changes who a connection is (sign-in, sign-out, new labels...). Its subscriptions stay, with
   * their `account` channels rebound to the new user, as Appwrite's `rebindAccountChannels` does.
   */
  setIdentity(connectionId: number, identity: ConnectionIdentity): void {
    const connection = this.#connections.get(connectionId);
    if (!connection) return;
    const previous = connection.identity.userId;
    connection.identity = identity;
    connection.roleSet = roleSetKey(identity);
    if (previous === identity.userId) return;
    this.#unindexUser(connectionId, previous);
    this.#indexUser(connectionId, identity.userId);
    // A rebind changes only the `account.<user>` channels, so it is not held to the limits again.
    for (const [id, subscription] of [...connection.subscriptions]) {
      this.#subscribe(connection, connectionId, id, subscription.requested, subscription.queries);
    }
  }

  /**
   * Adds or replaces a subscription; returns the channels it listens on. Re-subscribing with the
   * same id is how the SDK's `update()` changes channels or queries. Throws
   * `SubscriptionLimitError` past `REALTIME_LIMITS` (check a whole frame first with `checkLimits`).
   */
  subscribe(
    connectionId: number,
    subscriptionId: string,
    requested: readonly string[],
    queries: RealtimeQueries,
  ): readonly string[] {
    const connection = this.#connections.get(connectionId);
    if (!connection) return [];
    this.checkLimits(connectionId, [{ subscriptionId, channels: requested }]);
    return this.#subscribe(connection, connectionId, subscriptionId, requested, queries);
  }

  /** `subscribe` without the limits: the index work itself. */
  #subscribe(
    connection: Connection,
    connectionId: number,
    subscriptionId: string,
    requested: readonly string[],
    queries: RealtimeQueries,
  ): readonly string[] {
    this.unsubscribe(connectionId, subscriptionId);
    const channels = convertChannels(requested, connection.identity.userId);
    connection.subscriptions.set(subscriptionId, { requested, channels, queries });
    for (const channel of channels) {
      this.indexSteps++;
      const ids = connection.channels.get(channel);
      if (ids) {
        ids.add(subscriptionId);
        continue;
      }
      connection.channels.set(channel, new Set([subscriptionId]));
      let listeners = this.#byChannel.get(channel);
      if (!listeners) {
        listeners = new Set();
        this.#byChannel.set(channel, listeners);
      }
      listeners.add(connectionId);
    }
    return channels;
  }

  /** Removes a subscription; returns whether it existed. */
  unsubscribe(connectionId: number, subscriptionId: string): boolean {
    const connection = this.#connections.get(connectionId);
    const subscription = connection?.subscriptions.get(subscriptionId);
    if (!connection || !subscription) return false;
    connection.subscriptions.delete(subscriptionId);
    for (const channel of subscription.channels) {
      this.indexSteps++;
      const ids = connection.channels.get(channel);
      ids?.delete(subscriptionId);
      if (ids?.size !== 0) continue;
      connection.channels.delete(channel);
      this.#stopListening(connectionId, channel);
    }
    return true;
  }

  /** How many subscriptions a connection has. */
  subscriptionCount(connectionId: number): number {
    return this.#connections.get(connectionId)?.subscriptions.size ?? 0;
  }

  /**
   * Throws `SubscriptionLimitError` if subscribing all of `items` (new ids or replacements) would
   * take the connection past `REALTIME_LIMITS`; changes nothing.
   */
  checkLimits(
    connectionId: number,
    items: readonly { subscriptionId: string; channels: readonly string[] }[],
  ): void {
    const { subscriptionsPerConnection, channelsPerSubscription } = REALTIME_LIMITS;
    if (items.some((item) => item.channels.length > channelsPerSubscription)) {
      throw new SubscriptionLimitError(
        `A subscription may list at most ${channelsPerSubscription} channels.`,
      );
    }
    const connection = this.#connections.get(connectionId);
    const held = connection?.subscriptions;
    const added = new Set(items.map((i) => i.subscriptionId).filter((id) => !held?.has(id)));
    if ((held?.size ?? 0) + added.size > subscriptionsPerConnection) {
      throw new SubscriptionLimitError(
        `A connection may hold at most ${subscriptionsPerConnection} subscriptions.`,
      );
    }
    // Counted before any replaced subscription lets go of its channels: a bound, not an exact count.
    const known = connection?.channels;
    const fresh = new Set<string>();
    for (const item of items) {
      for (const channel of item.channels) if (!known?.has(channel)) fresh.add(channel);
    }
    if ((known?.size ?? 0) + fresh.size > REALTIME_LIMITS.channelsPerConnection) {
      throw new SubscriptionLimitError(
        `A connection may listen on at most ${REALTIME_LIMITS.channelsPerConnection} channels.`,
      );
    }
  }

  /** For tests: per channel, how many of the connection's subscriptions listen on it. */
  channelCounts(connectionId: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [channel, ids] of this.#connections.get(connectionId)?.channels ?? []) {
      counts[channel] = ids.size;
    }
    return counts;
  }

  /**
   * Who gets an event on which of `channels`: a connection whose roles include one of the event's
   * read roles (or the event is readable by `any`), for each subscription that listens on one of the
   * channels and whose queries the payload passes (Appwrite's `getSubscribers`).
   */
  match(event: AppwriteEvent, channels: readonly string[]): Delivery[] {
    const everyone = event.readRoles.includes('any');
    // Which of the event's channels each listening connection is on, in the event's channel order.
    // A connection on one of them (nearly every one) is noted with that channel alone, not a list.
    const candidates = new Map<number, string | string[]>();
    for (const channel of channels) {
      for (const id of this.#byChannel.get(channel) ?? []) {
        const on = candidates.get(id);
        if (on === undefined) candidates.set(id, channel);
        else if (typeof on === 'string') candidates.set(id, [on, channel]);
        else on.push(channel);
      }
    }
    const deliveries: Delivery[] = [];
    // Whether each role set among the listeners may read the event: hundreds of sockets signed in
    // as the same users hold a handful of role sets, so each is checked once.
    const mayRead = new Map<string, boolean>();
    for (const [connectionId, on] of candidates) {
      const connection = this.#connections.get(connectionId);
      if (!connection) continue;
      if (!everyone) {
        let allowed = mayRead.get(connection.roleSet);
        if (allowed === undefined) {
          this.roleChecks++;
          const { admin, roles } = connection.identity;
          allowed = admin === true || roles.some((r) => event.readRoles.includes(r));
          mayRead.set(connection.roleSet, allowed);
        }
        if (!allowed) continue;
      }
      const subscriptionIds = this.#matching(connection, on, event);
      if (subscriptionIds.length > 0) deliveries.push({ connectionId, subscriptionIds });
    }
    return deliveries;
  }

  /**
   * The connection's subscriptions on `on` (channels it listens on, in the event's order) whose
   * queries the payload passes: each once, in channel order, as Appwrite's getSubscribers walks
   * them. A connection on one of the channels — nearly every one — needs no de-duplication.
   */
  #matching(
    connection: Connection,
    on: string | readonly string[],
    event: AppwriteEvent,
  ): string[] {
    const subscriptionIds: string[] = [];
    if (typeof on === 'string') {
      for (const id of connection.channels.get(on) ?? []) {
        if (this.#passes(connection, id, event)) subscriptionIds.push(id);
      }
      return subscriptionIds;
    }
    const seen = new Set<string>();
    for (const channel of on) {
      for (const id of connection.channels.get(channel) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        if (this.#passes(connection, id, event)) subscriptionIds.push(id);
      }
    }
    return subscriptionIds;
  }

  /** Whether the connection's subscription `id` lets the event's payload through its queries. */
  #passes(connection: Connection, id: string, event: AppwriteEvent): boolean {
    const subscription = connection.subscriptions.get(id);
    return subscription !== undefined && matchesQueries(subscription.queries, event.payload);
  }

  /**
   * Convenience for listeners: the event's names and channels and who gets it. The names are
   * worked out once here, for the channels and for the frame.
   */
  route(
    event: AppwriteEvent,
    projectId: string,
  ): { names: string[]; channels: string[]; deliveries: Delivery[] } {
    // Nobody listening (the common case in scripts and tests): skip naming the event at all.
    if (this.#byChannel.size === 0) return { names: [], channels: [], deliveries: [] };
    const names = eventNames(event);
    const channels = channelsOf(event, projectId, names);
    const deliveries = channels.length === 0 ? [] : this.match(event, channels);
    return { names, channels, deliveries };
  }

  #stopListening(connectionId: number, channel: string): void {
    const listeners = this.#byChannel.get(channel);
    listeners?.delete(connectionId);
    if (listeners?.size === 0) this.#byChannel.delete(channel);
  }

  #indexUser(connectionId: number, userId: string): void {
    if (userId === '') return;
    let ids = this.#byUser.get(userId);
    if (!ids) {
      ids = new Set();
      this.#byUser.set(userId, ids);
    }
    ids.add(connectionId);
  }

  #unindexUser(connectionId: number, userId: string): void {
    const ids = this.#byUser.get(userId);
    ids?.delete(connectionId);
    if (ids?.size === 0) this.#byUser.delete(userId);
  }
}
