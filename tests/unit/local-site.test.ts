import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { siteFiles, siteSourceHash } from '../../scripts/local-site.ts';

/**
 * `npm start` pushes the local Site again only when what its build depends on changed: the files
 * appwrite-cli would pack (appwrite.json's own `ignore` list here), its settings and its endpoint.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const [site] = JSON.parse(readFileSync(join(ROOT, 'appwrite.json'), 'utf8')).sites;
const base = mkdtempSync(join(tmpdir(), 'agora-site-sources-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(base, path)), { recursive: true });
  writeFileSync(join(base, path), text);
};
for (const path of [
  'client/src/main.ts',
  'client/dist/index.js',
  'shared/ids.ts',
  'lib/client-bundle.ts',
  'lib/stack.ts',
  'tests/a.test.ts',
  'node_modules/x/index.js',
  'package.json',
  'vite.config.ts',
]) {
  write(path, `// ${path}\n`);
}
const ENDPOINT = 'http://agora.sites.localhost:8080/v1';

describe('the local Site sources', () => {
  it('are the files appwrite-cli would pack for appwrite.json’s site', () => {
    expect(siteFiles(site, base)).toEqual([
      'client/src/main.ts',
      'lib/client-bundle.ts',
      'package.json',
      'shared/ids.ts',
      'vite.config.ts',
    ]);
  });

  it('hash the same until a packed file, the settings or the endpoint changes', () => {
    const before = siteSourceHash(site, base, ENDPOINT);
    write('tests/a.test.ts', 'changed');
    write('client/dist/index.js', 'changed');
    write('node_modules/x/index.js', 'changed');
    expect(siteSourceHash(site, base, ENDPOINT)).toBe(before);

    write('client/src/main.ts', 'changed');
    const changed = siteSourceHash(site, base, ENDPOINT);
    expect(changed).not.toBe(before);
    expect(siteSourceHash({ ...site, buildCommand: 'npm run other' }, base, ENDPOINT)).not.toBe(
      changed,
    );
    expect(siteSourceHash(site, base, 'http://agora.sites.localhost:9090/v1')).not.toBe(changed);
  });
});
