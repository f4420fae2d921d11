import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { openProject } from '../../emulator/core/project.ts';

/**
 * The local Appwrite assembles itself in one place: `openProject` (emulator/core/project.ts) builds
 * every service once and hands the project to the HTTP layer, which only registers routes. No
 * service is found through a module-level registry keyed by the database or the server, and nothing
 * in `http/` builds a service, starts a clock or subscribes to the event bus.
 */

const EMULATOR = resolve(fileURLToPath(import.meta.url), '../../../emulator');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** `file:line text` for each line of the emulator's sources under `folder` matching `pattern`. */
function matches(folder: string, pattern: RegExp): string[] {
  return sources(join(EMULATOR, folder)).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        pattern.test(line) ? [`${relative(EMULATOR, file)}:${i + 1} ${line.trim()}`] : [],
      ),
  );
}

describe('one project object', () => {
  test('no module-level registry: a WeakMap is keyed only by a value object (an API key)', () => {
    const registries = matches('.', /^(export )?const \w+ = new WeakMap</);
    expect(registries.length).toBeGreaterThan(0);
    expect(registries.filter((line) => !line.includes('new WeakMap<ApiKey,'))).toEqual([]);
  });

  test('http/ builds no core service, starts no clock and subscribes nothing to the bus', () => {
    const services = [
      'EventBus',
      'Storage',
      'AbuseCounters',
      'ProjectSettingsStore',
      'ConsoleAccounts',
      'PasswordHistory',
      'FunctionRunner',
    ];
    const openers = ['Identity', 'TablesDB', 'FunctionsService', 'Project', 'Database'];
    const builders = new RegExp(
      [
        `\\bnew (${services.join('|')})\\(`,
        `\\bopen(${openers.join('|')})\\(`,
        '\\bsetInterval\\(',
        '\\.subscribe\\(',
      ].join('|'),
    );
    expect(matches('http', builders)).toEqual([]);
  });

  test('openProject builds every service on one database and close() closes what it opened', async () => {
    const project = await openProject({ projectId: 'p' });
    expect(project.tablesdb.schema.db).toBe(project.db);
    project.storage.buckets.create('b', {
      name: 'b',
      permissions: [],
      fileSecurity: false,
      enabled: true,
      maximumFileSize: 1000,
      allowedFileExtensions: [],
      compression: 'none',
      encryption: false,
      antivirus: false,
      transformations: false,
    });
    expect(project.storage.buckets.get('b')?.name).toBe('b');
    expect(project.endpoint()).toBe('http://localhost/v1');
    await project.close();
    expect(project.db.open).toBe(false);

    const db = openDatabase(':memory:');
    const borrowed = await openProject({ projectId: 'p', db, endpoint: () => 'http://x/v1' });
    expect(borrowed.db).toBe(db);
    expect(borrowed.endpoint()).toBe('http://x/v1');
    await borrowed.close();
    expect(db.open).toBe(true);
    db.close();
  });
});
