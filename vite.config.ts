import { relative, resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin, type ResolvedConfig } from 'vite';
import { describeBundle, measureClientBundle } from './lib/client-bundle.ts';

/**
 * The browser app's build and dev server. In development the page and the API share one origin:
 * `/v1` (WebSocket included, for Realtime) is proxied to the Appwrite named by AGORA_APPWRITE_URL —
 * the local Appwrite under `npm start` — so cookies, CORS and Realtime behave as they do behind a
 * custom domain in production.
 */
const appwrite = process.env.AGORA_APPWRITE_URL ?? 'http://127.0.0.1:8080';

/**
 * Built as an Appwrite Site (appwrite.json `sites`), the build is given the API's endpoint and the
 * project as `APPWRITE_SITE_API_ENDPOINT` and `APPWRITE_SITE_PROJECT_ID`: they configure the client
 * unless the site's own variables (or the shell) set `VITE_APPWRITE_ENDPOINT` /
 * `VITE_APPWRITE_PROJECT_ID`, which win — an operator who sets one means it. Only these two values
 * are copied, and both are public (the browser sends them on every request).
 */
for (const [name, fromSite] of [
  ['VITE_APPWRITE_ENDPOINT', 'APPWRITE_SITE_API_ENDPOINT'],
  ['VITE_APPWRITE_PROJECT_ID', 'APPWRITE_SITE_PROJECT_ID'],
] as const) {
  const value = process.env[fromSite];
  if (process.env[name] === undefined && value) process.env[name] = value;
}

/**
 * Production build (`npm run build` → `client/dist/`, static files for any host). Configured by
 * environment at build time, and only by `VITE_`-prefixed variables (`VITE_APPWRITE_ENDPOINT`,
 * `VITE_APPWRITE_PROJECT_ID`): nothing else in the environment can reach the bundle
 * (tests/unit/client-build.test.ts checks). The libraries get chunks of their own, so an app deploy
 * leaves them cached, and `npm run bench` reads the size split off the chunk names.
 */
const vendorChunks = [
  { name: 'svelte', test: /node_modules[\\/](svelte|esm-env|clsx)[\\/]/ },
  // The SDK with its JSON library (an npm alias of the SDK, e.g. `appwrite26`, too).
  { name: 'appwrite', test: /node_modules[\\/](appwrite\d*|json-bigint|bignumber\.js)[\\/]/ },
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

/**
 * After a production build, one line with what a first visit to the feed downloads (budget: 100 KB
 * gzip, JS + CSS) and what all chunks weigh, split Svelte / SDK / zod / app (lib/client-bundle.ts).
 */
function reportBundleSize(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'agora:bundle-size',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    writeBundle() {
      if (!config) return;
      const outDir = resolve(config.root, config.build.outDir);
      config.logger.info(describeBundle(measureClientBundle(outDir)));
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [svelte({ compilerOptions: { cssHash } }), reportBundleSize()],
  envPrefix: 'VITE_',
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
