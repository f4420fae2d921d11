import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { buildClient } from '#lib/stack.ts';

/**
 * Built as an Appwrite Site, the client takes the API's endpoint and project from the build
 * variables Appwrite gives every site build (`APPWRITE_SITE_API_ENDPOINT`,
 * `APPWRITE_SITE_PROJECT_ID`) unless `VITE_APPWRITE_*` (the site's own variables) are set
 * (vite.config.ts).
 */

const work = mkdtempSync(join(tmpdir(), 'agora-site-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The built JS, all files joined. */
function builtScripts(outDir: string): string {
  const assets = join(outDir, 'assets');
  return readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(assets, name), 'utf8'))
    .join('\n');
}

async function buildWith(env: Record<string, string>): Promise<string> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('VITE_') || name.startsWith('APPWRITE_SITE_')) delete process.env[name];
  }
  Object.assign(process.env, env);
  const outDir = join(work, String(readdirSync(work).length));
  try {
    await buildClient(outDir);
  } finally {
    process.env = saved;
  }
  return builtScripts(outDir);
}

test("a Site build reads Appwrite's APPWRITE_SITE_* variables; the site's VITE_ ones win", async () => {
  const site = {
    APPWRITE_SITE_API_ENDPOINT: 'https://api-from-appwrite.example.test/v1',
    APPWRITE_SITE_PROJECT_ID: 'project-from-appwrite',
  };
  const fromAppwrite = await buildWith(site);
  expect(fromAppwrite.includes(site.APPWRITE_SITE_API_ENDPOINT)).toBe(true);
  expect(fromAppwrite.includes(site.APPWRITE_SITE_PROJECT_ID)).toBe(true);

  const overridden = await buildWith({
    ...site,
    VITE_APPWRITE_ENDPOINT: 'https://api.example.test/v1',
  });
  expect(overridden.includes('https://api.example.test/v1')).toBe(true);
  expect(overridden.includes(site.APPWRITE_SITE_API_ENDPOINT)).toBe(false);
  expect(overridden.includes(site.APPWRITE_SITE_PROJECT_ID)).toBe(true);
}, 120_000);
