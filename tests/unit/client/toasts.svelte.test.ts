import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toasts } from '../../../client/src/lib/toasts.svelte.ts';

/** Toast lifetimes: a success or info message leaves after about 4 s, an error stays longer. */
describe('toasts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const toast of toasts.items) toasts.dismiss(toast.id);
    vi.useRealTimers();
  });

  it('lets success and info toasts go after 4 s', () => {
    toasts.success('Welcome back.');
    toasts.info('Link sent.');
    vi.advanceTimersByTime(3_900);
    expect(toasts.items.map((toast) => toast.message)).toEqual(['Welcome back.', 'Link sent.']);
    vi.advanceTimersByTime(200);
    expect(toasts.items).toEqual([]);
  });

  it('keeps an error for 7 s, and any toast goes at once when dismissed', () => {
    toasts.error('Something broke.');
    const info = toasts.info('Saved.');
    toasts.dismiss(info);
    expect(toasts.items.map((toast) => toast.message)).toEqual(['Something broke.']);
    vi.advanceTimersByTime(6_900);
    expect(toasts.items.map((toast) => toast.kind)).toEqual(['error']);
    vi.advanceTimersByTime(200);
    expect(toasts.items).toEqual([]);
  });
});
