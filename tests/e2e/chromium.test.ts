import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '#lib/chromium.ts';

/** How the end-to-end tests find their browser (provisioning itself runs once, in the journey). */
describe('findChromium', () => {
  const saved = process.env.CHROMIUM_PATH;
  const dir = mkdtempSync(join(tmpdir(), 'agora-chromium-'));
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it('takes CHROMIUM_PATH when it names an executable', () => {
    const fake = join(dir, 'my-chromium');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    process.env.CHROMIUM_PATH = fake;
    expect(findChromium()).toBe(fake);
  });

  it('stops with what to install when CHROMIUM_PATH is wrong', () => {
    const notExecutable = join(dir, 'readme.txt');
    writeFileSync(notExecutable, 'not a browser');
    for (const path of [join(dir, 'missing'), notExecutable, dir]) {
      process.env.CHROMIUM_PATH = path;
      expect(() => findChromium()).toThrow(/CHROMIUM_PATH is .*apt-get install chromium/);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('launches the Chromium it finds, headless, with a throwaway profile', async () => {
    delete process.env.CHROMIUM_PATH;
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      await page.setContent('<h1>Agora</h1>');
      expect(await page.getByRole('heading', { name: 'Agora' }).count()).toBe(1);
      expect(chromium.browser.version()).toMatch(/^\d+\./);
    } finally {
      await chromium.close();
    }
  }, 120_000);
});
