import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The size of a production client build (`client/dist/` or any `vite build --outDir`): its JS + CSS,
 * each file gzipped at level 9, for all chunks and for what a first visit to the feed downloads —
 * the files `index.html` names (the entry script, its `modulepreload`s and the stylesheet: the feed
 * is in the entry, only the rare pages load later). Split by the chunk names vite.config.ts gives:
 * Svelte, the appwrite SDK (with its JSON library) and zod; the rest is the app (its code and CSS).
 *
 *   const bundle = measureClientBundle('client/dist');
 *   bundle.firstVisit.total <= FIRST_VISIT_BUDGET   describeBundle(bundle)   // one line for a log
 *
 * vite.config.ts prints that line after each build; tests/unit/client-build.test.ts holds the budget;
 * `npm run bench -- client` reports the split.
 */
export const FIRST_VISIT_BUDGET = 100 * 1024;

export type BundlePart = 'svelte' | 'appwrite' | 'zod' | 'app';

export interface BundleSize {
  /** Bytes, gzipped. */
  total: number;
  parts: Record<BundlePart, number>;
}

export interface ClientBundle {
  firstVisit: BundleSize;
  all: BundleSize;
}

/** Which part of the bundle a built file is, from its chunk name. */
export function partOf(file: string): BundlePart {
  const name = file.split('/').pop() ?? '';
  if (name.startsWith('svelte-')) return 'svelte';
  if (name.startsWith('appwrite-')) return 'appwrite';
  if (name.startsWith('zod-')) return 'zod';
  return 'app';
}

/** The JS and CSS files (`assets/…`) an `index.html` loads up front. */
export function firstVisitFiles(indexHtml: string): Set<string> {
  const files = new Set<string>();
  for (const match of indexHtml.matchAll(/\b(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)) {
    if (match[1]) files.add(match[1]);
  }
  return files;
}

const emptySize = (): BundleSize => ({
  total: 0,
  parts: { svelte: 0, appwrite: 0, zod: 0, app: 0 },
});

export function measureClientBundle(outDir: string): ClientBundle {
  const initial = firstVisitFiles(readFileSync(join(outDir, 'index.html'), 'utf8'));
  const bundle: ClientBundle = { firstVisit: emptySize(), all: emptySize() };
  for (const name of readdirSync(join(outDir, 'assets'))) {
    if (!/\.(js|css)$/.test(name)) continue;
    const file = `assets/${name}`;
    const gzip = gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
    const sizes = initial.has(file) ? [bundle.all, bundle.firstVisit] : [bundle.all];
    for (const size of sizes) {
      size.total += gzip;
      size.parts[partOf(file)] += gzip;
    }
  }
  return bundle;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const split = ({ total, parts }: BundleSize) =>
  `${kb(total)} (Svelte ${kb(parts.svelte)}, appwrite SDK ${kb(parts.appwrite)}, zod ${kb(parts.zod)}, app ${kb(parts.app)})`;

/** One line: `client bundle, JS + CSS gzip: first visit 88.1 KB (…) of 100 KB; all chunks 106.6 KB (…)`. */
export function describeBundle({ firstVisit, all }: ClientBundle): string {
  return `client bundle, JS + CSS gzip: first visit to the feed ${split(firstVisit)} of ${kb(FIRST_VISIT_BUDGET)}; all chunks ${split(all)}`;
}
