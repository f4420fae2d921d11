// @ts-check
/**
 * Turns what a function returned into the HTTP response the open-runtimes Node server would send
 * (OPR runtimes/node/versions/latest/src/server.js after the call, then micro's `send`):
 * missing fields default, header names are lower-cased, `x-open-runtimes-*` are dropped,
 * `; charset=utf-8` is added to a non-multipart content type without a charset (text/plain when
 * none), and the body is a Buffer or string as is, a stream collected, any other object or number
 * JSON. Whatever Node's own response would have thrown on (a bad status code, an invalid header,
 * a boolean body) is reported as `error`, which upstream answers with a bare 500.
 */

import { validateHeaderName, validateHeaderValue } from 'node:http';

/**
 * @typedef {object} WireResponse
 * @property {number} statusCode
 * @property {Record<string, string | string[]>} headers
 * @property {Buffer} body
 * @property {unknown} [error] thrown while responding; the caller logs it as an error
 */

/**
 * @param {any} output the function's return value (already known not to be null/undefined)
 * @returns {Promise<WireResponse>}
 */
export async function toWireResponse(output) {
  /** @type {Record<string, string | string[]>} */
  const headers = {};
  try {
    // Upstream assigns these on the value; on a primitive that is a silent no-op (sloppy mode).
    const isObject = typeof output === 'object' || typeof output === 'function';
    const body = isObject ? (output.body ?? '') : undefined;
    const statusCode = isObject ? (output.statusCode ?? 200) : undefined;
    const outHeaders = isObject ? (output.headers ?? {}) : {};

    for (const name in outHeaders) {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-open-runtimes-')) continue;
      const value = outHeaders[name];
      validateHeaderName(lower);
      validateHeaderValue(lower, value);
      headers[lower] = Array.isArray(value) ? value.map(String) : String(value);
    }

    const contentType = String(headers['content-type'] ?? 'text/plain').toLowerCase();
    if (!contentType.startsWith('multipart/') && !contentType.includes('charset=')) {
      headers['content-type'] = `${contentType}; charset=utf-8`;
    }

    const status = toStatusCode(statusCode);
    const bytes = await toBody(body);
    headers['content-length'] = String(bytes.length);
    return { statusCode: status, headers, body: bytes };
  } catch (error) {
    headers['content-length'] = '0';
    return { statusCode: 500, headers, body: Buffer.alloc(0), error };
  }
}

/**
 * Node's `writeHead` coerces with `| 0` and accepts 100..999.
 * @param {unknown} code
 */
function toStatusCode(code) {
  const n = Number(code) | 0;
  if (n < 100 || n > 999) throw new RangeError(`Invalid status code: ${String(code)}`);
  return n;
}

/**
 * micro's `send`: Buffer as is, stream piped, object or number JSON, string as is; anything else
 * makes Buffer.byteLength throw.
 * @param {unknown} body
 * @returns {Promise<Buffer>}
 */
async function toBody(body) {
  if (Buffer.isBuffer(body)) return body;
  if (
    body !== null &&
    typeof body === 'object' &&
    typeof (/** @type {any} */ (body).pipe) === 'function'
  ) {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of /** @type {AsyncIterable<Buffer | string>} */ (body)) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
  if ((typeof body === 'object' && body !== null) || typeof body === 'number') {
    return Buffer.from(/** @type {string} */ (JSON.stringify(body)));
  }
  if (typeof body === 'string') return Buffer.from(body);
  throw new TypeError(
    `The response body must be a string, Buffer, stream or JSON value, got ${typeof body}`,
  );
}
