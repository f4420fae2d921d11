import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { AppError } from '../../../functions/_lib/app-error.ts';
import { MAX_BODY_BYTES, parseInput } from '../../../functions/_lib/body.ts';
import { appwriteClient, callerOf } from '../../../functions/_lib/caller.ts';
import { createHandler, type RouteHandler } from '../../../functions/_lib/create-handler.ts';
import { readEnv } from '../../../functions/_lib/env.ts';
import { AGORA_VERSION } from '../../../shared/version.ts';
import { execute, type FakeRequest, fakeContext, RUNTIME_MISSING_RETURN } from './fake-runtime.ts';

const SECRET = 'db password is hunter2';

const Note = z.strictObject({
  title: z.string().check(z.minLength(1)),
  tags: z.optional(z.array(z.string())),
});

/** A function with one route per behaviour the library promises. */
const notes = createHandler({
  'GET /': ({ res }) => res.json({ ok: true }),
  'POST /notes': ({ req, res }) => res.json(parseInput(Note, req.bodyText), 201),
  'DELETE /notes/:noteId': ({ res, params }) => res.json({ deleted: params.noteId }),
  'GET /forbidden': () => {
    throw new AppError('user_unauthorized', 'Sign in first.');
  },
  'GET /boom': () => {
    throw new Error(SECRET);
  },
  'GET /boom-later': async () => {
    await Promise.resolve();
    throw new TypeError(SECRET);
  },
  // A handler that forgets its return: the type system would catch it, so force it past.
  'GET /silent': (() => undefined) as unknown as RouteHandler,
});

interface Scenario {
  name: string;
  request: FakeRequest;
  status: number;
  /** The whole JSON body, when a scenario pins it. */
  body?: unknown;
  type?: string;
  contains?: string[];
  notContains?: string[];
  /** Strings the execution's error log must hold. */
  logged?: string[];
}

const json = (body: unknown) => JSON.stringify(body);

const scenarios: Scenario[] = [
  { name: 'known route → its answer', request: { path: '/' }, status: 200, body: { ok: true } },
  {
    name: 'valid input → parsed and echoed',
    request: { method: 'POST', path: '/notes', body: json({ title: 'Hi', tags: ['a'] }) },
    status: 201,
    body: { title: 'Hi', tags: ['a'] },
  },
  {
    name: 'malformed JSON → 400 general_bad_request, no parser detail',
    request: { method: 'POST', path: '/notes', body: '{"title": "Hi",' },
    status: 400,
    type: 'general_bad_request',
    notContains: ['SyntaxError', 'JSON at position', 'Unexpected'],
  },
  {
    name: 'malformed JSON with a JSON content type → still our 400, not the runtime crash',
    request: {
      method: 'POST',
      path: '/notes',
      body: '{oops',
      headers: { 'content-type': 'application/json' },
    },
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: 'unknown key → 400 general_argument_invalid naming that key',
    request: { method: 'POST', path: '/notes', body: json({ title: 'Hi', authorId: 'u1' }) },
    status: 400,
    body: {
      message: 'One or more fields are invalid.',
      code: 400,
      type: 'general_argument_invalid',
      version: AGORA_VERSION,
      fields: { authorId: { code: 'unrecognized_keys', message: expect.any(String) } },
    },
  },
  {
    name: 'empty body → treated as {} so the missing field is named',
    request: { method: 'POST', path: '/notes', body: '' },
    status: 400,
    body: {
      message: 'One or more fields are invalid.',
      code: 400,
      type: 'general_argument_invalid',
      version: AGORA_VERSION,
      fields: { title: { code: 'invalid_type', message: expect.any(String) } },
    },
  },
  {
    name: 'a JSON array body → argument invalid at the root',
    request: { method: 'POST', path: '/notes', body: '[1]' },
    status: 400,
    type: 'general_argument_invalid',
    contains: ['"fields":{"":{"code":"invalid_type"'],
  },
  {
    name: `body over ${MAX_BODY_BYTES} bytes → 400 general_bad_request`,
    request: {
      method: 'POST',
      path: '/notes',
      body: json({ title: 'x'.repeat(MAX_BODY_BYTES) }),
    },
    status: 400,
    type: 'general_bad_request',
    contains: ['64 KiB'],
  },
  {
    name: 'body just under the limit → read',
    request: {
      method: 'POST',
      path: '/notes',
      body: json({ title: 'x'.repeat(MAX_BODY_BYTES - 20) }),
    },
    status: 201,
  },
  {
    name: 'the limit counts UTF-8 bytes, not characters: 32 Ki × "é" is over 64 KiB → 400',
    request: {
      method: 'POST',
      path: '/notes',
      body: json({ title: 'é'.repeat(MAX_BODY_BYTES / 2) }),
    },
    status: 400,
    type: 'general_bad_request',
  },
  {
    name: ':param is decoded',
    request: { method: 'DELETE', path: '/notes/a%20b' },
    status: 200,
    body: { deleted: 'a b' },
  },
  {
    name: 'trailing slash matches the same route',
    request: { method: 'DELETE', path: '/notes/n1/' },
    status: 200,
    body: { deleted: 'n1' },
  },
  {
    name: 'method is matched case-insensitively',
    request: { method: 'delete', path: '/notes/n1' },
    status: 200,
    body: { deleted: 'n1' },
  },
  {
    name: 'unknown path → 404 general_route_not_found',
    request: { path: '/nowhere' },
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'known path, other method → 404 general_route_not_found (as Appwrite answers)',
    request: { method: 'PUT', path: '/notes' },
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'missing :param segment → 404',
    request: { method: 'DELETE', path: '/notes/' },
    status: 404,
    type: 'general_route_not_found',
  },
  {
    name: 'badly encoded :param → 404, no URIError',
    request: { method: 'DELETE', path: '/notes/%E0%A4%A' },
    status: 404,
    type: 'general_route_not_found',
    notContains: ['URIError'],
  },
  {
    name: 'AppError → its type and status',
    request: { path: '/forbidden' },
    status: 401,
    body: {
      message: 'Sign in first.',
      code: 401,
      type: 'user_unauthorized',
      version: AGORA_VERSION,
    },
  },
  {
    name: 'plain Error → 500 general_server_error, cause only in the error log',
    request: { path: '/boom' },
    status: 500,
    type: 'general_server_error',
    notContains: [SECRET, 'hunter2', 'at ', 'Error:', 'stack'],
    logged: [SECRET, 'at '],
  },
  {
    name: 'error thrown after an await → same 500, same log',
    request: { path: '/boom-later' },
    status: 500,
    type: 'general_server_error',
    notContains: [SECRET, 'at ', 'TypeError'],
    logged: [`TypeError: ${SECRET}`],
  },
  {
    name: 'handler returning nothing → guarded 500 in our shape, logged',
    request: { path: '/silent' },
    status: 500,
    type: 'general_server_error',
    logged: ['returned no res.* value'],
  },
];

