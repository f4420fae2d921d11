/**
 * The open-runtimes Node context as the runner builds it: every `res` helper and the HTTP response
 * it becomes, and every `req` field for the request a function receives. Each row is a tiny
 * function deployment run in a real worker process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionRunner } from '../../emulator/runtime/runner.ts';
import type { ExecutionRequest } from '../../emulator/runtime/types.ts';
import { FixtureDir } from '../support/runtime-fixtures.ts';

let runner: FunctionRunner;
let fixtures: FixtureDir;

beforeAll(async () => {
  runner = new FunctionRunner();
  fixtures = await FixtureDir.create();
});
afterAll(async () => {
  await runner.close();
  await fixtures.remove();
});

interface Row {
  name: string;
  /** Body of `export default async ({ req, res, log, error }) => { … }`. */
  fn: string;
  request?: Partial<ExecutionRequest>;
  status: number;
  /** Headers that must be present with exactly these values. */
  headers?: Record<string, string>;
  /** Header names that must be absent. */
  absentHeaders?: string[];
  /** The body, as text, or as parsed JSON when an object. */
  body?: string | object;
  bodyBytes?: number[];
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const responses: Row[] = [
  {
    name: 'res.json → 200, JSON body, application/json with charset',
    fn: `return res.json({ ok: true, n: 1 });`,
    status: 200,
    headers: { 'content-type': JSON_TYPE },
    body: { ok: true, n: 1 },
  },
  {
    name: 'res.json with a status and headers → names lower-cased',
    fn: `return res.json({ a: 1 }, 201, { 'X-Custom': 'A' });`,
    status: 201,
    headers: { 'content-type': JSON_TYPE, 'x-custom': 'A' },
    body: { a: 1 },
  },
  {
    name: 'res.text → 200, text/plain with charset',
    fn: `return res.text('hello');`,
    status: 200,
    headers: { 'content-type': TEXT, 'content-length': '5' },
    body: 'hello',
  },
  {
    name: 'res.binary → the exact bytes',
    fn: `return res.binary(Buffer.from([0, 255, 1, 128]));`,
    status: 200,
    headers: { 'content-type': TEXT },
    bodyBytes: [0, 255, 1, 128],
  },
  {
    name: 'res.binary with image/png → charset appended all the same (runtime quirk)',
    fn: `return res.binary(Buffer.from([137, 80]), 200, { 'Content-Type': 'image/png' });`,
    status: 200,
    headers: { 'content-type': 'image/png; charset=utf-8' },
    bodyBytes: [137, 80],
  },
  {
    name: 'res.empty → 204, no body',
    fn: `return res.empty();`,
    status: 204,
    headers: { 'content-type': TEXT },
    body: '',
  },
  {
    name: 'res.redirect → 301 with location',
    fn: `return res.redirect('https://example.com/next');`,
    status: 301,
    headers: { location: 'https://example.com/next' },
    body: '',
  },
  {
    name: 'res.redirect with 302',
    fn: `return res.redirect('/elsewhere', 302);`,
    status: 302,
    headers: { location: '/elsewhere' },
  },
  {
    name: 'res.send of an object → JSON text, content type stays text/plain',
    fn: `return res.send({ a: [1, 2] }, 202);`,
    status: 202,
    headers: { 'content-type': TEXT },
    body: '{"a":[1,2]}',
  },
  {
    name: 'res.send of a string with headers',
    fn: `return res.send('<p>hi</p>', 200, { 'content-type': 'Text/HTML' });`,
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<p>hi</p>',
  },
  {
    name: 'a charset already given is kept as written',
    fn: `return res.text('x', 200, { 'content-type': 'text/csv; Charset=ISO-8859-1' });`,
    status: 200,
    headers: { 'content-type': 'text/csv; Charset=ISO-8859-1' },
  },
  {
    name: 'multipart content types get no charset',
    fn: `return res.text('--b--', 200, { 'content-type': 'multipart/form-data; boundary=b' });`,
    status: 200,
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
  },
  {
    name: 'x-open-runtimes-* response headers are dropped',
    fn: `return res.text('x', 200, { 'X-Open-Runtimes-Log-Id': 'mine', 'x-kept': '1' });`,
    status: 200,
    headers: { 'x-kept': '1' },
    absentHeaders: ['x-open-runtimes-log-id'],
  },
  {
    name: 'a plain returned object is a response too',
    fn: `return { body: 'raw', statusCode: 418, headers: { 'X-A': 'b' } };`,
    status: 418,
    headers: { 'x-a': 'b', 'content-type': TEXT },
    body: 'raw',
  },
];

const echo = `return res.json({
  method: req.method, path: req.path, queryString: req.queryString, query: req.query,
  host: req.host, port: req.port, scheme: req.scheme, url: req.url, headers: req.headers,
});`;

