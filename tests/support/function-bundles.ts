/**
 * Function code for contract tests: writes files into a temp folder and packs them as the tar.gz
 * appwrite-cli uploads, then deploys it through node-appwrite and waits until it is ready.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Client, Functions, type Models } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import * as tar from 'tar';

/** Packs `files` (path → content) as a tar.gz and returns its bytes. */
export async function packBundle(files: Record<string, string>): Promise<Buffer> {
  const root = await mkdtemp(join(tmpdir(), 'agora-bundle-'));
  try {
    const src = join(root, 'src');
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(src, path)), { recursive: true });
      await writeFile(join(src, path), content);
    }
    const archive = join(root, 'code.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: src }, Object.keys(files));
    return await readFile(archive);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** An ES-module function whose `main.js` is `source` (a module with a default export). */
export function esmFunction(source: string): Record<string, string> {
  return { 'package.json': JSON.stringify({ type: 'module' }), 'main.js': source };
}

/** The function settings tests vary. */
export interface FunctionSettings {
  execute?: string[];
  events?: string[];
  schedule?: string;
  timeout?: number;
  scopes?: string[];
  enabled?: boolean;
  logging?: boolean;
  entrypoint?: string;
}

/** Creates (or replaces) a function and deploys `files` to it; resolves when the deployment is ready. */
export async function deployFunction(
  client: Client,
  functionId: string,
  files: Record<string, string>,
  settings: FunctionSettings = {},
): Promise<{ fn: Models.Function; deployment: Models.Deployment }> {
  const functions = new Functions(client);
  await functions.delete({ functionId }).catch(() => undefined);
  await functions.create({
    functionId,
    name: functionId,
    // biome-ignore lint/suspicious/noExplicitAny: the Runtime enum value as a plain string
    runtime: 'node-22' as any,
    execute: ['any'],
    entrypoint: 'main.js',
    ...(settings as object),
  });
  const code = InputFile.fromBuffer(await packBundle(files), 'code.tar.gz');
  const deployment = await functions.createDeployment({ functionId, code, activate: true });
  const fn = await functions.get({ functionId });
  return { fn, deployment };
}
