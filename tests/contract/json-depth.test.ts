import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * A JSON body nested past 512 levels (PHP's `json_decode` depth, which Appwrite's request parsing
 * uses) is refused at the door with 400 `general_argument_invalid`. Before that bound, a guest's
 * `{"email":[[[…]]]}` 10,000 levels deep reached the abuse hook's key, whose `JSON.stringify` ran out
 * of stack: a 500 on any labelled route, and on every prefs route.
 */

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer();
  await call(server, 'POST', '/teams', {
    headers: { 'x-appwrite-key': server.apiKey },
    body: { teamId: 'deep', name: 'Deep' },
  });
});
afterAll(() => server.close());

/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('deeply nested JSON bodies', () => {
  it('a guest’s body 10,000 levels deep is 400 general_argument_invalid, not a 500', async () => {
    const answer = await call(server, 'POST', '/account/tokens/email', {
      body: `{"userId":"unique()","email":${nested(10_000)}}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.type).toBe('general_argument_invalid');
  });

  it('team prefs 10,000 levels deep are 400; a body 512 levels deep is accepted, 513 is not', async () => {
    const headers = { 'x-appwrite-key': server.apiKey };
    const deep = await call(server, 'PUT', '/teams/deep/prefs', {
      headers,
      body: `{"prefs":${nested(10_000)}}`,
    });
    expect(deep.status).toBe(400);
    expect(deep.json.type).toBe('general_argument_invalid');
    // The body's own object is the first level, `prefs` the second.
    const fine = await call(server, 'PUT', '/teams/deep/prefs', {
      headers,
      body: `{"prefs":${nested(511)}}`,
    });
    expect(fine.status).toBe(200);
    const over = await call(server, 'PUT', '/teams/deep/prefs', {
      headers,
      body: `{"prefs":${nested(512)}}`,
    });
    expect(over.status).toBe(400);
  });

  it('brackets inside strings do not count as nesting', async () => {
    const answer = await call(server, 'PUT', '/teams/deep/prefs', {
      headers: { 'x-appwrite-key': server.apiKey },
      body: JSON.stringify({ prefs: { text: `${'[{'.repeat(2_000)}"\\` } }),
    });
    expect(answer.status).toBe(200);
    expect(answer.json.text).toBe(`${'[{'.repeat(2_000)}"\\`);
  });
});
