import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * The browser app's build and dev server. In development the page and the API share one origin:
 * `/v1` (WebSocket included, for Realtime) is proxied to the Appwrite named by AGORA_APPWRITE_URL —
 * the local Appwrite under `npm start` — so cookies, CORS and Realtime behave as they do behind a
 * custom domain in production.
 */
const appwrite = process.env.AGORA_APPWRITE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'client',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    host: '127.0.0.1',
    strictPort: false,
    proxy: { '/v1': { target: appwrite, ws: true, changeOrigin: false } },
  },
});
