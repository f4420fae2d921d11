// @ts-check
/**
 * Builds the `context` a function receives, field for field as the open-runtimes Node server does
 * (OPR runtimes/node/versions/latest/src/server.js, `action`). The quirks are copied on purpose,
 * because functions written against Appwrite depend on them: host, port and scheme come from the
 * Host and X-Forwarded-Proto headers; the query is split naively and never URL-decoded; `body` is
 * parsed JSON only for an application/json content type; `bodyJson` throws on malformed input.
 */

/**
 * @typedef {object} WorkerRequest
 * @property {string} method
 * @property {string} url path plus `?query` when there is one, as an HTTP request line has it
 * @property {Record<string, string>} headers lower-cased names
 * @property {Buffer} body
 */

/**
 * @typedef {object} FunctionOutput
 * @property {unknown} body
 * @property {unknown} statusCode
 * @property {Record<string, unknown>} headers
 */

/**
 * @param {WorkerRequest} request
 * @param {import('./logger.mjs').ExecutionLogger} logger
 */
export function buildContext(request, logger) {
  const contentType = (request.headers['content-type'] ?? 'text/plain').toLowerCase();
  const bodyBinary = request.body;

  /** @type {Record<string, string>} */
  const headers = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-open-runtimes-')) headers[lower] = value;
  }

  const scheme = request.headers['x-forwarded-proto'] ?? 'http';
  const defaultPort = scheme === 'https' ? '443' : '80';
  const hostHeader = request.headers.host ?? '';
  const host = hostHeader.includes(':') ? hostHeader.split(':')[0] : hostHeader;
  const port = Number(hostHeader.includes(':') ? hostHeader.split(':')[1] : defaultPort);
  const path = request.url.includes('?') ? request.url.split('?')[0] : request.url;
  const queryString = request.url.includes('?') ? request.url.split('?')[1] : '';
  /** @type {Record<string, string>} */
  const query = {};
  for (const param of queryString.split('&')) {
    const [key, ...rest] = param.split('=');
    if (key) query[key] = rest.join('=');
  }
  const url = `${scheme}://${host}${String(port) === defaultPort ? '' : `:${port}`}${path}${queryString === '' ? '' : `?${queryString}`}`;

  const req = {
    get body() {
      if (contentType.startsWith('application/json')) {
        return this.bodyBinary && this.bodyBinary.length > 0 ? this.bodyJson : {};
      }
      return this.bodyText;
    },
    get bodyRaw() {
      return this.bodyText;
    },
    get bodyText() {
      return this.bodyBinary.toString();
    },
    get bodyJson() {
      return JSON.parse(this.bodyText);
    },
    get bodyBinary() {
      return bodyBinary;
    },
    headers,
    method: request.method,
    host,
    scheme,
    query,
    queryString,
    port,
    url,
    path,
  };

  // `function` (not arrows) so `this` is `res`, as upstream: `text` calls `this.binary`.
  const res = {
    /** @returns {FunctionOutput} */
    send(/** @type {unknown} */ body, statusCode = 200, headers = {}) {
      return { body, statusCode, headers };
    },
    /** @returns {FunctionOutput} */
    text(/** @type {string} */ body, statusCode = 200, headers = {}) {
      return this.binary(Buffer.from(body, 'utf8'), statusCode, headers);
    },
    /** @returns {FunctionOutput} */
    binary(/** @type {unknown} */ bytes, statusCode = 200, headers = {}) {
      return { body: bytes, statusCode, headers };
    },
    /** @returns {FunctionOutput} */
    json(
      /** @type {unknown} */ obj,
      statusCode = 200,
      /** @type {Record<string, unknown>} */ headers = {},
    ) {
      headers['content-type'] = 'application/json';
      return this.text(/** @type {string} */ (JSON.stringify(obj)), statusCode, headers);
    },
    /** @returns {FunctionOutput} */
    empty() {
      return this.text('', 204, {});
    },
    /** @returns {FunctionOutput} */
    redirect(
      /** @type {string} */ url,
      statusCode = 301,
      /** @type {Record<string, unknown>} */ headers = {},
    ) {
      headers.location = url;
      return this.text('', statusCode, headers);
    },
  };

  return {
    req,
    res,
    /** @param {unknown[]} messages */
    log: (...messages) => logger.write(messages, 'log'),
    /** @param {unknown[]} messages */
    error: (...messages) => logger.write(messages, 'error'),
  };
}