describe('createHandler, run as the runtime runs it', () => {
  it.each(scenarios)('$name', async (scenario) => {
    const result = await execute(notes, scenario.request);

    expect(result.statusCode).toBe(scenario.status);
    expect(result.headers['content-type']).toBe('application/json');
    const body = result.json() as Record<string, unknown>;
    if (scenario.body !== undefined) expect(body).toEqual(scenario.body);
    if (scenario.type !== undefined) {
      expect(body).toMatchObject({
        code: scenario.status,
        type: scenario.type,
        version: AGORA_VERSION,
      });
      expect(typeof body.message).toBe('string');
    }
    for (const text of scenario.contains ?? []) expect(result.text).toContain(text);
    for (const text of scenario.notContains ?? []) expect(result.text).not.toContain(text);
    for (const text of scenario.logged ?? []) expect(result.errors.join('\n')).toContain(text);
    if (!scenario.logged) expect(result.errors).toEqual([]);
    // Our guard answers before the runtime's own fallback ever has to.
    expect(result.errors.join('\n')).not.toContain(RUNTIME_MISSING_RETURN);
  });
});

describe('the fake runtime behaves like open-runtimes', () => {
  it('bodyJson throws on malformed input, bodyText does not', () => {
    const { context } = fakeContext({ body: '{oops' });
    expect(() => context.req.bodyJson).toThrow(SyntaxError);
    expect(context.req.bodyText).toBe('{oops');
  });

  it('res helpers return {body, statusCode, headers} with a byte body', () => {
    const { context } = fakeContext();
    const answer = context.res.json({ a: 1 }, 202);
    expect(answer.statusCode).toBe(202);
    expect(answer.headers).toEqual({ 'content-type': 'application/json' });
    expect(Buffer.from(answer.body).toString()).toBe('{"a":1}');
    expect(context.res.empty()).toMatchObject({ statusCode: 204 });
  });

  it('an unguarded function that returns nothing → 500, empty body, "Return statement missing" logged', async () => {
    const result = await execute(async () => undefined);
    expect(result.statusCode).toBe(500);
    expect(result.text).toBe('');
    expect(result.errors.join('\n')).toContain(RUNTIME_MISSING_RETURN);
  });

  it('an unguarded function that throws → 500, empty body, stack logged', async () => {
    const result = await execute(async () => {
      throw new Error(SECRET);
    });
    expect(result.statusCode).toBe(500);
    expect(result.text).toBe('');
    expect(result.errors.join('\n')).toContain(SECRET);
  });

  it('log lines are cut at 8000 characters', () => {
    const execution = fakeContext();
    execution.context.log('x'.repeat(9000));
    expect(execution.logs[0]).toHaveLength(8000);
  });
});

describe('caller and environment', () => {
  it("x-appwrite-user-id '' is a guest, anything else the user", () => {
    expect(callerOf(fakeContext().context.req)).toEqual({ userId: null });
    const signedIn = fakeContext({ headers: { 'x-appwrite-user-id': 'u1' } });
    expect(callerOf(signedIn.context.req)).toEqual({ userId: 'u1' });
  });

  it('a missing environment names each variable, never a value', () => {
    expect(() => readEnv({})).toThrow(
      /APPWRITE_FUNCTION_API_ENDPOINT missing, APPWRITE_FUNCTION_PROJECT_ID missing/,
    );
    expect(() =>
      readEnv({ APPWRITE_FUNCTION_API_ENDPOINT: 'ftp://x', APPWRITE_FUNCTION_PROJECT_ID: 'p' }),
    ).toThrow(/APPWRITE_FUNCTION_API_ENDPOINT not an http\(s\) URL/);
    expect(
      readEnv({
        APPWRITE_FUNCTION_API_ENDPOINT: 'http://127.0.0.1:1/v1',
        APPWRITE_FUNCTION_PROJECT_ID: 'agora',
      }),
    ).toEqual({
      APPWRITE_FUNCTION_API_ENDPOINT: 'http://127.0.0.1:1/v1',
      APPWRITE_FUNCTION_PROJECT_ID: 'agora',
    });
  });

  it('no x-appwrite-key → the client is refused (a 500 through createHandler)', async () => {
    expect(() => appwriteClient(fakeContext().context.req)).toThrow(/x-appwrite-key/);
    const fn = createHandler({
      'GET /': ({ req, res }) => {
        appwriteClient(req);
        return res.empty();
      },
    });
    const result = await execute(fn);
    expect(result.statusCode).toBe(500);
    expect(result.errors.join('\n')).toContain('x-appwrite-key header is missing');
  });
});
