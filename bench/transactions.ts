/**
 * The transactions figure of issue 14, beside its baseline in the same run: the commit of a
 * 100-operation TablesDB transaction (100 `create` operations staged with one `createOperations`,
 * then `updateTransaction({ commit: true })` timed) against one `createRows` of 100 rows — the same
 * rows written in one call without a transaction. Also the whole transaction (create, stage, commit)
 * for what a caller pays end to end. Raw HTTP with an API key, sequential, on the local Appwrite as
 * `npm run emulator` runs it (a child process with a data folder).
 */

import { round } from './lib/load.ts';
import { startLocalAppwrite } from './lib/processes.ts';
import type { Figure } from './lib/report.ts';

const ROUNDS = Number(process.env.BENCH_TRANSACTION_ROUNDS ?? 60);
const ROWS = 100;

function percentiles(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}

export async function benchTransactions(): Promise<Figure[]> {
  const server = await startLocalAppwrite();
  const headers = {
    'x-appwrite-project': server.projectId,
    'x-appwrite-key': server.apiKey,
    'content-type': 'application/json',
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${json.message}`);
    return json;
  };
  try {
    await api('POST', '/tablesdb', { databaseId: 'bench', name: 'Bench' });
    await api('POST', '/tablesdb/bench/tables', {
      tableId: 'items',
      name: 'Items',
      permissions: [],
      rowSecurity: false,
      columns: [
        { key: 'n', type: 'integer', required: true },
        { key: 'title', type: 'string', size: 100, required: true },
      ],
    });
    const rowsOf = (round: number, prefix: string) =>
      Array.from({ length: ROWS }, (_, i) => ({
        $id: `${prefix}${round}-${i}`,
        n: i,
        title: `Item ${round}/${i}`,
      }));

    const bulk: number[] = [];
    const commit: number[] = [];
    const whole: number[] = [];
    // A warm-up round of each, then the two alternate so that both see the same table size.
    for (let r = -1; r < ROUNDS; r++) {
      let started = performance.now();
      await api('POST', '/tablesdb/bench/tables/items/rows', { rows: rowsOf(r, 'b') });
      if (r >= 0) bulk.push(performance.now() - started);

      started = performance.now();
      const txn = await api('POST', '/tablesdb/transactions', { ttl: 60 });
      const operations = rowsOf(r, 't').map(({ $id, ...data }) => ({
        action: 'create',
        databaseId: 'bench',
        tableId: 'items',
        rowId: $id,
        data,
      }));
      await api('POST', `/tablesdb/transactions/${txn.$id}/operations`, { operations });
      const committing = performance.now();
      const done = await api('PATCH', `/tablesdb/transactions/${txn.$id}`, { commit: true });
      if (done.status !== 'committed') throw new Error(`commit answered ${done.status}`);
      if (r >= 0) {
        commit.push(performance.now() - committing);
        whole.push(performance.now() - started);
      }
    }
    const b = percentiles(bulk);
    const c = percentiles(commit);
    const w = percentiles(whole);
    return [
      {
        name: `commit of a ${ROWS}-operation transaction, ${ROUNDS} sequential: p50`,
        value: c.p50,
        unit: 'ms',
        baseline: b.p50,
        goal: `baseline: one createRows of ${ROWS} rows`,
      },
      { name: '… p99', value: c.p99, unit: 'ms', baseline: b.p99 },
      {
        name: `the whole transaction (create, stage ${ROWS}, commit): p50`,
        value: w.p50,
        unit: 'ms',
        baseline: b.p50,
      },
    ];
  } finally {
    await server.stop();
  }
}
