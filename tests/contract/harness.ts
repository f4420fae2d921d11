import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../emulator/app.ts';

/** A running local Appwrite for one test file: a fresh data folder, 127.0.0.1 on a free port. */
export interface LocalServer {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>/v1` */
  endpoint: string;
  projectId: string;
  /** A key holding every scope, as `credentials.json` would give. */
  apiKey: string;
  /** Mints a key with only these scopes. */
  keyWith(scopes: string[]): string;
  /** Stops the server and deletes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1:0 with a new temporary data folder. Appwrite's abuse limits are off
 * (tests sign up many users from one IP, as Appwrite's own suite runs with `_APP_OPTIONS_ABUSE`
 * disabled) unless `options.abuse` turns them on.
 */
export async function startLocalServer(
  projectId = 'test-project',
  options: { abuse?: BuildOptions['abuse'] } = {},
): Promise<LocalServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'appwrite-local-test-'));
  const app = await buildApp({ projectId, dataDir, abuse: options.abuse ?? false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const keys = app.emulator.identity.keys;
  return {
    app,
    endpoint: `http://127.0.0.1:${port}/v1`,
    projectId,
    apiKey: keys.createFullScope().secret,
    keyWith: (scopes) => keys.create('test key', scopes).secret,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What `call` answers: the status, the headers, the body as text and parsed (`null` if not JSON). */
// biome-ignore lint/suspicious/noExplicitAny: tests probe error and model bodies field by field
export type CallResult = { status: number; headers: Headers; text: string; json: any };

/** A raw request to the server with the project header; returns status, headers and parsed body. */
export async function call(
  server: LocalServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; project?: boolean } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.project !== false) headers['x-appwrite-project'] ??= server.projectId;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${server.endpoint}${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}
