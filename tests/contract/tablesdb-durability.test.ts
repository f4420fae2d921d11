import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { exited, startEmulatorProcess } from '../support/emulator-process.ts';

/**
 * Durability: kill -9 the server while 1,000 row creates are in flight; after a restart on the same
 * data folder every acknowledged row is there and `PRAGMA integrity_check` is ok. The table comes
 * from appwrite.json, applied at start. Node is spawned with tsx as a loader (not the tsx wrapper),
 * so SIGKILL reaches the process that holds the database.
 */

/** tsx's loader by absolute URL: the server runs in a scratch folder with no node_modules. */
const work = mkdtempSync(join(tmpdir(), 'appwrite-local-durability-'));
const data = join(work, 'data');

afterAll(() => rmSync(work, { recursive: true, force: true }));

writeFileSync(
  join(work, 'appwrite.json'),
  JSON.stringify({
    projectId: 'durable',
    tablesDB: [{ $id: 'main', name: 'main', enabled: true }],
    tables: [
      {
        $id: 'events',
        databaseId: 'main',
        name: 'events',
        enabled: true,
        rowSecurity: false,
        $permissions: [],
        columns: [{ key: 'n', type: 'integer', required: true, array: false }],
        indexes: [],
      },
    ],
  }),
);

function start(): Promise<{ child: ChildProcess; endpoint: string }> {
  return startEmulatorProcess(data, work, 20_000);
}

test('every acknowledged create survives kill -9', async () => {
  const first = await start();
  const { apiKey } = JSON.parse(readFileSync(join(data, 'credentials.json'), 'utf8'));
  const headers = {
    'content-type': 'application/json',
    'x-appwrite-project': 'durable',
    'x-appwrite-key': apiKey,
  };
  const acknowledged: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < 1000) {
      const n = next++;
      const id = `row${n}`;
      try {
        const response = await fetch(`${first.endpoint}/tablesdb/main/tables/events/rows`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ rowId: id, data: { n } }),
        });
        if (response.status === 201) acknowledged.push(id);
        if (acknowledged.length === 300) first.child.kill('SIGKILL');
      } catch {
        // The server is gone: this create was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  await exited(first.child);
  expect(first.child.signalCode).toBe('SIGKILL');
  expect(acknowledged.length).toBeGreaterThanOrEqual(300);
  expect(acknowledged.length).toBeLessThan(1000);

  const second = await start();
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    const queries = [JSON.stringify({ method: 'limit', values: [500] })];
    if (cursor) queries.push(JSON.stringify({ method: 'cursorAfter', values: [cursor] }));
    const query = queries.map((q, i) => `queries[${i}]=${encodeURIComponent(q)}`).join('&');
    const response = await fetch(`${second.endpoint}/tablesdb/main/tables/events/rows?${query}`, {
      headers,
    });
    const page = (await response.json()) as { rows: { $id: string }[] };
    for (const row of page.rows) seen.add(row.$id);
    if (page.rows.length < 500) break;
    cursor = page.rows.at(-1)?.$id ?? null;
  }
  expect(acknowledged.filter((id) => !seen.has(id))).toEqual([]);
  second.child.kill('SIGTERM');
  await exited(second.child);

  const db = new Database(join(data, 'appwrite-local.sqlite'), { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
}, 60_000);
