import { relative } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * The browser app's build and dev server. In development the page and the API share one origin:
 * `/v1` (WebSocket included, for Realtime) is proxied to the Appwrite named by AGORA_APPWRITE_URL —
 * the local Appwrite under `npm start` — so cookies, CORS and Realtime behave as they do behind a
 * custom domain in production.
 */
const appwrite = process.env.AGORA_APPWRITE_URL ?? 'http://127.0.0.1:8080';

/**
 * Production build (`npm run build` → `client/dist/`, static files for any host). Configured by
 * environment at build time, and only by `VITE_`-prefixed variables (`VITE_APPWRITE_ENDPOINT`,
 * `VITE_APPWRITE_PROJECT_ID`): nothing else in the environment can reach the bundle
 * (tests/unit/client-build.test.ts checks). The libraries get chunks of their own, so an app deploy
 * leaves them cached, and `npm run bench` reads the size split off the chunk names.
 */
const vendorChunks = [
  { name: 'svelte', test: /node_modules[\\/](svelte|esm-env|clsx)[\\/]/ },
  { name: 'appwrite', test: /node_modules[\\/]appwrite[\\/]/ },
  { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
];

/**
 * Short scoped-style classes: `s` and four characters of the component's path hash, instead of
 * `svelte-` and six or seven of its CSS's (they repeat in every styled element and selector). Two
 * components drawing the same class fail the build rather than share styles.
 */
const scopeClasses = new Map<string, string>();
function cssHash({
  hash,
  css,
  filename,
}: {
  hash: (input: string) => string;
  css: string;
  filename?: string;
}) {
  const source = filename ? relative(import.meta.dirname, filename) : css;
  const name = `s${hash(source).slice(-4)}`;
  const owner = scopeClasses.get(name);
  if (owner !== undefined && owner !== source) {
    throw new Error(`scoped CSS class ${name}: both ${source} and ${owner}`);
  }
  scopeClasses.set(name, source);
  return name;
}

export default defineConfig({
  root: 'client',
  plugins: [svelte({ compilerOptions: { cssHash } })],
  envPrefix: 'VITE_',
  // The appwrite SDK's JSON goes through the native JSON (client/src/lib/json-bigint.ts says why).
  resolve: { alias: { 'json-bigint': `${import.meta.dirname}/client/src/lib/json-bigint.ts` } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One stylesheet: the lazy pages' styles are small, and one file gzips smaller than six.
    cssCodeSplit: false,
    // Chromium, Firefox and Safari all support <link rel="modulepreload">: no polyfill.
    modulePreload: { polyfill: false },
    rolldownOptions: { output: { codeSplitting: { groups: vendorChunks } } },
  },
  server: {
    host: '127.0.0.1',
    strictPort: false,
    proxy: { '/v1': { target: appwrite, ws: true, changeOrigin: false } },
  },
});
