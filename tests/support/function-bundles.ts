/**
 * Function code for contract tests: writes files into a temp folder and packs them as the tar.gz
 * appwrite-cli uploads, then deploys it through node-appwrite and waits until it is ready.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

/**
 * A function that reports what it received (method, path, query, headers, body, `APPWRITE_*` and
 * `MY_*` variables), plus a few behaviours picked by path: `/sleep?ms=N`, `/forever` (never
 * answers), `/call` (calls this server's API at the body's `path` with the per-execution key or the
 * user JWT — `{"path": "/users", "auth": "key" | "jwt"}` — and answers with the status and body).
 * It writes one log line and one error line each time.
 */
export const ECHO_FUNCTION = esmFunction(`
export default async ({ req, res, log, error }) => {
  log('log line');
  error('error line');
  if (req.path === '/sleep') await new Promise((r) => setTimeout(r, Number(req.query.ms)));
  if (req.path === '/forever') await new Promise(() => {});
  if (req.path === '/call') {
    const { path, auth } = JSON.parse(req.bodyText);
    const headers = { 'x-appwrite-project': process.env.APPWRITE_FUNCTION_PROJECT_ID };
    if (auth === 'key') headers['x-appwrite-key'] = req.headers['x-appwrite-key'];
    if (auth === 'jwt') headers['x-appwrite-jwt'] = req.headers['x-appwrite-user-jwt'];
    const answer = await fetch(process.env.APPWRITE_FUNCTION_API_ENDPOINT + path, { headers });
    return res.json({ status: answer.status, body: await answer.json() });
  }
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('APPWRITE_') || k.startsWith('MY_')),
  );
  return res.json({
    method: req.method,
    path: req.path,
    query: req.query,
    headers: req.headers,
    bodyText: req.bodyText,
    env,
  });
};
`);

/** One hand-made tar entry: `type` is the tar typeflag ('0' file, '2' symlink, '5' dir, '6' FIFO). */
export interface RawEntry {
  name: string;
  type: '0' | '1' | '2' | '5' | '6';
  content?: string;
  linkname?: string;
}

/**
 * A tar.gz built byte by byte, so it can hold what tar tools refuse to write (`../` paths, links
 * out of the folder, devices) — the archives a hostile deployment would upload.
 */
export function rawTarGz(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.content ?? '');
    const header = Buffer.alloc(512);
    const put = (text: string, offset: number, length: number) =>
      header.write(text.slice(0, length), offset, length, 'utf8');
    const octal = (value: number, length: number) =>
      `${value.toString(8).padStart(length - 1, '0')}\0`;
    put(entry.name, 0, 100);
    put(octal(0o644, 8), 100, 8);
    put(octal(0, 8), 108, 8);
    put(octal(0, 8), 116, 8);
    put(octal(entry.type === '0' ? data.length : 0, 12), 124, 12);
    put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
    header.fill(0x20, 148, 156);
    put(entry.type, 156, 1);
    put(entry.linkname ?? '', 157, 100);
    put('ustar\u000000', 257, 8);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header);
    if (entry.type === '0' && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
