import type { Realtime, RealtimeResponseEvent, RealtimeSubscription } from 'appwrite';
import { untrack } from 'svelte';
import { realtime } from './appwrite.ts';

/**
 * Realtime through the SDK's one `Realtime` (lib/appwrite.ts), with the connection's state for the
 * header's indicator and a refetch hook, so a page never misses what happened while the socket was
 * down.
 *
 *   const stop = subscribe([Channel.rows(TableId.posts)], (event) => apply(event), {
 *     onReconnect: () => refetch(),   // the socket came back: reload what you show
 *   });
 *   …  stop();   // e.g. as the cleanup of createSubscriber / $effect
 *
 * Safe to call in an `$effect` (return its stop function): it reads the connection state untracked,
 * so the state it then sets does not re-run the effect.
 *
 * `connection.state` is `idle` (nothing subscribed), `connecting`, `live`, `reconnecting` (the SDK
 * retries with backoff) or `offline` (the browser says there is no network). Event helpers:
 * `eventAction(event)` → 'create' | 'update' | 'delete' | null.
 */
export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline';

class Connection {
  state = $state<ConnectionState>('idle');
}

/** The socket's state, for indicators. */
export const connection = new Connection();

interface Listener {
  channels: string[];
  onEvent: (event: RealtimeResponseEvent<unknown>) => void;
  onReconnect?: () => void;
}

const listeners = new Set<Listener>();
let watched = false;
let wasLive = false;
let droppedSinceLive = false;
let socketOpen = false;

function refetchAll() {
  for (const listener of listeners) listener.onReconnect?.();
}

/** The shared Realtime, its opens and closes (and the browser's online state) watched from first use. */
function watchedRealtime(): Realtime {
  if (watched) return realtime;
  watched = true;
  realtime.onOpen(() => {
    socketOpen = true;
    connection.state = 'live';
    // A reopened socket: what happened meanwhile was not pushed to us, so readers refetch.
    if (wasLive && droppedSinceLive) refetchAll();
    wasLive = true;
    droppedSinceLive = false;
  });
  realtime.onClose(() => {
    socketOpen = false;
    if (listeners.size === 0) {
      connection.state = 'idle';
      return;
    }
    droppedSinceLive = true;
    connection.state = navigator.onLine ? 'reconnecting' : 'offline';
  });
  window.addEventListener('offline', () => {
    if (listeners.size > 0) connection.state = 'offline';
  });
  window.addEventListener('online', () => {
    if (listeners.size === 0 || connection.state !== 'offline') return;
    if (socketOpen) {
      // The socket survived the outage, but events may have been lost on the way: refetch.
      connection.state = 'live';
      refetchAll();
    } else {
      connection.state = 'reconnecting';
    }
  });
  return realtime;
}

/** Subscribes to channels; returns a synchronous stop function. */
export function subscribe<T = unknown>(
  channels: string[],
  onEvent: (event: RealtimeResponseEvent<T>) => void,
  options: { onReconnect?: () => void } = {},
): () => void {
  const listener: Listener = {
    channels,
    onEvent: onEvent as Listener['onEvent'],
    ...(options.onReconnect ? { onReconnect: options.onReconnect } : {}),
  };
  listeners.add(listener);
  if (untrack(() => connection.state) === 'idle') connection.state = 'connecting';
  let subscription: RealtimeSubscription | null = null;
  let stopped = false;
  watchedRealtime()
    .subscribe(channels, (event) => listener.onEvent(event))
    .then((made) => {
      if (stopped) void made.close();
      else subscription = made;
    })
    .catch(() => {
      if (!stopped) connection.state = navigator.onLine ? 'reconnecting' : 'offline';
    });
  return () => {
    stopped = true;
    listeners.delete(listener);
    if (subscription) void subscription.close();
    if (listeners.size === 0) {
      connection.state = 'idle';
      wasLive = false;
    }
  };
}

/** The kind of change an event reports, from its event names (`…rows.<id>.create`). */
export function eventAction(event: { events: string[] }): 'create' | 'update' | 'delete' | null {
  for (const name of event.events) {
    if (name.endsWith('.create')) return 'create';
    if (name.endsWith('.delete')) return 'delete';
    if (name.endsWith('.update') || name.endsWith('.upsert')) return 'update';
  }
  return null;
}
