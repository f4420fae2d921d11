import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import * as tar from 'tar';

/**
 * Helpers for tests of the local Appwrite's Sites: a scratch static site whose build is a small
 * Node script (no install, no network), its code as the tar.gz an SDK uploads, and a GET to a site's
 * domain (`<name>.sites.localhost`) sent to 127.0.0.1 with that Host header.
 */

/** Writes `files` (path → content) under `root`, creating folders. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/**
 * A static site's source: `build.mjs` writes `dist/` — an index page carrying `version`, a script,
 * `about.html`, `docs/index.html`, and `env.json` (the build's environment, for leak checks) — and
 * `secret.txt` lies outside `dist/`, `dist/leak.txt` a link to it. `WAIT_FOR` (a variable) makes the build wait for that file
 * first, so a test can look at the site while a build is running.
 */
export function staticSiteSource(version: string): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'scratch-site', private: true, type: 'module' }),
    'secret.txt': 'outside the output folder\n',
    '.env': 'GREETING=from-dotenv\n',
    'build.mjs': `import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
const wait = process.env.WAIT_FOR;
for (let i = 0; wait && !existsSync(wait) && i < 600; i++) await new Promise((r) => setTimeout(r, 50));
mkdirSync('dist/docs', { recursive: true });
writeFileSync('dist/index.html', '<!doctype html><title>${version}</title><script src="/app.js"></script>');
writeFileSync('dist/app.js', 'console.log(${JSON.stringify(version)});');
writeFileSync('dist/about.html', '<p>about</p>');
writeFileSync('dist/docs/index.html', '<p>docs</p>');
writeFileSync('dist/.hidden', 'hidden');
writeFileSync('dist/env.json', JSON.stringify(process.env));
symlinkSync('../secret.txt', 'dist/leak.txt');
console.log('built ${version}');
`,
    'fail.mjs': "console.error('boom: the build broke'); process.exit(3);\n",
  };
}

/** The tar.gz of a folder, as appwrite-cli and the SDKs upload it. */
export async function packFolder(folder: string, into: string): Promise<Buffer> {
  await tar.c({ gzip: true, cwd: folder, file: into, portable: true }, ['.']);
  const bytes = readFileSync(into);
  rmSync(into, { force: true });
  return bytes;
}

/** A GET (or other method) to a site's host on the local Appwrite at `port`. */
export function siteRequest(
  port: number,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { ...options.headers, host: `${host}:${port}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
