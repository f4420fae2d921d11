import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../client/src/lib/api-error.ts';
import { CardData } from '../../../client/src/lib/dashboard-card.svelte.ts';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('CardData: each dashboard card loads and fails on its own', () => {
  it('starts loading, then shows its data', async () => {
    const card = new CardData(async () => ({ users: 3 }));
    expect(card.status).toBe('loading');
    await card.load();
    expect(card.status).toBe('ready');
    expect(card.data).toEqual({ users: 3 });
  });

  it('one failing card leaves the others ready, and its retry recovers it', async () => {
    let fail = true;
    const totals = new CardData(async () => 1);
    const top = new CardData(async () => {
      if (fail) throw new ApiError('general_server_error', 'boom', 500);
      return ['post'];
    });
    const activity = new CardData(async () => [0, 1]);
    await Promise.all([totals.load(), top.load(), activity.load()]);
    expect([totals.status, top.status, activity.status]).toEqual(['ready', 'error', 'ready']);
    expect(top.error?.type).toBe('general_server_error');
    expect(top.data).toBeNull();

    fail = false;
    await top.retry();
    expect(top.status).toBe('ready');
    expect(top.error).toBeNull();
    expect(top.data).toEqual(['post']);
  });

  it('turns anything thrown into an ApiError (a network failure says so)', async () => {
    const card = new CardData(async () => {
      throw new TypeError('Failed to fetch');
    });
    await card.load();
    expect(card.error?.isNetwork).toBe(true);
  });

  it('keeps the last data on screen while reloading', async () => {
    let value = 1;
    const card = new CardData(async () => value);
    await card.load();
    value = 2;
    const reload = card.load();
    expect(card.status).toBe('loading');
    expect(card.data).toBe(1);
    await reload;
    expect(card.data).toBe(2);
  });

  it('drops a slow answer that a newer load overtook', async () => {
    const answers = [deferred<string>(), deferred<string>()];
    let call = 0;
    const card = new CardData(
      () => (answers[call++] as ReturnType<typeof deferred<string>>).promise,
    );
    const first = card.load();
    const second = card.load();
    answers[1]?.resolve('fresh');
    await second;
    answers[0]?.resolve('stale');
    await first;
    expect(card.data).toBe('fresh');
  });

  it('a value pushed over Realtime wins over a load still in flight', async () => {
    const answer = deferred<number>();
    const card = new CardData(() => answer.promise);
    const load = card.load();
    card.set(42);
    answer.resolve(7);
    await load;
    expect(card.status).toBe('ready');
    expect(card.data).toBe(42);
  });
});
