/**
 * The figures of issue 15 (the client as an Appwrite Site): push → ready of Agora's site on a fresh
 * local Appwrite with the real appwrite-cli (scripts/deploy-site.ts, as `npm run deploy` and
 * `npm start` push it) — the first push with an empty dependency cache (npm downloads and installs
 * the client's dependencies), then three re-pushes of the same code (the site's `node_modules`
 * restored) — beside a plain `vite build` of the client in the same run (the goal: a warm push
 * ≤ 2× the plain build). With each push, the build's own duration as the deployment reports it
 * and upload → ready as the server saw it (the rest is the CLI: starting twice — `appwrite client`,
 * `push sites` — packing, uploading, and polling the deployment every 3 s).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Sites } from 'node-appwrite';
import { launchChromium } from '#lib/chromium.ts';
import { buildClient, ROOT, type ServedClient, serveClient, startStack } from '#lib/stack.ts';
import { buildApp } from '../emulator/app.ts';
import { ensureSite, pushSites, sitesOf } from '../scripts/deploy-site.ts';
import { coldLoad, median as medianOf } from './client.ts';
import type { Figure } from './lib/report.ts';

const WARM_PUSHES = 3;
const LOADS = 10;
const round = (ms: number) => Math.round(ms / 100) / 10;

export async function benchSites(): Promise<Figure[]> {
  return [...(await pushFigures()), ...(await loadFigures())];
}

/**
 * Page load → first post in the feed in Chromium from the Site-served build (`npm start`'s local
 * Site) and from the same code built and served by `vite preview` (both with `/v1` on the page's
 * origin), LOADS cold loads each, interleaved; medians, vite preview's as the baseline.
 */
async function loadFigures(): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'agora-bench-site-loads-'));
  const stack = await startStack();
  const chromium = await launchChromium();
  let preview: ServedClient | null = null;
  try {
    const site = await stack.site();
    await buildClient(join(work, 'preview'));
    preview = await serveClient(stack, join(work, 'preview'));
    const fromSite: number[] = [];
    const fromPreview: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const pair = [
        { url: site.url, into: fromSite },
        { url: preview.url, into: fromPreview },
      ];
      if (i % 2 === 1) pair.reverse();
      for (const { url, into } of pair) {
        into.push((await coldLoad(chromium.browser, url)).firstPost);
      }
    }
    const value = Math.round(medianOf(fromSite));
    const baseline = Math.round(medianOf(fromPreview));
    return [
      {
        name: `page load → first post, Site-served build, median of ${LOADS} (baseline: vite preview)`,
        value,
        unit: 'ms',
        baseline,
        goal: 'no slower',
        met: value <= baseline,
      },
    ];
  } finally {
    await preview?.close();
    await chromium.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function pushFigures(): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'agora-bench-sites-'));
  const app = await buildApp({ projectId: 'agora', dataDir: join(work, 'data'), abuse: false });
  try {
    const started = performance.now();
    await buildClient(join(work, 'plain'));
    const plain = performance.now() - started;

    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const endpoint = `http://127.0.0.1:${port}/v1`;
    const apiKey = app.emulator.identity.keys.createFullScope().secret;
    const client = new Client().setEndpoint(endpoint).setProject('agora').setKey(apiKey);
    const config = JSON.parse(readFileSync(join(ROOT, 'appwrite.json'), 'utf8'));
    const [site] = sitesOf(config);
    if (!site) throw new Error('appwrite.json has no site');
    await ensureSite(client, site);
    const sites = new Sites(client);

    const push = async () => {
      const begun = performance.now();
      const result = await pushSites({ endpoint, projectId: 'agora', apiKey }, config, ROOT);
      const total = performance.now() - begun;
      if (!result.ok) throw new Error(`push failed:\n${result.output}`);
      const { deployments } = await sites.listDeployments({ siteId: String(site.$id) });
      const last = deployments.at(-1);
      if (last?.status !== 'ready') throw new Error(`build ${last?.status}:\n${last?.buildLogs}`);
      // Upload received → ready, as the server saw it (the CLI polls every 3 s on top of this).
      const server = Date.parse(last.$updatedAt) - Date.parse(last.$createdAt);
      return { total, build: last.buildDuration * 1000, server };
    };
    const cold = await push();
    const warm: { total: number; build: number; server: number }[] = [];
    for (let i = 0; i < WARM_PUSHES; i++) warm.push(await push());
    const median = <T>(values: T[], key: (v: T) => number) =>
      values.map(key).sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const warmTotal = median(warm, (w) => w.total);
    return [
      {
        name: 'plain client build (vite build)',
        value: round(plain),
        unit: 's',
      },
      {
        name: 'push → ready, first push (empty dependency cache)',
        value: round(cold.total),
        unit: 's',
        baseline: round(plain),
      },
      {
        name: '  of which the build (npm install + vite build)',
        value: round(cold.build),
        unit: 's',
      },
      {
        name: `push → ready, re-push (warm cache), median of ${WARM_PUSHES}`,
        value: round(warmTotal),
        unit: 's',
        baseline: round(plain),
        goal: '≤ 2× the plain build',
        met: warmTotal <= 2 * plain,
      },
      {
        name: '  upload → ready (server side, no CLI polling)',
        value: round(median(warm, (w) => w.server)),
        unit: 's',
        baseline: round(plain),
        goal: '≤ 2× the plain build',
        met: median(warm, (w) => w.server) <= 2 * plain,
      },
      {
        name: '  of which the build',
        value: round(median(warm, (w) => w.build)),
        unit: 's',
      },
    ];
  } finally {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  }
}
