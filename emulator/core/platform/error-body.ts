import type { Duplex } from 'node:stream';
import { ERROR_CODES, type ErrorTypeName } from './error-types.ts';

/** The Appwrite server version we speak, reported in error bodies and `/health/version`. */
export const SERVER_VERSION = '1.9.5';

/** Appwrite's error body, whatever carries it: an HTTP answer, a refused Realtime handshake. */
export interface ErrorBody {
  message: string;
  code: number;
  type: ErrorTypeName;
  version: string;
}

/** Builds the error body for a type (the code comes from the type). */
export function errorBody(type: ErrorTypeName, message: string): ErrorBody {
  return { message, code: ERROR_CODES[type], type, version: SERVER_VERSION };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
};

/**
 * Writes `body` as a complete HTTP/1.1 response straight to a socket no framework owns — a request
 * Node's parser refused (http/platform/protocol-errors.ts), a WebSocket upgrade Realtime refuses
 * (realtime/transport.ts) — and closes it.
 */
export function writeRawError(socket: Duplex, body: ErrorBody): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const json = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${body.code} ${REASONS[body.code] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-cache, no-store, must-revalidate',
    'Connection: close',
  ];
  // Ended, then destroyed once flushed: a client that never closes its side cannot keep it open.
  socket.end(`${head.join('\r\n')}\r\n\r\n${json}`, () => socket.destroy());
}
