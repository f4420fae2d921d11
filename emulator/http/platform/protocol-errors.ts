import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { errorBody, writeRawError } from '../../core/platform/error-body.ts';
import { AppwriteError } from '../../core/platform/errors.ts';

/**
 * Requests that never reach Fastify's router, answered in Appwrite's error shape instead of Node's or
 * Fastify's own (an empty 400, `{"error":"Bad Request",...}`, a closed socket):
 *
 * - bytes Node's HTTP parser cannot read — a method it does not know (`get`, `FOO`), a bad header
 *   line, a bad Content-Length, headers over the size limit, a request that timed out (the server's
 *   `clientError` event, Fastify's `clientErrorHandler` option);
 * - `CONNECT`, which Node hands to a `connect` listener and otherwise drops without a word;
 * - an `Expect` other than `100-continue`, which Node refuses with a bare 417: it is served as if the
 *   header were not there, as a server that ignores the header would;
 * - an HTTP/1.1 request without `Host`, which Node refuses with an empty 400 unless told not to
 *   (`requireHostHeader: false` in app.ts): `requireHost` refuses it in Appwrite's shape instead.
 *
 * Appwrite answers these from its proxy, so there is no upstream body to copy; what matters is that
 * every answer a client can read is `{message, code, type, version}`. None of them is a server fault:
 * a malformed request is 400 `general_bad_request`, an unknown method 404 `general_route_not_found`
 * (what Appwrite's router answers for a method no route has).
 */

/** Why the parser gave up, in words a client can act on. */
function parserMessage(code: string | undefined): string {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'The request headers are too large.';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 'The request has too many chunk extensions.';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'The request did not arrive in time.';
    case 'HPE_INVALID_METHOD':
      return 'The request method is not a known HTTP method.';
    default:
      return 'The request is not valid HTTP.';
  }
}

/**
 * Fastify's `clientErrorHandler`. As Node's own handler does, nothing is written when a reset
 * connection is already gone or when a response on this keep-alive socket has started (writing then
 * would corrupt it); the socket is closed either way.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // `_httpMessage` is the response Node is writing on this socket, if any (node:_http_server).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  writeRawError(socket, errorBody('general_bad_request', parserMessage(error.code)));
}

/** Answers what Node would otherwise answer outside Fastify: `CONNECT` and unusual `Expect`s. */
export function answerOutsideRoutes(server: Server): void {
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    writeRawError(socket, errorBody('general_route_not_found', 'No route matches this path.'));
  });
  server.on('checkExpectation', (request, response) => server.emit('request', request, response));
}

/**
 * An `onRequest` hook: an HTTP/1.1 request must name its Host (RFC 9112 §3.2); Node's own check is
 * turned off so this answer has Appwrite's shape. Callback-style, as every per-request hook here: an
 * `async` hook costs a promise and a turn of the microtask queue on every request.
 */
export function requireHost(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const { httpVersionMajor, httpVersionMinor } = request.raw;
  const http11 = httpVersionMajor > 1 || (httpVersionMajor === 1 && httpVersionMinor >= 1);
  if (http11 && request.headers.host === undefined) {
    throw new AppwriteError('general_bad_request', 'An HTTP/1.1 request needs a Host header.');
  }
  done();
}
