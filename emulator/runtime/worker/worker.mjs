// @ts-check
/**
 * A warm worker process for one function deployment: the stand-in for an open-runtimes Node
 * container. The runner forks it with the deployment folder as cwd, the function's variables as
 * its whole environment and a heap cap, then sends `execute` messages over IPC; it answers each
 * with `log` lines as they are written and one `result`. Executions run concurrently, as they do
 * in upstream's single HTTP server process, so module state is shared between them as it is there.
 *
 * Plain JavaScript on purpose: the child starts with bare `node`, no TypeScript loader, which keeps
 * a cold start near Node's own startup time.
 *
 * Crashes are not caught: an uncaught exception or unhandled rejection ends this process as it
 * ends the upstream server, and the runner answers the executions it had in flight.
 *
 * argv: [entryPath, entrypoint].
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { buildContext } from './context.mjs';
import { loadEntry } from './load-entry.mjs';
import { ExecutionLogger } from './logger.mjs';
import { toWireResponse } from './response.mjs';

const [entryPath, entrypoint] = process.argv.slice(2);
if (!entryPath || !entrypoint || !process.send) {
  throw new Error(
    'worker.mjs is started by the function runner (fork with IPC, entry path, entrypoint)',
  );
}
const send = process.send.bind(process);
// Upstream's server is not forked, so functions see no process.send; hiding ours also keeps a
// function from posting a result for another execution.
delete process.send;

/** The execution whose code is running, so console output lands in its log. */
const current = new AsyncLocalStorage();
captureConsole();

process.on('message', (/** @type {any} */ message) => {
  if (message?.type === 'execute') void execute(message.id, message.request);
});
// The runner is gone: nothing can read our answers, so do not outlive it.
process.on('disconnect', () => process.exit(0));

/**
 * @param {number} id
 * @param {{ method: string, url: string, headers: Record<string, string>, body: Uint8Array }} wire
 */
async function execute(id, wire) {
  const logger = new ExecutionLogger((stream, line) => send({ type: 'log', id, stream, line }));
  const request = {
    ...wire,
    body: Buffer.from(wire.body.buffer, wire.body.byteOffset, wire.body.byteLength),
  };
  const response = await current.run(logger, () => run(request, logger));
  logger.close();
  send({ type: 'result', id, ...response });
}

/**
 * Upstream's order: build the context, load the entry (load-time console output belongs to this
 * execution), call it, default a missing return, then shape the response.
 * @param {import('./context.mjs').WorkerRequest} request
 * @param {ExecutionLogger} logger
 */
async function run(request, logger) {
  const context = buildContext(request, logger);
  const loaded = await loadEntry(entryPath, entrypoint);
  let output;
  if (!loaded.ok) {
    context.error(loaded.message);
    output = context.res.text('', 503, {});
  } else {
    try {
      output = await loaded.fn(context);
    } catch (e) {
      context.error((e instanceof Error && e.stack) || e);
      output = context.res.text('', 500, {});
    }
  }
  if (output === null || output === undefined) {
    // Wording kept from upstream: functions' docs and users' searches point at it.
    context.error(
      'Return statement missing. return context.res.empty() if no response is expected.',
    );
    output = context.res.text('', 500, {});
  }
  const response = await toWireResponse(output);
  if (response.error !== undefined) logger.write([response.error], 'error');
  return { statusCode: response.statusCode, headers: response.headers, body: response.body };
}

/**
 * Upstream swaps console.* for the logger during each request. With concurrent executions a global
 * swap would mix their logs, so the override is installed once and asks which execution is running;
 * output outside any execution (a timer left behind) goes to the real console, as upstream's does
 * once it has restored it.
 */
function captureConsole() {
  for (const method of /** @type {const} */ (['log', 'info', 'debug', 'warn', 'error'])) {
    const original = console[method].bind(console);
    console[method] = (...args) => {
      const logger = current.getStore();
      if (logger?.open) logger.write(args, 'log', true);
      else original(...args);
    };
  }
}
