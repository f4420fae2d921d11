/**
 * Who listens to what, with which roles. The broker knows connections only by id: it keeps each
 * one's identity and subscriptions, and for a published event answers which connections should get
 * it and under which subscription ids. Sockets, frames and timers live in transport.ts.
 * (PocketBase keeps the same split: tools/subscriptions is the broker, apis/realtime the transport.)
 */
import type { AppwriteEvent } from '../core/events.ts';
import { channelsOf, convertChannels } from './channels.ts';
import { matchesQueries, type RealtimeQueries } from './queries.ts';

/** Who a connection is: its user (or `''` for a guest), the session it used, and its roles. */
export interface ConnectionIdentity {
  userId: string;
  /** The session the connection authenticated with (`''` when none, e.g. a JWT without one). */
  sessionId: string;
  /** Appwrite roles, without the implied `any` (a guest holds `guests`). */
  roles: readonly string[];
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
  subscriptions: Map<string, Subscription>;
}

/** An event to deliver to one connection: what to send, and which of its subscriptions matched. */
export interface Delivery {
  connectionId: number;
  subscriptionIds: string[];
}

/** The guest identity every connection starts with until it authenticates. */
export const GUEST: ConnectionIdentity = { userId: '', sessionId: '', roles: ['guests'] };

/** The registry of live connections and their subscriptions. */
export class Broker {
  readonly #connections = new Map<number, Connection>();
  /** channel → connection ids listening on it, so an event touches only its listeners. */
  readonly #byChannel = new Map<string, Set<number>>();

  /** Registers a connection. */
  connect(connectionId: number, identity: ConnectionIdentity = GUEST): void {
    this.#connections.set(connectionId, { identity, subscriptions: new Map() });
  }

  /** Forgets a connection and all its subscriptions. */
  disconnect(connectionId: number): void {
    const connection = this.#connections.get(connectionId);
    if (!connection) return;
    for (const id of [...connection.subscriptions.keys()]) this.unsubscribe(connectionId, id);
    this.#connections.delete(connectionId);
  }

  /** The connection's current identity. */
  identityOf(connectionId: number): ConnectionIdentity | undefined {
    return this.#connections.get(connectionId)?.identity;
  }

  /** Connection ids signed in as `userId`. */
  connectionsOf(userId: string): number[] {
    const ids: number[] = [];
    for (const [id, connection] of this.#connections) {
      if (userId !== '' && connection.identity.userId === userId) ids.push(id);
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
    const rebind = connection.identity.userId !== identity.userId;
    connection.identity = identity;
    if (!rebind) return;
    for (const [id, subscription] of [...connection.subscriptions]) {
      this.subscribe(connectionId, id, subscription.requested, subscription.queries);
    }
  }

  /**
   * Adds or replaces a subscription; returns the channels it listens on. Re-subscribing with the
   * same id is how the SDK's `update()` changes channels or queries.
   */
  subscribe(
    connectionId: number,
    subscriptionId: string,
    requested: readonly string[],
    queries: RealtimeQueries,
  ): readonly string[] {
    const connection = this.#connections.get(connectionId);
    if (!connection) return [];
    this.unsubscribe(connectionId, subscriptionId);
    const channels = convertChannels(requested, connection.identity.userId);
    connection.subscriptions.set(subscriptionId, { requested, channels, queries });
    for (const channel of channels) {
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
      const stillListening = [...connection.subscriptions.values()].some((s) =>
        s.channels.includes(channel),
      );
      if (stillListening) continue;
      const listeners = this.#byChannel.get(channel);
      listeners?.delete(connectionId);
      if (listeners?.size === 0) this.#byChannel.delete(channel);
    }
    return true;
  }

  /** How many subscriptions a connection has. */
  subscriptionCount(connectionId: number): number {
    return this.#connections.get(connectionId)?.subscriptions.size ?? 0;
  }

  /**
   * Who gets an event on which of `channels`: a connection whose roles include one of the event's
   * read roles (or the event is readable by `any`), for each subscription that listens on one of the
   * channels and whose queries the payload passes (Appwrite's `getSubscribers`).
   */
  match(event: AppwriteEvent, channels: readonly string[]): Delivery[] {
    const everyone = event.readRoles.includes('any');
    const candidates = new Set<number>();
    for (const channel of channels) {
      for (const id of this.#byChannel.get(channel) ?? []) candidates.add(id);
    }
    const deliveries: Delivery[] = [];
    for (const connectionId of candidates) {
      const connection = this.#connections.get(connectionId);
      if (!connection) continue;
      if (!everyone && !connection.identity.roles.some((r) => event.readRoles.includes(r))) {
        continue;
      }
      const subscriptionIds: string[] = [];
      for (const [id, subscription] of connection.subscriptions) {
        const listens = subscription.channels.some((c) => channels.includes(c));
        if (listens && matchesQueries(subscription.queries, event.payload))
          subscriptionIds.push(id);
      }
      if (subscriptionIds.length > 0) deliveries.push({ connectionId, subscriptionIds });
    }
    return deliveries;
  }

  /** Convenience for listeners: the channels of an event and who gets it. */
  route(event: AppwriteEvent, projectId: string): { channels: string[]; deliveries: Delivery[] } {
    // Nobody listening (the common case in scripts and tests): skip naming the event at all.
    if (this.#byChannel.size === 0) return { channels: [], deliveries: [] };
    const channels = channelsOf(event, projectId);
    return { channels, deliveries: channels.length === 0 ? [] : this.match(event, channels) };
  }
}
