/**
 * The `accounts` and `on-user-created` functions on a local Appwrite for contract tests: each built
 * from its folder, created with its appwrite.json settings, given `AGORA_ID_SECRET` through the
 * functions variables API (as the console or `appwrite push functions --with-variables` would), then
 * deployed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, Functions, ID } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { findProjectFile } from '../../emulator/project-file.ts';
import { buildFunction } from '../../scripts/build-functions.ts';
import { packBundle } from './function-bundles.ts';

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

interface FunctionEntry {
  $id: string;
  execute: string[];
  events: string[];
  scopes: string[];
  timeout: number;
}

/** Builds `functions/<id>`, creates the function as appwrite.json says, sets its variables, deploys. */
export async function deployWithVariables(
  keyClient: Client,
  functionId: string,
  variables: Record<string, string>,
): Promise<void> {
  const file = findProjectFile(REPO_ROOT);
  const entry = (file?.functions as FunctionEntry[] | undefined)?.find((f) => f.$id === functionId);
  if (!entry) throw new Error(`appwrite.json has no ${functionId} function`);
  const outDir = await mkdtemp(join(tmpdir(), `agora-${functionId}-build-`));
  try {
    await buildFunction(functionId, outDir);
    const files = {
      'main.js': await readFile(join(outDir, 'main.js'), 'utf8'),
      'package.json': await readFile(join(outDir, 'package.json'), 'utf8'),
    };
    const functions = new Functions(keyClient);
    await functions.delete({ functionId }).catch(() => undefined);
    await functions.create({
      functionId,
      name: functionId,
      // biome-ignore lint/suspicious/noExplicitAny: the Runtime enum value as a plain string
      runtime: 'node-22' as any,
      execute: entry.execute,
      events: entry.events,
      scopes: entry.scopes as never,
      timeout: entry.timeout,
      entrypoint: 'main.js',
    });
    for (const [key, value] of Object.entries(variables)) {
      await functions.createVariable({
        functionId,
        variableId: ID.unique(),
        key,
        value,
        secret: true,
      });
    }
    const code = InputFile.fromBuffer(await packBundle(files), 'code.tar.gz');
    await functions.createDeployment({ functionId, code, activate: true });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns a value other than `undefined`, or fails after `deadlineMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs = 10_000,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}
