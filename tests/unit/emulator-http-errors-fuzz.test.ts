import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../emulator/app.ts';

/**
 * Whatever a client sends — a malformed path, odd headers, a method nobody serves, bytes that are not
 * HTTP — every answer from 400 up is Appwrite's error body `{message, code, type, version}`: `code` an
 * integer equal to the status, `type` one of Appwrite 1.9.5's (the upstream list, loaded from the
 * fixture, not our own table), no framework code or stack; and nothing is a 5xx.
 *
 * Two drivers: `inject` for requests Node can parse (fast, a few hundred runs), and raw sockets to a
 * listening server for what only a socket can send (lowercase methods, bad header lines, CONNECT,
 * Upgrade). No function is deployed, so function-domain paths answer `router_host_not_found`.
 *
 * Runs are reproducible: fast-check prints the seed of a failing run; `FUZZ_SEED=<n>` replays it.
 * `FUZZ_RUNS=<k>` multiplies the number of runs for a longer hunt.
 */

const APPWRITE_TYPES = new Map(
  readFileSync(new URL('./fixtures/appwrite-error-types.tsv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t') as [string, string])
    .map(([type, code]) => [type, Number(code)]),
);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const BODY_LIMIT = 64 * 1024;

let app: FastifyInstance;
let port = 0;
let apiKey = '';
const internalErrors: unknown[] = [];

beforeAll(async () => {
  app = await buildApp({
    projectId: 'p',
    bodyLimit: BODY_LIMIT,
    onInternalError: (error) => internalErrors.push(error),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  apiKey = app.emulator.identity.keys.createFullScope().secret;
});
afterAll(() => app.close());

/** Throws unless an answer is acceptable: below 500, and an Appwrite error body from 400 up. */
function expectAppwriteAnswer(method: string, status: number, text: string): void {
  expect(status, text).toBeLessThan(500);
  if (status < 400 || method.toUpperCase() === 'HEAD') return;
  const body = JSON.parse(text);
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'type', 'version']);
  expect(Number.isInteger(body.code)).toBe(true);
  expect(body.code).toBe(status);
  expect(APPWRITE_TYPES.get(body.type), `type ${body.type}`).toBe(status);
  expect(typeof body.message).toBe('string');
  expect(body.message).not.toMatch(/FST_|\n\s+at /);
}

// ---------------------------------------------------------------------------------------------
// The cases the issue names, and the ones fuzzing found, as rows.

interface RawScenario {
  name: string;
  request: string;
  status: number;
  type?: string;
}

const H = 'Host: 127.0.0.1\r\nX-Appwrite-Project: p\r\nConnection: close\r\n';
const rawScenarios: RawScenario[] = [
  {
    name: 'a path parameter over 1,024 characters → 400 general_argument_invalid, not 414',
    request: `GET /v1/storage/buckets/${'a'.repeat(1100)} HTTP/1.1\r\n${H}\r\n`,
    status: 400,
    type: 'general_argument_invalid',
  },
  {
    name: 'a malformed % escape in the path → 400 general_argument_invalid, integer code',
    request: `GET /v1/storage/buckets/%zz HTTP/1.1\r\n${H}\r\n`,
    status: 400,
    type: 'general_argument_invalid',
  },
  {
    name: 'a lowercase method → 400 general_bad_request',
    request: `get /v1/health/version HTTP/1.1\r\n${H}\r\n`,
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'a header line without a colon → 400 general_bad_request',
    request: `GET /v1/health/version HTTP/1.1\r\n${H}Bad Header\r\n\r\n`,
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'headers over the size limit → 400 general_bad_request, not 431',
    request: `GET /v1/health/version HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'HTTP/1.1 without Host → 400 general_bad_request, not an empty body',
    request: 'GET /v1/health/version HTTP/1.1\r\nConnection: close\r\n\r\n',
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'CONNECT → 404 general_route_not_found, not a dropped socket',
    request: `CONNECT 127.0.0.1:80 HTTP/1.1\r\n${H}\r\n`,
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'an Upgrade to a path that is not Realtime → 400 general_bad_request, not a dropped socket',
    request: `GET /v1/health/version HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n`,
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'a WebSocket handshake without a key → 400 general_bad_request, not text/html',
    request: `GET /v1/realtime?project=p HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'an Expect other than 100-continue is served, not a bare 417',
    request: `GET /v1/health/version HTTP/1.1\r\n${H}Expect: bogus\r\n\r\n`,
    status: 200,
  },
];

