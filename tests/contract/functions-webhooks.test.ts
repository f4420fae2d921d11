import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { type Client, Query, TablesDB, Users, Webhooks } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Route, routeRequest } from '../../shared/functions.ts';
import { DATABASE_ID, TableId } from '../../shared/ids.ts';
import type { WebhookDelivery } from '../../shared/schemas/webhook.ts';
import { deployWithVariables, eventually } from '../support/accounts-function.ts';
import {
  applyAgoraTables,
  executeFunction,
  keyClientOf,
  userWithSession,
} from '../support/posts-function.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The `webhooks` function end to end: deployed with AGORA_WEBHOOK_URL / AGORA_WEBHOOK_SECRET, and a
 * project webhook on the local Appwrite pointing at the function's domain with the same secret. A
 * real event (a user created) makes the local Appwrite deliver a signed webhook; the delivery is
 * recorded once. A replay, a missing or a wrong signature are then sent to the same URL by hand.
 */

const SECRET = 'local-webhook-secret-0123456789abcdef';
let server: LocalServer;
let keyClient: Client;
let tables: TablesDB;
let url: string;

async function deliveries(): Promise<WebhookDelivery[]> {
  const list = await tables.listRows({
    databaseId: DATABASE_ID,
    tableId: TableId.webhookDeliveries,
    queries: [Query.limit(100)],
  });
  return list.rows as unknown as WebhookDelivery[];
}

/** A POST to the function's domain, as a webhook sender (or an attacker) would make it. */
async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const sign = (body: string, secret = SECRET) =>
  createHmac('sha1', secret)
    .update(url + body)
    .digest('base64');

beforeAll(async () => {
  server = await startLocalServer();
  applyAgoraTables(server);
  keyClient = keyClientOf(server);
  tables = new TablesDB(keyClient);
  url = `${server.endpoint}/local/functions/webhooks/`;
  await deployWithVariables(keyClient, 'webhooks', {
    AGORA_WEBHOOK_URL: url,
    AGORA_WEBHOOK_SECRET: SECRET,
  });
  await new Webhooks(keyClient).create({
    webhookId: 'agora-local',
    url,
    name: 'Agora (local)',
    events: ['users.*.create'],
    tls: false,
    secret: SECRET,
  });
}, 60_000);
afterAll(async () => server.close());

describe('webhooks end to end', () => {
  let recorded: WebhookDelivery;

  test('a real delivery from the local Appwrite (user created) → recorded once', async () => {
    await new Users(keyClient).create({ userId: 'hooked', email: 'hooked@example.com' });
    const [row] = await eventually('the delivery record', async () => {
      const rows = await deliveries();
      return rows.length > 0 ? rows : undefined;
    });
    recorded = row as WebhookDelivery;
    expect(recorded).toMatchObject({ webhookId: 'agora-local', receivedAt: expect.any(String) });
    expect(recorded.events.split(',')).toContain('users.*.create');
    expect(recorded.events.split(',')).toContain('users.hooked.create');
    expect(JSON.parse(recorded.bodyExcerpt)).toMatchObject({ $id: 'hooked' });
    expect(recorded.bodyHash).toBe(createHash('sha256').update(recorded.bodyExcerpt).digest('hex'));
    expect(recorded.$id).toBe(recorded.bodyHash.slice(0, 36));
    // The sender saw a 2xx: the webhook has no failed attempts.
    expect((await new Webhooks(keyClient).get({ webhookId: 'agora-local' })).attempts).toBe(0);
    expect(await deliveries()).toHaveLength(1);
  });

  test('the same delivery replayed → 200 duplicate, still one record', async () => {
    const body = recorded.bodyExcerpt;
    const answer = await post(body, {
      'x-appwrite-webhook-signature': sign(body),
      'x-appwrite-webhook-id': 'agora-local',
      'x-appwrite-webhook-events': recorded.events,
    });
    expect(answer).toEqual({
      status: 200,
      json: { deliveryId: recorded.$id, duplicate: true },
    });
    expect(await deliveries()).toHaveLength(1);
  });

  test('10 concurrent copies of a new delivery → one accepted, one record', async () => {
    const body = JSON.stringify({ $id: 'concurrent', at: Date.now() });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(body, { 'x-appwrite-webhook-signature': sign(body) })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.json.duplicate === false)).toHaveLength(1);
    expect(await deliveries()).toHaveLength(2);
  });

  const refused: Array<[string, (body: string) => Record<string, string>]> = [
    ['signature header missing', () => ({})],
    ['signature of another body', () => ({ 'x-appwrite-webhook-signature': sign('{}') })],
    [
      'signed with another secret',
      (b) => ({ 'x-appwrite-webhook-signature': sign(b, 'nope-nope') }),
    ],
    ['garbage signature', () => ({ 'x-appwrite-webhook-signature': 'not-a-signature' })],
  ];
  for (const [name, headers] of refused) {
    test(`${name} → 401 user_unauthorized, nothing recorded`, async () => {
      const before = (await deliveries()).length;
      const body = JSON.stringify({ $id: `refused-${name}` });
      const answer = await post(body, headers(body));
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ type: 'user_unauthorized', code: 401 });
      expect(JSON.stringify(answer.json)).not.toContain(SECRET);
      expect(await deliveries()).toHaveLength(before);
    });
  }

  test('fast-check: any body with any signature but its own → 401, nothing recorded', async () => {
    const before = (await deliveries()).length;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.option(fc.oneof(fc.string(), fc.base64String({ minLength: 28, maxLength: 28 }))),
        async (body, signature) => {
          fc.pre(signature !== sign(body));
          const headers: Record<string, string> =
            signature === null ? {} : { 'x-appwrite-webhook-signature': signature };
          const answer = await post(body, headers);
          expect(answer.status).toBe(401);
        },
      ),
      { numRuns: 15 },
    );
    expect(await deliveries()).toHaveLength(before);
  });

  test('a signed-in user executing it without a signature → 401, nothing recorded', async () => {
    const before = (await deliveries()).length;
    const user = await userWithSession(server, keyClient, 'curious');
    // Creating that user fired users.*.create: wait for its real delivery before counting.
    await eventually('the new user delivery', async () =>
      (await deliveries()).length > before ? true : undefined,
    );
    const count = (await deliveries()).length;
    const answer = await executeFunction(user, 'webhooks', routeRequest(Route.webhooks.receive), {
      $id: 'forged',
    });
    expect([answer.status, answer.body?.type]).toEqual([401, 'user_unauthorized']);
    expect(await deliveries()).toHaveLength(count);
  });

  test('guests cannot read the delivery records (no table permissions)', async () => {
    const response = await fetch(
      `${server.endpoint}/tablesdb/${DATABASE_ID}/tables/${TableId.webhookDeliveries}/rows`,
      { headers: { 'x-appwrite-project': server.projectId } },
    );
    const body = (await response.json()) as { total?: number; rows?: unknown[] };
    expect(response.status === 401 || body.rows?.length === 0).toBe(true);
  });
});