const requests: Row[] = [
  {
    name: 'headers lower-cased, x-open-runtimes-* removed',
    fn: `return res.json(req.headers);`,
    request: {
      headers: {
        'X-Custom-Header': 'Value',
        'X-Open-Runtimes-Secret': 's',
        'Content-Type': 'text/plain',
      },
      host: 'fn.local',
    },
    status: 200,
    body: { 'x-custom-header': 'Value', 'content-type': 'text/plain', host: 'fn.local' },
  },
  {
    name: 'query split naively, never URL-decoded',
    fn: `return res.json({ query: req.query, queryString: req.queryString });`,
    request: { queryString: 'a=%20b&c=1=2&&d&e=x+y' },
    status: 200,
    body: { query: { a: '%20b', c: '1=2', d: '', e: 'x+y' }, queryString: 'a=%20b&c=1=2&&d&e=x+y' },
  },
  {
    name: 'https on a custom port → scheme, host, port and url',
    fn: echo,
    request: {
      method: 'PATCH',
      path: 'items/1',
      queryString: 'x=1',
      scheme: 'https',
      host: 'example.com',
      port: 8443,
    },
    status: 200,
    body: {
      method: 'PATCH',
      path: '/items/1',
      queryString: 'x=1',
      query: { x: '1' },
      host: 'example.com',
      port: 8443,
      scheme: 'https',
      url: 'https://example.com:8443/items/1?x=1',
      headers: { host: 'example.com:8443', 'x-forwarded-proto': 'https' },
    },
  },
  {
    name: 'default port is left out of the url',
    fn: `return res.json({ url: req.url, port: req.port });`,
    request: { host: 'example.com', port: 80 },
    status: 200,
    body: { url: 'http://example.com/', port: 80 },
  },
  {
    name: 'JSON content type → body parsed, bodyText intact',
    fn: `return res.json({ body: req.body, text: req.bodyText, raw: req.bodyRaw });`,
    request: {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from('{"k":[1]}'),
    },
    status: 200,
    body: { body: { k: [1] }, text: '{"k":[1]}', raw: '{"k":[1]}' },
  },
  {
    name: 'JSON content type with an empty body → body is {}',
    fn: `return res.json({ body: req.body });`,
    request: { method: 'POST', headers: { 'content-type': 'application/json' } },
    status: 200,
    body: { body: {} },
  },
  {
    name: 'malformed JSON → bodyJson throws, bodyText intact',
    fn: `let thrown = null;
      try { req.bodyJson; } catch (e) { thrown = e.name; }
      return res.json({ thrown, text: req.bodyText });`,
    request: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"k":'),
    },
    status: 200,
    body: { thrown: 'SyntaxError', text: '{"k":' },
  },
  {
    name: 'other content types → body is the text',
    fn: `return res.json({ body: req.body });`,
    request: { method: 'POST', headers: { 'content-type': 'text/csv' }, body: Buffer.from('a,b') },
    status: 200,
    body: { body: 'a,b' },
  },
  {
    name: 'bodyBinary is a Buffer of the exact bytes',
    fn: `return res.json({ isBuffer: Buffer.isBuffer(req.bodyBinary), bytes: [...req.bodyBinary] });`,
    request: { method: 'POST', body: Buffer.from([0, 255, 10]) },
    status: 200,
    body: { isBuffer: true, bytes: [0, 255, 10] },
  },
  {
    name: "the function's variables are its environment; the server's own are not",
    fn: `const e = process.env;
      return res.json({ mine: e.MINE ?? null, server: e.AGORA_RUNTIME_TEST_LEAK ?? null,
        entry: e.OPEN_RUNTIMES_ENTRYPOINT, memory: e.OPEN_RUNTIMES_MEMORY, ci: e.CI });`,
    request: { env: { MINE: 'yes', CI: 'mine' }, memoryMb: 256 },
    status: 200,
    body: { mine: 'yes', server: null, entry: 'main.js', memory: '256', ci: 'true' },
  },
  {
    name: 'HEAD → headers as for GET, no body',
    fn: `return res.text(req.method === 'HEAD' ? 'body for head' : 'x');`,
    request: { method: 'HEAD' },
    status: 200,
    headers: { 'content-length': '13' },
    body: '',
  },
  {
    name: 'no IPC channel is exposed to the function, as in the runtime',
    fn: `return res.json({ send: typeof process.send });`,
    status: 200,
    body: { send: 'undefined' },
  },
];

async function check(row: Row, index: number, group: string): Promise<void> {
  const base = await fixtures.deploy(
    `${group}-${index}`,
    `export default async ({ req, res, log, error }) => {\n${row.fn}\n};\n`,
  );
  const result = await runner.execute({ ...base, ...row.request });
  expect(result.errors, 'no runtime errors').toBe('');
  expect(result.statusCode).toBe(row.status);
  for (const [name, value] of Object.entries(row.headers ?? {})) {
    expect(result.headers[name], `header ${name}`).toBe(value);
  }
  for (const name of row.absentHeaders ?? []) expect(result.headers).not.toHaveProperty(name);
  if (typeof row.body === 'string') expect(result.body.toString()).toBe(row.body);
  if (typeof row.body === 'object') expect(JSON.parse(result.body.toString())).toEqual(row.body);
  if (row.bodyBytes) expect([...result.body]).toEqual(row.bodyBytes);
}

describe('context.res → HTTP response', () => {
  it.concurrent.each(responses.map((row, i) => [row.name, row, i] as const))('%s', (_, row, i) =>
    check(row, i, 'res'),
  );
});

describe('HTTP request → context.req', () => {
  beforeAll(() => {
    process.env.AGORA_RUNTIME_TEST_LEAK = 'server secret';
  });
  afterAll(() => {
    delete process.env.AGORA_RUNTIME_TEST_LEAK;
  });
  it.concurrent.each(requests.map((row, i) => [row.name, row, i] as const))('%s', (_, row, i) =>
    check(row, i, 'req'),
  );
});