/** Sends raw bytes, reads until the server closes; returns the first response's status and body. */
function rawRequest(request: string): Promise<{ status: number; body: string; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    // A bound on the wait, not a timing assertion: a request left unanswered is a failure.
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(request.slice(0, 200))}`));
    }, 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      // Interim answers (`100 Continue` to an `Expect`) come before the one that counts.
      const raw = Buffer.concat(chunks)
        .toString('latin1')
        .replace(/^(HTTP\/1\.1 1\d\d [^\r\n]*\r\n\r\n)+/, '');
      const match = /^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n/.exec(raw);
      if (!match) return reject(new Error(`not an HTTP answer: ${JSON.stringify(raw)}`));
      const headEnd = raw.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, headEnd));
      const rest = Buffer.from(raw.slice(headEnd + 4), 'latin1');
      const body = length ? rest.subarray(0, Number(length[1])) : rest;
      resolve({ status: Number(match[1]), body: body.toString('utf8'), raw });
    });
    socket.write(Buffer.from(request, 'utf8'));
  });
}

describe('requests Fastify or Node would answer in their own shape', () => {
  it.each(rawScenarios)('$name', async ({ request, status, type }) => {
    const answer = await rawRequest(request);
    expect(answer.status, answer.raw).toBe(status);
    expectAppwriteAnswer(request.split(' ')[0] ?? '', answer.status, answer.body);
    if (type) expect(JSON.parse(answer.body).type).toBe(type);
  });
});

// ---------------------------------------------------------------------------------------------
// Generators.

const TEMPLATES = [
  '/v1/health/version',
  '/v1/health',
  '/v1/account',
  '/v1/account/sessions/{}',
  '/v1/account/prefs',
  '/v1/users/{}',
  '/v1/users/{}/sessions/{}',
  '/v1/tablesdb/{}/tables/{}/rows/{}',
  '/v1/tablesdb/{}/tables/{}/columns/{}/{}',
  '/v1/databases/{}/collections/{}/documents',
  '/v1/storage/buckets/{}',
  '/v1/storage/buckets/{}/files',
  '/v1/storage/buckets/{}/files/{}/preview',
  '/v1/tokens/buckets/{}/files/{}',
  '/v1/functions/{}/deployments/{}',
  '/v1/functions/{}/executions',
  '/v1/webhooks/{}',
  '/v1/project/variables/{}',
  '/v1/local/functions/{}/{}',
  '/v1/local/outbox',
  '/v1/realtime',
  '/v1/{}',
  '/{}',
  '/',
];

const segment = fc.oneof(
  fc.constantFrom('main', 'unique()', 'x', '..', '.', '', '%', '%zz', '%E0%A4%A', '%00', '%2F'),
  fc.constantFrom('%2e%2e', '%C3%A9', '%F0%9F%98%80', '*', '~', "'", ';', ':', '@', '!$&()+,='),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/),
  fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
  // No backslash: light-my-request parses the path as a URL, and `/\…` is a scheme-relative one with
  // no host, which it rejects (or reads as another host) before the server sees it: a random run failed so.
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[\s#?\\]/g, '')),
  fc.integer({ min: 1000, max: 2500 }).map((n) => 'a'.repeat(n)),
);

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?project=p', '?%zz', '?queries[0]=%7B', '?a[b][c][d][e][f][g][h][i][j][k][l]=1'),
  fc.constantFrom(
    '?queries[]=limit(1)',
    '?width=99999&height=-1&quality=1000&output=bmp',
    '?token=x',
  ),
  fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s).replace(/%3D/g, '=')}`),
);

const path = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.array(segment, { minLength: 5, maxLength: 5 }), query)
  .map(([template, parts, q]) => {
    let n = 0;
    return `${template.replace(/\{\}/g, () => parts[n++] ?? '')}${q}`;
  });

const HEADER_VALUES: Record<string, readonly string[]> = {
  'content-type': [
    'application/json',
    'application/json; charset=utf-16',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'text/plain',
    '%%%',
    '',
    '*/*',
  ],
  'x-appwrite-project': ['p', 'other', '', 'console'],
  'x-appwrite-key': ['KEY', 'standard_x', 'x'],
  'x-appwrite-response-format': ['1.4.0', '0.15.0', '1.9.5', 'x', '99'],
  'x-appwrite-jwt': ['x', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
  'x-appwrite-session': ['x', '{}', 'eyJpZCI6IngifQ=='],
  'x-fallback-cookies': ['{', '[]', '{"a_session_p":"x"}', 'null'],
  cookie: ['a_session_p=x', 'a_session_p=', '=;;=', 'a_session_p_legacy=%zz'],
  range: ['bytes=0-', 'bytes=5-1', 'bytes=-0', 'x', 'bytes=0-1,2-3'],
  'content-range': ['bytes 0-1/2', 'bytes 5-1/2', 'bytes 0-99999999999/1', 'x'],
  'x-appwrite-id': ['x', '', '..', 'unique()'],
  'x-sdk-language': ['cli', 'web', ''],
  'x-appwrite-mode': ['admin', 'default', 'x'],
  origin: ['http://localhost', 'null', 'x'],
  'accept-encoding': ['gzip', 'br', 'x'],
  'x-forwarded-for': ['1.2.3.4', 'x', ''],
  authorization: ['Bearer x', 'Basic x'],
  expect: ['bogus', '100-continue'],
};
const headerValue = (name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(HEADER_VALUES[name] ?? ['x'])) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 5000, max: 12_000 }).map((n) => 'v'.repeat(n)) },
  );
