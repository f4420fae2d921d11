import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import {
  readWebhookEnv,
  verifyWebhookSignature,
  webhookSignature,
} from '../../../functions/webhooks/src/webhook-signature.ts';
import {
  DUPLICATE_WINDOW_MS,
  MAX_WEBHOOK_BYTES,
  receiveWebhook,
} from '../../../functions/webhooks/src/webhooks-handlers.ts';
import type { WebhooksRepo } from '../../../functions/webhooks/src/webhooks-repo.ts';
import { Route, routeRequest } from '../../../shared/functions.ts';
import { WebhookDeliveryFields } from '../../../shared/schemas/webhook.ts';
import { execute } from './fake-runtime.ts';

/**
 * The `webhooks` function in-process: the signature check (who asks does not matter, the signature
 * does), duplicate deliveries, concurrency, and fast-check over bodies and headers. The repository is
 * in memory, answers 409/404 as Appwrite would, and records every write.
 */

class FakeWebhooksRepo implements WebhooksRepo {
  readonly rows = new Map<string, WebhookDeliveryFields>();
  readonly writes: string[] = [];

  async createDelivery(rowId: string, fields: WebhookDeliveryFields) {
    await Promise.resolve();
    if (this.rows.has(rowId)) return false;
    this.rows.set(rowId, { ...fields });
    this.writes.push(`create ${rowId}`);
    return true;
  }
  async receivedAt(rowId: string) {
    await Promise.resolve();
    const row = this.rows.get(rowId);
    return row ? new Date(row.receivedAt) : null;
  }
  async deleteDelivery(rowId: string) {
    await Promise.resolve();
    this.writes.push(`delete ${rowId}`);
    return this.rows.delete(rowId);
  }
}

const URL = 'https://agora.example/v1/functions/webhooks';
const SECRET = 'whsec-0123456789abcdef';
const NOW = new Date('2026-11-29T12:00:00.000Z');
const USERS = { guest: '', user: 'user-1', admin: 'admin-1' } as const;
type Who = keyof typeof USERS;

const sign = (body: string, secret = SECRET, url = URL) =>
  webhookSignature(secret, url, Buffer.from(body, 'utf8'));

const BODY = JSON.stringify({ $id: 'user-9', name: 'Nine', email: 'nine@example.com' });

interface Options {
  who?: Who;
  body?: string;
  headers?: Record<string, string>;
  now?: Date;
  env?: Record<string, string | undefined>;
  method?: string;
}

async function deliver(repo: FakeWebhooksRepo, options: Options = {}) {
  const handler = createHandler({
    [Route.webhooks.receive]: receiveWebhook({
      repoFor: () => repo,
      env: () =>
        readWebhookEnv(options.env ?? { AGORA_WEBHOOK_URL: URL, AGORA_WEBHOOK_SECRET: SECRET }),
      now: () => options.now ?? NOW,
    }),
  });
  const request = routeRequest(Route.webhooks.receive);
  return execute(
    { default: handler },
    {
      method: options.method ?? request.method,
      path: request.path,
      body: options.body ?? BODY,
      headers: {
        'content-type': 'application/json',
        'x-appwrite-user-id': USERS[options.who ?? 'guest'],
        'x-appwrite-webhook-id': 'hook-1',
        'x-appwrite-webhook-events': 'users.*.create,users.user-9.create',
        ...options.headers,
      },
    },
  );
}

const signed = (body = BODY) => ({ 'x-appwrite-webhook-signature': sign(body) });

interface Scenario {
  name: string;
  options: Options;
  status: number;
  type?: string;
  recorded: number;
}

