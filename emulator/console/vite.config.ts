import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * The local console's build (emulator/console/build.ts runs it): static files under `/console/`,
 * served by the local Appwrite itself (emulator/http/console/files.ts). No environment reaches the
 * bundle: the project id comes from the page (`<meta name="appwrite-project">`), the endpoint is
 * the page's own origin.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [svelte()],
  envPrefix: 'CONSOLE_NEVER_',
  build: { outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false } },
});
