import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';

/** A stand-in for the SDK's Realtime: the test opens and closes "the socket" by hand. */
const socket = vi.hoisted(() => ({
  open: [] as (() => void)[],
  close: [] as (() => void)[],
  subscribed: [] as string[][],
  deliver: null as ((event: unknown) => void) | null,
}));

vi.mock('appwrite', async (importOriginal) => ({
  ...(await importOriginal<typeof import('appwrite')>()),
  Realtime: class {
    onOpen(callback: () => void) {
      socket.open.push(callback);
    }
    onClose(callback: () => void) {
      socket.close.push(callback);
    }
    async subscribe(channels: string[], callback: (event: unknown) => void) {
      socket.subscribed.push(channels);
      socket.deliver = callback;
      return { close: async () => undefined };
    }
  },
}));

const { connection, eventAction, subscribe } = await import(
  '../../../client/src/lib/realtime.svelte.ts'
);

const opened = () => {
  for (const callback of socket.open) callback();
};
const closed = () => {
  for (const callback of socket.close) callback();
};

describe('realtime connection state and refetch', () => {
  it('goes connecting → live → reconnecting → live, refetching once after the drop', async () => {
    const events: unknown[] = [];
    const onReconnect = vi.fn();
    const stop = subscribe(['tablesdb.agora.tables.posts.rows'], (event) => events.push(event), {
      onReconnect,
    });
    expect(connection.state).toBe('connecting');
    await Promise.resolve();
    expect(socket.subscribed).toEqual([['tablesdb.agora.tables.posts.rows']]);

    opened();
    expect(connection.state).toBe('live');
    expect(onReconnect).not.toHaveBeenCalled();

    socket.deliver?.({ events: ['x.create'], payload: {} });
    expect(events).toHaveLength(1);

    closed();
    expect(connection.state).toBe('reconnecting');
    opened();
    expect(connection.state).toBe('live');
    expect(onReconnect).toHaveBeenCalledTimes(1);

    // The browser going offline says so at once; coming back with the socket still open refetches.
    window.dispatchEvent(new Event('offline'));
    expect(connection.state).toBe('offline');
    window.dispatchEvent(new Event('online'));
    expect(connection.state).toBe('live');
    expect(onReconnect).toHaveBeenCalledTimes(2);

    stop();
    expect(connection.state).toBe('idle');
    closed();
    expect(connection.state).toBe('idle');
  });
});

describe('subscribe inside an $effect', () => {
  it('does not make the connection state a dependency of the effect (no update loop)', () => {
    let runs = 0;
    const dispose = $effect.root(() => {
      $effect(() => {
        runs++;
        return subscribe(['tablesdb.agora.tables.stats.rows.totals'], () => undefined);
      });
    });
    flushSync();
    expect(connection.state).toBe('connecting');
    opened();
    flushSync();
    expect(connection.state).toBe('live');
    expect(runs).toBe(1);
    dispose();
    expect(connection.state).toBe('idle');
  });
});

describe('eventAction', () => {
  it('reads the action from the event names', () => {
    expect(eventAction({ events: ['tablesdb.agora.tables.posts.rows.p1.create'] })).toBe('create');
    expect(eventAction({ events: ['tablesdb.agora.tables.posts.rows.p1.update'] })).toBe('update');
    expect(eventAction({ events: ['tablesdb.agora.tables.posts.rows.p1.upsert'] })).toBe('update');
    expect(eventAction({ events: ['tablesdb.agora.tables.posts.rows.p1.delete'] })).toBe('delete');
    expect(eventAction({ events: ['something.else'] })).toBeNull();
  });
});
