import { realpathSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/**
 * Which file of a built site answers a request path — the local stand-in for open-runtimes' static
 * runtime (its Caddyfile: hidden files are 404, a folder without its slash is redirected 308 to it,
 * then `try_files {path} {path}.html {path}/index.html <fallback>`). Nothing outside the output
 * folder is ever served: the decoded path is normalised under the folder, and the file found is
 * resolved through any links and must still lie inside it.
 */

/** What to answer for a path. */
export type SiteAnswer =
  | { kind: 'file'; file: string; size: number; mtimeMs: number; contentType: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing'; notFoundPage: string | null };

/** Whether `path` is `base` or inside it (both already resolved). */
export function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep));
}

/** Content types by extension, as a static server sends them (text with its charset). */
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  txt: 'text/plain; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
};

/** The content type of a file name (`application/octet-stream` when unknown). */
export function contentTypeOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  return TYPES[extension] ?? 'application/octet-stream';
}

/** The regular file at `path` if it exists and lies inside `root` once links are resolved. */
function fileInside(
  root: string,
  path: string,
): { file: string; size: number; mtimeMs: number } | null {
  try {
    const real = realpathSync(path);
    if (!isInside(root, real)) return null;
    const stats = statSync(real);
    return stats.isFile() ? { file: real, size: stats.size, mtimeMs: stats.mtimeMs } : null;
  } catch {
    return null;
  }
}

function isFolderInside(root: string, path: string): boolean {
  try {
    const real = realpathSync(path);
    return isInside(root, real) && statSync(real).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The answer for `rawPath` (the URL path as sent, still percent-encoded, without the query) from the
 * output folder `root` (resolved), with the site's `fallbackFile` ('' for none).
 */
export function resolveSitePath(root: string, rawPath: string, fallbackFile: string): SiteAnswer {
  const notFound = fileInside(root, join(root, '404.html'));
  const missing: SiteAnswer = { kind: 'missing', notFoundPage: notFound?.file ?? null };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return missing;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return missing;
  const path = posix.normalize(`/${decoded}`);
  // Hidden files and folders (`.env`, `.git/…`) are never served, as the static runtime refuses them.
  if (path.split('/').some((part) => part.startsWith('.') && part !== '')) return missing;
  const local = join(root, path);
  if (!isInside(root, local)) return missing;

  const answer = (found: { file: string; size: number; mtimeMs: number }): SiteAnswer => ({
    kind: 'file',
    ...found,
    contentType: contentTypeOf(found.file),
  });
  if (!path.endsWith('/') && path !== '/' && isFolderInside(root, local)) {
    return { kind: 'redirect', location: `${path}/` };
  }
  const candidates = path.endsWith('/')
    ? [join(local, 'index.html')]
    : [local, `${local}.html`, join(local, 'index.html')];
  for (const candidate of candidates) {
    const found = fileInside(root, candidate);
    if (found) return answer(found);
  }
  if (fallbackFile !== '') {
    const fallback = posix.normalize(`/${fallbackFile}`);
    const found = fileInside(root, join(root, fallback));
    if (found) return answer(found);
  }
  return missing;
}