const rejections: Scenario[] = (['guest', 'user', 'admin'] as const).flatMap((who) => [
  {
    name: `${who}: signature header missing → 401, nothing recorded`,
    options: { who },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
  {
    name: `${who}: signature of another body → 401, nothing recorded`,
    options: { who, headers: signed('{"other":true}') },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
]);

const scenarios: Scenario[] = [
  ...rejections,
  {
    name: 'empty signature header → 401',
    options: { headers: { 'x-appwrite-webhook-signature': '' } },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
  {
    name: 'signed with another secret → 401',
    options: { headers: { 'x-appwrite-webhook-signature': sign(BODY, 'another-secret') } },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
  {
    name: 'signed over another URL (as the request would give it) → 401',
    options: {
      headers: { 'x-appwrite-webhook-signature': sign(BODY, SECRET, 'http://functions.local/') },
    },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
  {
    name: 'a signature of the right length with one character changed → 401',
    options: {
      headers: {
        'x-appwrite-webhook-signature': `${sign(BODY).slice(0, -2)}${sign(BODY).endsWith('A=') ? 'B=' : 'A='}`,
      },
    },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
  {
    name: 'a much longer signature → 401 (length checked before comparing)',
    options: { headers: { 'x-appwrite-webhook-signature': sign(BODY).repeat(40) } },
    status: 401,
    type: 'user_unauthorized',
    recorded: 0,
  },
  {
    name: 'guest with the right signature → 200, recorded',
    options: { headers: signed() },
    status: 200,
    recorded: 1,
  },
  {
    name: 'signed-in user with the right signature → 200, recorded (the signature decides)',
    options: { who: 'user', headers: signed() },
    status: 200,
    recorded: 1,
  },
  {
    name: 'a body that is not JSON but is signed → 200 (Appwrite signed it; we record it)',
    options: { body: 'not json', headers: signed('not json') },
    status: 200,
    recorded: 1,
  },
  {
    name: 'a body over 1 MiB → 400 general_bad_request, nothing recorded',
    options: {
      body: 'x'.repeat(MAX_WEBHOOK_BYTES + 1),
      headers: signed('x'.repeat(MAX_WEBHOOK_BYTES + 1)),
    },
    status: 400,
    type: 'general_bad_request',
    recorded: 0,
  },
  {
    name: 'GET / → 404 general_route_not_found',
    options: { method: 'GET', headers: signed() },
    status: 404,
    type: 'general_route_not_found',
    recorded: 0,
  },
];

describe('POST / (webhooks)', () => {
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const repo = new FakeWebhooksRepo();
      const answer = await deliver(repo, scenario.options);
      expect(answer.statusCode, answer.text).toBe(scenario.status);
      if (scenario.type) expect((answer.json() as { type: string }).type).toBe(scenario.type);
      expect(repo.rows.size).toBe(scenario.recorded);
      if (scenario.recorded === 0) expect(repo.writes).toEqual([]);
      expect(answer.text).not.toContain(SECRET);
    });
  }

  test('the record: webhook id, events, body hash and size, a bounded excerpt, when', async () => {
    const repo = new FakeWebhooksRepo();
    const body = JSON.stringify({ text: 'é'.repeat(3000) });
    const answer = await deliver(repo, { body, headers: signed(body) });
    const receipt = answer.json() as { deliveryId: string; duplicate: boolean };
    expect(receipt.duplicate).toBe(false);
    const row = repo.rows.get(receipt.deliveryId);
    expect(row).toMatchObject({
      webhookId: 'hook-1',
      events: 'users.*.create,users.user-9.create',
      bodyBytes: Buffer.byteLength(body),
      receivedAt: NOW.toISOString(),
    });
    expect(row?.bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.deliveryId).toBe(row?.bodyHash.slice(0, 36));
    expect(row?.bodyExcerpt).toBe(body.slice(0, 1000));
  });

  test('an events header longer than the column is cut, not refused', async () => {
    const repo = new FakeWebhooksRepo();
    const events = 'databases.*.tables.*.rows.*.update,'.repeat(200);
    await deliver(repo, { headers: { ...signed(), 'x-appwrite-webhook-events': events } });
    expect([...repo.rows.values()][0]?.events).toHaveLength(4096);
  });

  test('the same delivery again within 10 minutes → 200 duplicate, recorded once', async () => {
    const repo = new FakeWebhooksRepo();
    const first = await deliver(repo, { headers: signed() });
    const again = await deliver(repo, {
      headers: signed(),
      now: new Date(NOW.getTime() + DUPLICATE_WINDOW_MS - 1),
    });
    expect(first.json()).toMatchObject({ duplicate: false });
    expect([again.statusCode, again.json()]).toEqual([
      200,
      expect.objectContaining({ duplicate: true }),
    ]);
    expect(repo.rows.size).toBe(1);
    expect(repo.writes).toHaveLength(1);
  });

  test('the same body from another webhook id is still a duplicate (the id names the webhook)', async () => {
    const repo = new FakeWebhooksRepo();
    await deliver(repo, { headers: signed() });
    const again = await deliver(repo, {
      headers: { ...signed(), 'x-appwrite-webhook-id': 'hook-2' },
    });
    expect(again.json()).toMatchObject({ duplicate: true });
  });

  test('after the window the same body is accepted again, still one record', async () => {
    const repo = new FakeWebhooksRepo();
    await deliver(repo, { headers: signed() });
    const later = new Date(NOW.getTime() + DUPLICATE_WINDOW_MS + 1);
    const again = await deliver(repo, { headers: signed(), now: later });
    expect(again.json()).toMatchObject({ duplicate: false });
    expect(repo.rows.size).toBe(1);
    expect([...repo.rows.values()][0]?.receivedAt).toBe(later.toISOString());
  });

  test('20 concurrent copies → exactly one accepted, one record', async () => {
    const repo = new FakeWebhooksRepo();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => deliver(repo, { headers: signed() })),
    );
    const accepted = answers.filter((a) => !(a.json() as { duplicate: boolean }).duplicate);
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(accepted).toHaveLength(1);
    expect(repo.rows.size).toBe(1);
  });

  test('20 concurrent copies after the window → exactly one accepted again', async () => {
    const repo = new FakeWebhooksRepo();
    await deliver(repo, { headers: signed() });
    const later = new Date(NOW.getTime() + DUPLICATE_WINDOW_MS + 1);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => deliver(repo, { headers: signed(), now: later })),
    );
    const accepted = answers.filter((a) => !(a.json() as { duplicate: boolean }).duplicate);
    expect(accepted).toHaveLength(1);
    expect(repo.rows.size).toBe(1);
  });

  test('variables missing → 500 with a generic message; the log names the variable, never a value', async () => {
    const repo = new FakeWebhooksRepo();
    const answer = await deliver(repo, {
      headers: signed(),
      env: { AGORA_WEBHOOK_URL: URL, AGORA_WEBHOOK_SECRET: undefined },
    });
    expect(answer.statusCode).toBe(500);
    expect(answer.text).not.toContain('AGORA_WEBHOOK');
    expect(answer.errors.join('\n')).toContain('AGORA_WEBHOOK_SECRET missing');
    expect(answer.errors.join('\n')).not.toContain(URL);
    expect(repo.writes).toEqual([]);
  });
});

