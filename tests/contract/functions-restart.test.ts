import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Client, Functions } from 'node-appwrite';
import { afterAll, expect, test } from 'vitest';
import { buildApp } from '../../emulator/app.ts';
import type { FunctionsService } from '../../emulator/core/functions/service.ts';
import { deployFunction, ECHO_FUNCTION } from '../support/function-bundles.ts';

/**
 * Functions survive a restart of the same data folder: the deployment still runs, an async execution
 * still waiting runs once the server listens again, and a scheduled execution made before the
 * restart runs when its minute comes after it.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'appwrite-local-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<{
  app: FastifyInstance;
  client: Client;
  service: FunctionsService;
}> {
  const app = await buildApp({ projectId: 'restart', dataDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const key = app.emulator.identity.keys.createFullScope().secret;
  const client = new Client()
    .setEndpoint(`http://127.0.0.1:${port}/v1`)
    .setProject('restart')
    .setKey(key);
  const service = app.emulator.functions;
  service.stopClock();
  return { app, client, service };
}

test('a deployment and a scheduled execution outlive the server', async () => {
  const first = await start();
  await deployFunction(first.client, 'kept', ECHO_FUNCTION);
  const at = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 120_000);
  const scheduled = await new Functions(first.client).createExecution({
    functionId: 'kept',
    async: true,
    scheduledAt: at.toISOString(),
    xpath: '/later',
  });
  // Stop the executor so this async execution is still waiting when the server stops.
  first.service.executor.close();
  const waiting = await new Functions(first.client).createExecution({
    functionId: 'kept',
    async: true,
    xpath: '/queued',
  });
  expect(waiting.status).toBe('waiting');
  await first.app.close();

  const second = await start();
  try {
    const functions = new Functions(second.client);
    const now = await functions.createExecution({ functionId: 'kept' });
    expect(now.status).toBe('completed');
    await second.service.idle();
    const resumed = await functions.getExecution({ functionId: 'kept', executionId: waiting.$id });
    expect([resumed.status, resumed.requestPath]).toEqual(['completed', '/queued']);
    const seen = JSON.parse(
      (await functions.createExecution({ functionId: 'kept' })).responseBody,
    ) as { env: Record<string, string> };
    expect(seen.env.APPWRITE_FUNCTION_API_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    second.service.triggers.tick(new Date(at.getTime() + 1_000));
    await second.service.idle();
    const done = await functions.getExecution({ functionId: 'kept', executionId: scheduled.$id });
    expect([done.status, done.requestPath, done.responseStatusCode]).toEqual([
      'completed',
      '/later',
      200,
    ]);
  } finally {
    await second.app.close();
  }
}, 30_000);
