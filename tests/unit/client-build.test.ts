import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBundle, FIRST_VISIT_BUDGET, measureClientBundle } from '#lib/client-bundle.ts';

/**
 * The production client build (`npm run build` → `client/dist/`) is public: everything in it goes
 * to every visitor. This builds it as `npm run build` does, with fake secrets in the environment and
 * one probe entry that spreads `import.meta.env` (everything Vite would expose), then scans every
 * built file for anything secret-shaped.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const fake = {
  idSecret: randomBytes(32).toString('hex'),
  apiKey: `standard_${randomBytes(64).toString('hex')}`,
  privateValue: `private-${randomBytes(8).toString('hex')}`,
  endpoint: `https://appwrite-${randomBytes(4).toString('hex')}.example.com/v1`,
  projectId: `project-${randomBytes(4).toString('hex')}`,
};

/** Environment variable names the server side reads: none may be named in the client. */
function serverEnvNames(): string[] {
  const names = new Set(['AGORA_ID_SECRET', 'APPWRITE_API_KEY', 'APPWRITE_FUNCTION_API_KEY']);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(/process\.env(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g)) {
          if (match[1]) names.add(match[1]);
        }
      }
    }
  };
  for (const dir of ['scripts', 'emulator', 'functions', 'bench']) walk(join(ROOT, dir));
  names.delete('NODE_ENV');
  return [...names];
}

/** Values of the local secrets files `npm start` writes, when this machine has them. */
function localSecretValues(): string[] {
  const values: string[] = [];
  for (const file of ['agora-secrets.json', 'credentials.json']) {
    const path = join(ROOT, '.appwrite-local', file);
    if (!existsSync(path)) continue;
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(json)) {
      if (/secret|key/i.test(key) && typeof value === 'string' && value.length >= 16) {
        values.push(value);
      }
    }
  }
  return values;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

let work: string;
let outDir: string;
let built: { file: string; text: string }[];

/**
 * Builds with Vite's JS API in a child process (this worker runs under NODE_ENV=test), with
 * vite.config.ts as is plus a probe entry beside the app's index.html.
 */
async function buildClient(): Promise<void> {
  const probe = join(work, 'probe.ts');
  writeFileSync(probe, 'console.log(JSON.stringify({ ...import.meta.env }));\n');
  const script = `
    import { build } from 'vite';
    await build({
      configFile: 'vite.config.ts',
      logLevel: 'warn',
      build: {
        outDir: ${JSON.stringify(outDir)},
        emptyOutDir: true,
        rolldownOptions: { input: { index: 'client/index.html', probe: ${JSON.stringify(probe)} } },
      },
    });
  `;
  await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      VITE_APPWRITE_ENDPOINT: fake.endpoint,
      VITE_APPWRITE_PROJECT_ID: fake.projectId,
      AGORA_ID_SECRET: fake.idSecret,
      APPWRITE_API_KEY: fake.apiKey,
      AGORA_PRIVATE_PROBE: fake.privateValue,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agora-client-build-'));
  outDir = join(work, 'dist');
  await buildClient();
  built = filesUnder(outDir).map((file) => ({
    file: relative(outDir, file),
    text: readFileSync(file, 'latin1'),
  }));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The built files whose text matches, for a readable failure. */
function filesMatching(pattern: RegExp | string): string[] {
  return built
    .filter(({ text }) =>
      typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text),
    )
    .map(({ file }) => file);
}

describe('the production client build', () => {
  it('writes index.html and hashed JS and CSS assets', () => {
    const files = built.map(({ file }) => file);
    expect(files).toContain('index.html');
    expect(files.some((file) => /^assets\/.+\.js$/.test(file))).toBe(true);
    expect(files.some((file) => /^assets\/.+\.css$/.test(file))).toBe(true);
  });

  it('a first visit to the feed downloads at most 100 KB gzip of JS + CSS', () => {
    const bundle = measureClientBundle(outDir);
    console.info(describeBundle(bundle));
    expect(bundle.firstVisit.parts.appwrite, 'the SDK is loaded up front').toBeGreaterThan(0);
    expect(bundle.firstVisit.total).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
  });

  it('takes its endpoint and project from VITE_ variables at build time', () => {
    expect(filesMatching(fake.endpoint)).not.toEqual([]);
    expect(filesMatching(fake.projectId)).not.toEqual([]);
  });

  it('exposes no environment variable that lacks the VITE_ prefix', () => {
    const probe = built.find(({ file }) => /^assets\/probe-.+\.js$/.test(file));
    expect(probe, 'the probe entry was built').toBeDefined();
    // The probe spreads all of import.meta.env: the VITE_ value is there, the others are not.
    expect(probe?.text).toContain(fake.projectId);
    expect(probe?.text).not.toContain(fake.privateValue);
    expect(probe?.text).not.toContain('AGORA_PRIVATE_PROBE');
  });

  it('holds none of the secrets in the build environment', () => {
    expect(filesMatching(fake.idSecret)).toEqual([]);
    expect(filesMatching(fake.apiKey)).toEqual([]);
    expect(filesMatching(fake.privateValue)).toEqual([]);
  });

  it("holds none of the local secrets files' values", () => {
    for (const value of localSecretValues()) expect(filesMatching(value)).toEqual([]);
  });

  it('holds nothing shaped like an Appwrite API key or a JWT', () => {
    expect(filesMatching(/\b(standard|dynamic)_[0-9a-f]{32,}/)).toEqual([]);
    expect(filesMatching(/\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/)).toEqual([]);
  });

  it('never sends or names an API key header, nor a server-side variable', () => {
    expect(filesMatching(/x-appwrite-key/i)).toEqual([]);
    // A whole name: `VITE_APPWRITE_ENDPOINT` is public even though `APPWRITE_ENDPOINT` is not.
    for (const name of serverEnvNames()) {
      expect(filesMatching(new RegExp(`(?<![A-Z0-9_])${name}(?![A-Z0-9_])`)), name).toEqual([]);
    }
  });

  it('leaves no process.env reference for the browser', () => {
    expect(filesMatching(/\bprocess\s*(\??\.\s*env\b|\[\s*['"`]env)/)).toEqual([]);
  });
});