describe('verifyWebhookSignature', () => {
  test('matches what the local Appwrite sends (base64 HMAC-SHA1 of URL + body)', async () => {
    const { webhookSignature: emulatorSignature } = await import(
      '../../../emulator/core/functions/webhooks.ts'
    );
    const body = '{"$id":"x","name":"Ünïcode"}';
    const expected = emulatorSignature(SECRET, URL, body);
    expect(verifyWebhookSignature(SECRET, URL, Buffer.from(body), expected)).toBe(true);
    expect(verifyWebhookSignature(SECRET, `${URL}/`, Buffer.from(body), expected)).toBe(false);
  });
});

describe('fast-check over what a sender can send', () => {
  test('any webhook id and events headers with a signed body → 200, a record that fits its columns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 36 }), fc.string({ minLength: 37, maxLength: 80 })),
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ minLength: 4000, maxLength: 6000 })),
        async (webhookId, events) => {
          const repo = new FakeWebhooksRepo();
          const answer = await deliver(repo, {
            headers: {
              ...signed(),
              'x-appwrite-webhook-id': webhookId,
              'x-appwrite-webhook-events': events,
            },
          });
          expect(answer.statusCode, answer.text).toBe(200);
          const [row] = [...repo.rows.values()];
          expect(WebhookDeliveryFields.safeParse(row).success).toBe(true);
        },
      ),
      // No shrinking: a failing 6,000-character header takes minutes to shrink and says no more.
      { numRuns: 60, endOnFailure: true },
    );
  });

  test('any body with any signature header but the right one → 401, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        // Any text, or text of exactly a real signature's length (so the compare itself is reached).
        fc.option(fc.oneof(fc.string(), fc.base64String({ minLength: 28, maxLength: 28 }))),
        async (body, signature) => {
          fc.pre(signature !== sign(body));
          const repo = new FakeWebhooksRepo();
          const headers: Record<string, string> =
            signature === null ? {} : { 'x-appwrite-webhook-signature': signature };
          const answer = await deliver(repo, { body, headers });
          expect(answer.statusCode).toBe(401);
          expect((answer.json() as { type: string }).type).toBe('user_unauthorized');
          expect(repo.writes).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('any signed body → 200; each distinct body recorded exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 2000 }), { maxLength: 6 }),
        async (bodies) => {
          const repo = new FakeWebhooksRepo();
          for (const body of bodies) {
            const answer = await deliver(repo, { body, headers: signed(body) });
            expect(answer.statusCode, answer.text).toBe(200);
          }
          expect(repo.rows.size).toBe(new Set(bodies).size);
        },
      ),
      { numRuns: 100 },
    );
  });
});
