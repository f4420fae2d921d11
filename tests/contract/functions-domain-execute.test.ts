import { request } from 'node:http';
import { Client, Functions, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunctionsService } from '../../emulator/core/functions/service.ts';
import { deployFunction, esmFunction } from '../support/function-bundles.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * A function's domain is public, so Appwrite's router runs a function there only when its
 * `execute` roles include `any` or `guests` (app/controllers/general.php); any other is refused with
 * 401 `function_execute_permission_missing` before it runs, whoever asks — a guest, a signed-in
 * user, through `/v1/local/functions/<id>/` or a `<id>.functions.localhost` Host.
 */

const REFUSAL =
  'To execute function using domain, execute permissions must include "any" or "guests".';

const RAN = esmFunction(`export default async ({ res }) => res.text('ran', 200);`);

let server: LocalServer;
let service: FunctionsService;
let keyClient: Client;
let userSecret: string;

const scenarios = [
  { functionId: 'execute-none', execute: [] as string[], runs: false },
  { functionId: 'execute-users', execute: ['users'], runs: false },
  { functionId: 'execute-any', execute: ['any'], runs: true },
  { functionId: 'execute-guests', execute: ['guests'], runs: true },
];

async function executionsOf(functionId: string): Promise<number> {
  await service.idle();
  return (await new Functions(keyClient).listExecutions({ functionId })).total;
}

/** A request to the server with another Host header (fetch may not set Host). */
function byHost(host: string) {
  const port = new URL(server.endpoint).port;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path: '/', headers: { host } },
      (answer) => {
        let body = '';
        answer.on('data', (chunk) => {
          body += chunk;
        });
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

beforeAll(async () => {
  server = await startLocalServer();
  service = server.app.emulator.functions;
  keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  for (const { functionId, execute } of scenarios) {
    await deployFunction(keyClient, functionId, RAN, { execute });
  }
  const users = new Users(keyClient);
  await users.create({ userId: 'member', email: 'member@example.com' });
  userSecret = (await users.createSession({ userId: 'member' })).secret;
}, 60_000);
afterAll(async () => server.close());

describe('function domains honour execute', () => {
  const callers = [
    ['a guest', {}],
    [
      'a signed-in user',
      () => ({ 'x-appwrite-project': server.projectId, 'x-appwrite-session': userSecret }),
    ],
  ] as const;

  test.each(scenarios.flatMap((s) => callers.map(([who, headers]) => ({ ...s, who, headers }))))(
    '$who → $functionId (execute $execute): runs $runs',
    async ({ functionId, runs, headers }) => {
      const before = await executionsOf(functionId);
      const response = await fetch(`${server.endpoint}/local/functions/${functionId}/`, {
        headers: typeof headers === 'function' ? headers() : headers,
      });
      const text = await response.text();
      if (runs) {
        expect([response.status, text]).toEqual([200, 'ran']);
        expect(await executionsOf(functionId)).toBe(before + 1);
        return;
      }
      expect(response.status).toBe(401);
      expect(JSON.parse(text)).toEqual({
        message: REFUSAL,
        code: 401,
        type: 'function_execute_permission_missing',
        version: '1.9.5',
      });
      expect(await executionsOf(functionId)).toBe(before);
    },
  );

  test('by Host: <id>.functions.localhost is refused the same way; an allowed one runs', async () => {
    const refused = await byHost('execute-none.functions.localhost');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).type).toBe('function_execute_permission_missing');
    expect(await byHost('execute-any.functions.localhost')).toEqual({ status: 200, body: 'ran' });
    expect(await executionsOf('execute-none')).toBe(0);
  });

  test('20 guests at once on execute: [] → 20 × 401, nothing runs', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${server.endpoint}/local/functions/execute-none/`, {
          method: 'POST',
          body: '{}',
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses).toEqual(Array(20).fill(401));
    expect(await executionsOf('execute-none')).toBe(0);
  });
});
