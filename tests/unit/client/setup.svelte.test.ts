import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it } from 'vitest';
import Counter from './Counter.svelte';
import { counter } from './counter.svelte.ts';

describe('Svelte test setup', () => {
  it('runs runes in a .svelte.ts module', () => {
    const count = counter(2);
    count.increment();
    expect(count.value).toBe(3);
  });

  it('mounts a component in jsdom and re-renders on a click', () => {
    const target = document.createElement('div');
    document.body.append(target);
    const app = mount(Counter, { target, props: { label: 'Clicks' } });
    const button = target.querySelector('button');
    expect(button?.textContent).toBe('Clicks: 0');
    button?.click();
    flushSync();
    expect(button?.textContent).toBe('Clicks: 1');
    unmount(app);
    target.remove();
  });
});
