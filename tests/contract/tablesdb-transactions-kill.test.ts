import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { exited, startEmulatorProcess } from '../support/emulator-process.ts';

/**
 * A commit is all or nothing even when the process dies in the middle of it: the server (a child
 * process on a temporary data folder, as `npm run emulator` runs it) stages 100 bulk operations of
 * 100 rows — 10,000 rows, a few MB — and is killed with SIGKILL as soon as the commit starts to
 * write (the WAL file changes), or a reader on the file sees a first row, or the commit answers,
 * whichever comes first. After a restart on the same folder the table holds none of the rows and
 * the transaction is still pending — and a second commit then writes all of them — or it holds all
 * of them and the transaction is committed; never some. Node runs with tsx as a loader (not the
 * tsx wrapper) so that SIGKILL reaches the process holding the database.
 */

const work = mkdtempSync(join(tmpdir(), 'appwrite-local-txn-kill-'));
const data = join(work, 'data');
const file = join(data, 'appwrite-local.sqlite');
const ROWS_PER_OP = 100;
const OPS = 100;

/** Every server this test started, so that a failed assertion leaves none running. */
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
});

writeFileSync(
  join(work, 'appwrite.json'),
  JSON.stringify({
    projectId: 'killed',
    tablesDB: [{ $id: 'main', name: 'main', enabled: true }],
    tables: [
      {
        $id: 'orders',
        databaseId: 'main',
        name: 'orders',
        enabled: true,
        rowSecurity: false,
        $permissions: [],
        columns: [
          { key: 'n', type: 'integer', required: true, array: false },
          { key: 'note', type: 'string', size: 400, required: true, array: false },
        ],
        indexes: [],
      },
    ],
  }),
);

async function start(): Promise<{ child: ChildProcess; endpoint: string }> {
  const started = await startEmulatorProcess(data, work);
  children.push(started.child);
  return started;
}

function walStamp(): string {
  try {
    const stat = statSync(`${file}-wal`);
    return `${stat.size}/${stat.mtimeMs}`;
  } catch {
    return 'none';
  }
}

/** Rows of the orders table (the rows table with a `note` column) a reader on the file sees — committed ones only, as WAL gives every reader. */
function committedRows(reader: Database.Database): number {
  const table = reader
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'tdb_rows_%'")
    .all() as { name: string }[];
  let count = 0;
  for (const { name } of table) {
    const columns = reader.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[];
    if (columns.some((c) => c.name === 'note')) {
      count += (reader.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
    }
  }
  return count;
}

test('kill -9 in the middle of a commit leaves all of it or none of it', async () => {
  const first = await start();
  const { apiKey } = JSON.parse(readFileSync(join(data, 'credentials.json'), 'utf8'));
  const headers = {
    'content-type': 'application/json',
    'x-appwrite-project': 'killed',
    'x-appwrite-key': apiKey,
  };
  const api = async (endpoint: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${endpoint}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const txn = await api(first.endpoint, 'POST', '/tablesdb/transactions', { ttl: 3600 });
  expect(txn.status).toBe(201);
  const transactionId = txn.json.$id as string;
  const note = 'x'.repeat(300);
  for (let op = 0; op < OPS; op += 10) {
    const operations = Array.from({ length: 10 }, (_, k) => ({
      action: 'bulkCreate',
      databaseId: 'main',
      tableId: 'orders',
      data: Array.from({ length: ROWS_PER_OP }, (_, i) => ({
        $id: `o${(op + k) * ROWS_PER_OP + i}`,
        n: (op + k) * ROWS_PER_OP + i,
        note,
      })),
    }));
    const staged = await api(
      first.endpoint,
      'POST',
      `/tablesdb/transactions/${transactionId}/operations`,
      { operations },
    );
    expect(staged.status).toBe(201);
  }

  const reader = new Database(file, { readonly: true, fileMustExist: true });
  const before = walStamp();
  let answered = false;
  const commit = fetch(`${first.endpoint}/tablesdb/transactions/${transactionId}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ commit: true }),
  })
    .then(() => {
      answered = true;
    })
    .catch(() => undefined);
  // Kill at the first sign of the commit writing (or of it being over).
  while (!answered && walStamp() === before && committedRows(reader) === 0) {
    await new Promise((done) => setImmediate(done));
  }
  first.child.kill('SIGKILL');
  reader.close();
  await commit;
  await exited(first.child);
  expect(first.child.signalCode).toBe('SIGKILL');

  const second = await start();
  const status = (await api(second.endpoint, 'GET', `/tablesdb/transactions/${transactionId}`)).json
    .status;
  const afterRestart = new Database(file, { readonly: true });
  const count = committedRows(afterRestart);
  afterRestart.close();
  // All or nothing, and the transaction says which.
  expect([0, OPS * ROWS_PER_OP]).toContain(count);
  expect(status).toBe(count === 0 ? 'pending' : 'committed');
  if (status === 'pending') {
    const again = await api(second.endpoint, 'PATCH', `/tablesdb/transactions/${transactionId}`, {
      commit: true,
    });
    expect(again.json.status).toBe('committed');
  }
  second.child.kill('SIGTERM');
  await exited(second.child);

  const db = new Database(file, { readonly: true });
  expect(committedRows(db)).toBe(OPS * ROWS_PER_OP);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  // Which way it went, for whoever reads the log: killed before the answer is the case that matters.
  console.info(
    `kill -9 mid-commit: killed ${answered ? 'after' : 'before'} the answer; ${count} rows after restart`,
  );
}, 120_000);
