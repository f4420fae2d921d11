import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Three projects, one `vitest run`:
 * - `node`: every `tests/**\/*.test.ts` on Node, as before.
 * - `client`: `tests/**\/*.svelte.test.ts`, compiled by the Svelte plugin (components and runes in
 *   `.svelte.ts` modules) and run in jsdom with the `browser` export condition, so `mount` gets
 *   Svelte's client runtime instead of its server renderer.
 * - `e2e`: `tests/e2e/**\/*.test.ts` drive Chromium against the `npm start` stack; slow by nature.
 */
const svelteTests = 'tests/**/*.svelte.test.ts';
const e2eTests = 'tests/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Appwrite's abuse limits off for every local Appwrite a test starts, in-process or spawned (a
    // suite signs up many users from 127.0.0.1); tests/contract/abuse-limits.test.ts turns them on.
    env: { _APP_OPTIONS_ABUSE: 'disabled' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, svelteTests, e2eTests],
          environment: 'node',
        },
      },
      {
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'client',
          include: [svelteTests],
          environment: 'jsdom',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [e2eTests],
          exclude: [...configDefaults.exclude, svelteTests],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
