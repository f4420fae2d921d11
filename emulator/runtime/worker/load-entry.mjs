// @ts-check
/**
 * Loads a deployment's entrypoint the way the open-runtimes Node server does on every request
 * (OPR runtimes/node/versions/latest/src/server.js): check the file exists, `require()` it, fall
 * back to `import()` only on ERR_REQUIRE_ESM, take `default` or the module itself, insist on a
 * function. Module caching makes every request after the first one cheap, as upstream.
 *
 * On Node ≥ 20.19 `require()` loads ES modules itself, so `import()` is reached only on older
 * Nodes; a module with top-level await then fails to load (ERR_REQUIRE_ASYNC_MODULE) — upstream on
 * the same Node version behaves the same way, which is why we keep its logic rather than improve it.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * @typedef {{ ok: true, fn: (context: unknown) => unknown } | { ok: false, message: string }} Loaded
 */

/**
 * @param {string} entryPath absolute path of the entry file
 * @param {string} entrypoint the name the function's settings give it, for messages
 * @returns {Promise<Loaded>}
 */
export async function loadEntry(entryPath, entrypoint) {
  if (!existsSync(entryPath)) {
    return { ok: false, message: `Cannot load the entrypoint: ${entrypoint} does not exist.` };
  }
  try {
    /** @type {any} */
    let loaded;
    try {
      loaded = require(entryPath);
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err)?.code !== 'ERR_REQUIRE_ESM') throw err;
      loaded = await import(pathToFileURL(entryPath).href);
    }
    const fn = loaded?.default || loaded;
    if (typeof fn !== 'function') {
      throw new TypeError(
        `${entrypoint} exports no function: export it as default (export default async (context) => …) or as module.exports.`,
      );
    }
    return { ok: true, fn };
  } catch (e) {
    // Upstream logs the message only (no stack) and words it by error class.
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof SyntaxError)
      return { ok: false, message: `${entrypoint} has a syntax error: ${message}` };
    if (e instanceof TypeError) return { ok: false, message };
    return { ok: false, message: `Could not load the entrypoint module: ${message}` };
  }
}