const headers = fc
  .uniqueArray(fc.constantFrom(...Object.keys(HEADER_VALUES)), { maxLength: 5 })
  .chain((names) => fc.tuple(...names.map((name) => headerValue(name).map((v) => [name, v]))))
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 60 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '--x\r\nContent-Disposition: form-data; name="fileId"\r\n\r\nunique()\r\n--x--\r\n',
  ),
  fc.constant('x'.repeat(BODY_LIMIT + 1)),
);

const INJECT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
const method = fc.constantFrom(...INJECT_METHODS, 'PROPFIND', 'SEARCH', 'QUERY', 'CONNECT', 'LOCK');

// ---------------------------------------------------------------------------------------------
// The properties.

describe('fuzz', () => {
  it('paths, headers, methods and bodies through inject: Appwrite errors only, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, async (m, url, h, payload) => {
        const sent = { ...h };
        if (sent['x-appwrite-key'] === 'KEY') sent['x-appwrite-key'] = apiKey;
        const response = await app.inject({
          method: m as 'GET',
          url,
          headers: sent,
          ...(payload === undefined ? {} : { payload }),
        });
        expectAppwriteAnswer(m, response.statusCode, response.body);
      }),
      { numRuns: 500 * RUNS, seed: SEED },
    );
    expect(internalErrors).toEqual([]);
  });

  const rawMethod = fc.oneof(
    fc.constantFrom(...INJECT_METHODS, 'CONNECT', 'PROPFIND'),
    fc.constantFrom('get', 'Post', 'FOO', 'M-SEARCH', 'G\u00c9T', '', '\u0001'),
  );
  const rawPath = fc.oneof(
    path,
    fc.constantFrom('*', 'http://evil/v1/health/version', '/v1/\u00e9', '/v1/\u0000', '//', 'x'),
  );
  const version = fc.constantFrom(
    'HTTP/1.1',
    'HTTP/1.1',
    'HTTP/1.0',
    'HTTP/2.0',
    'HTTP/9.9',
    'HTTX',
  );
  const headerLines = fc.array(
    fc.oneof(
      headers.map((h) => Object.entries(h).map(([k, v]) => `${k}: ${v}`)),
      fc.constantFrom(
        ['Bad Header'],
        [': novalue'],
        ['Content-Length: abc'],
        ['Content-Length: -1'],
        ['Content-Length: 1, 2'],
        ['Content-Length: 0', 'Content-Length: 1'],
        ['Content-Length: 99999999999999999999'],
        ['Transfer-Encoding: gzip'],
        ['Transfer-Encoding: chunked', 'Content-Length: 3'],
        ['Connection: Upgrade', 'Upgrade: h2c'],
        ['Connection: Upgrade', 'Upgrade: websocket'],
        ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: x'],
        [`X-Huge: ${'h'.repeat(20_000)}`],
        ['X-Tab:\tvalue'],
        ['X-Latin1: caf\u00e9'],
      ),
    ),
    { maxLength: 3 },
  );

  it('raw requests on a socket: Appwrite errors only, never a 5xx, never silence', async () => {
    await fc.assert(
      fc.asyncProperty(
        rawMethod,
        rawPath,
        version,
        headerLines,
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (m, target, v, lines, payload) => {
          const extra = lines.flat().map((line) => line.replace('KEY', apiKey));
          // The body always has a true length (or the parser refuses the request), so the server
          // never waits for bytes that will not come; `Connection: close` makes it hang up after.
          const framing =
            payload === undefined ? [] : [`Content-Length: ${Buffer.byteLength(payload)}`];
          const request = [
            `${m} ${target} ${v}`,
            'Host: 127.0.0.1',
            'Connection: close',
            ...framing,
            ...extra.filter((line) => !/^(connection|host):/i.test(line) || /Upgrade/.test(line)),
            '',
            payload ?? '',
          ].join('\r\n');
          const answer = await rawRequest(request);
          expectAppwriteAnswer(m, answer.status, answer.body);
        },
      ),
      { numRuns: 150 * RUNS, seed: SEED },
    );
    expect(internalErrors).toEqual([]);
  });
});
