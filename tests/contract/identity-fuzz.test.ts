import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildApp } from '../../emulator/app.ts';
import { ERROR_CODES } from '../../emulator/core/platform/error-types.ts';

/**
 * Bad input to the identity routes: random bodies, ids and query strings always get a 2xx or a 4xx
 * with one of Appwrite's error types — never a 5xx — and the server keeps serving. Driven through
 * `inject` (no sockets) so a few hundred runs stay fast; password hashing is the slow part, so
 * bodies that would reach it are kept rare by the shapes below.
 */

let app: FastifyInstance;
let key = '';
const failures: unknown[] = [];

beforeAll(async () => {
  app = await buildApp({ projectId: 'fuzz', onInternalError: (error) => failures.push(error) });
  key = app.emulator.identity.keys.createFullScope().secret;
});
afterAll(() => app.close());

const KNOWN_TYPES = new Set(Object.keys(ERROR_CODES));

const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);
const body = fc.oneof(
  fc.dictionary(
    fc.constantFrom(
      'userId',
      'email',
      'password',
      'name',
      'prefs',
      'labels',
      'status',
      'url',
      'secret',
      'duration',
      'emailVerification',
      'number',
      'length',
      'expire',
      'sessionId',
      'oldPassword',
    ),
    value,
  ),
  value,
  fc.string().map((text) => ({ raw: text })),
);
const route = fc.constantFrom(
  ['POST', '/v1/account'],
  ['POST', '/v1/account/sessions/email'],
  ['POST', '/v1/account/recovery'],
  ['PUT', '/v1/account/recovery'],
  ['PUT', '/v1/account/verifications/email'],
  ['POST', '/v1/account/sessions/token'],
  ['POST', '/v1/users'],
  ['PATCH', '/v1/users/{id}/name'],
  ['PATCH', '/v1/users/{id}/status'],
  ['PUT', '/v1/users/{id}/labels'],
  ['PATCH', '/v1/users/{id}/prefs'],
  ['PATCH', '/v1/users/{id}/phone'],
  ['POST', '/v1/users/{id}/jwts'],
  ['POST', '/v1/users/{id}/tokens'],
  ['DELETE', '/v1/users/{id}/sessions/{id}'],
);
const id = fc.oneof(fc.constant('unique()'), fc.string({ maxLength: 40 }), fc.constant('existing'));

test('random bodies never produce a 5xx or an unknown error type', async () => {
  await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: { 'x-appwrite-project': 'fuzz', 'x-appwrite-key': key },
    payload: { userId: 'existing', email: 'existing@example.com' },
  });
  await fc.assert(
    fc.asyncProperty(
      route,
      id,
      body,
      fc.boolean(),
      async ([method, path], userId, payload, withKey) => {
        const url = (path as string).replaceAll('{id}', encodeURIComponent(userId) || 'x');
        const raw = payload && typeof payload === 'object' && 'raw' in payload;
        const response = await app.inject({
          method: method as 'POST',
          url,
          headers: {
            'x-appwrite-project': 'fuzz',
            'content-type': 'application/json',
            ...(withKey ? { 'x-appwrite-key': key } : {}),
          },
          payload: raw ? String((payload as { raw: string }).raw) : JSON.stringify(payload),
        });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(KNOWN_TYPES.has(response.json().type)).toBe(true);
        }
      },
    ),
    { numRuns: 300 },
  );
  expect(failures).toEqual([]);
});

test('random list queries and search terms never produce a 5xx', async () => {
  const query = fc.oneof(
    fc.string(),
    fc
      .record({
        method: fc.constantFrom(
          'equal',
          'notEqual',
          'lessThan',
          'between',
          'startsWith',
          'contains',
          'isNull',
          'orderAsc',
          'orderDesc',
          'limit',
          'offset',
          'cursorAfter',
          'cursorBefore',
          'search',
          'select',
          'bogus',
        ),
        attribute: fc.constantFrom('name', 'email', 'labels', 'status', '$id', 'password', ''),
        values: fc.oneof(fc.array(value, { maxLength: 3 }), value),
      })
      .map((q) => JSON.stringify(q)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(query, { maxLength: 3 }), fc.string(), async (queries, search) => {
      const params = new URLSearchParams();
      for (const [i, q] of queries.entries()) params.append(`queries[${i}]`, q);
      params.append('search', search);
      const response = await app.inject({
        url: `/v1/users?${params}`,
        headers: { 'x-appwrite-project': 'fuzz', 'x-appwrite-key': key },
      });
      expect(response.statusCode).toBeLessThan(500);
      if (response.statusCode >= 400) expect(KNOWN_TYPES.has(response.json().type)).toBe(true);
    }),
    { numRuns: 1000 },
  );
  const health = await app.inject({ url: '/v1/health/version' });
  expect(health.statusCode).toBe(200);
  expect(failures).toEqual([]);
});
