/**
 * The figures of issue 3 (the local Appwrite's data and identity half), each beside a baseline
 * measured in the same run:
 * - GET row by id with an API key, 50 connections: req/s, p50/p99, and the ratio to a bare
 *   node:http + better-sqlite3 server answering the same point read (goal ≥ 0.5); also each
 *   server's CPU time per request, the ratio that holds when the load generator, sharing a small
 *   machine's cores, is what limits both throughputs;
 * - listRows with `equal` on an indexed column + `orderDesc($createdAt)` + limit 25 + total, at
 *   10,000 and 100,000 rows (goal p50 ≤ 5 ms, and flat: an index, not a scan);
 * - createRow by 50 concurrent users with sessions and row permissions (goal ≥ 3,000 rows/s);
 * - email/password sessions created per second (the KDF should cost tens of ms).
 */
import { Client, ID, Permission, Query, Role, TablesDB, Users } from 'node-appwrite';
import { load, round, sequential } from './lib/load.ts';
import { pinnedApart, startBaseline, startLocalAppwrite } from './lib/processes.ts';
import type { Figure } from './lib/report.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const USERS = 50;

export async function benchTablesDB(): Promise<Figure[]> {
  const server = await startLocalAppwrite();
  const baseline = await startBaseline(100_000);
  try {
    const client = new Client()
      .setEndpoint(server.url)
      .setProject(server.projectId)
      .setKey(server.apiKey);
    const tables = new TablesDB(client);
    const users = new Users(client);
    await createSchema(tables);
    const headers = {
      'x-appwrite-project': server.projectId,
      'x-appwrite-key': server.apiKey,
      'content-type': 'application/json',
    };

    await insertRows(tables, 0, 10_000);
    const list10k = await listLatency(server.url, headers);
    await insertRows(tables, 10_000, 100_000);
    const list100k = await listLatency(server.url, headers);

    const rowUrl = `${server.url}/tablesdb/bench/tables/items/rows/row12345`;
    // Each server on a CPU of its own, apart from the load generator (see pinnedApart).
    const read = await pinnedApart(server, () =>
      load({ url: rowUrl, headers, connections: 50, seconds: SECONDS, sample: server.cpuMs }),
    );
    const bareRead = await pinnedApart(baseline, () =>
      load({
        url: `${baseline.url}/rows/row12345`,
        connections: 50,
        seconds: SECONDS,
        sample: baseline.cpuMs,
      }),
    );

    const sessions = await makeUsers(users);
    let next = 0;
    const create = await load({
      url: `${server.url}/tablesdb/bench/tables/items/rows`,
      method: 'POST',
      headers: { 'x-appwrite-project': server.projectId, 'content-type': 'application/json' },
      body: JSON.stringify({ rowId: 'unique()', data: { owner: 'someone', n: 1, title: 'Load' } }),
      connections: USERS,
      seconds: SECONDS,
      setupClient: (c) => {
        c.setHeaders({
          'x-appwrite-project': server.projectId,
          'content-type': 'application/json',
          'x-appwrite-session': sessions[next++ % sessions.length] ?? '',
        });
      },
    });

    const signIn = await load({
      url: `${server.url}/account/sessions/email`,
      method: 'POST',
      headers: { 'x-appwrite-project': server.projectId, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench0@example.com', password: 'Bench-password-1' }),
      connections: 4,
      seconds: SECONDS,
    });

    const ratio = round(read.requestsPerSec / bareRead.requestsPerSec);
    const cpuPerRead = perRequestMicros(read);
    const bareCpuPerRead = perRequestMicros(bareRead);
    const flat = round(list100k.p50 / list10k.p50);
    return [
      {
        name: 'GET row by id, 50 conns: req/s',
        value: round(read.requestsPerSec, 0),
        unit: 'req/s',
        baseline: round(bareRead.requestsPerSec, 0),
      },
      {
        name: 'GET row by id: p50 / p99',
        value: read.p50,
        unit: `ms / ${read.p99} ms`,
        baseline: bareRead.p50,
      },
      {
        name: 'GET row by id: ratio to baseline',
        value: ratio,
        unit: '×',
        goal: '≥ 0.5',
        met: ratio >= 0.5,
      },
      {
        name: 'GET row by id: server CPU per request',
        value: cpuPerRead,
        unit: 'µs',
        baseline: bareCpuPerRead,
      },
      {
        name: 'GET row by id: ratio of CPU per request (baseline / ours)',
        value: cpuPerRead > 0 ? round(bareCpuPerRead / cpuPerRead) : 0,
        unit: '×',
        goal: '≥ 0.75',
        met: cpuPerRead > 0 && bareCpuPerRead / cpuPerRead >= 0.75,
      },
      {
        name: 'listRows equal+orderDesc+limit 25+total @10k: p50',
        value: list10k.p50,
        unit: 'ms',
        goal: '≤ 5 ms',
        met: list10k.p50 <= 5,
      },
      {
        name: 'listRows … @100k: p50',
        value: list100k.p50,
        unit: 'ms',
        goal: '≤ 5 ms',
        met: list100k.p50 <= 5,
      },
      {
        name: 'listRows 100k/10k p50 (flat ≈ 1)',
        value: flat,
        unit: '×',
        goal: '≤ 1.5',
        met: flat <= 1.5,
      },
      {
        name: `createRow, ${USERS} users with sessions`,
        value: round(create.requestsPerSec, 0),
        unit: 'rows/s',
        goal: '≥ 3,000',
        met: create.requestsPerSec >= 3000,
      },
      {
        name: 'createRow: failed requests',
        value: create.failed,
        unit: '',
        goal: '0',
        met: create.failed === 0,
      },
      {
        name: 'email/password sessions created',
        value: round(signIn.requestsPerSec, 1),
        unit: '/s',
        goal: 'tens of ms each',
      },
    ];
  } finally {
    await Promise.all([server.stop(), baseline.stop()]);
  }
}

export async function createSchema(tables: TablesDB) {
  await tables.create({ databaseId: 'bench', name: 'Bench' });
  await tables.createTable({
    databaseId: 'bench',
    tableId: 'items',
    name: 'Items',
    permissions: [Permission.create(Role.users()), Permission.read(Role.users())],
    rowSecurity: true,
  });
  const table = { databaseId: 'bench', tableId: 'items' };
  await tables.createStringColumn({ ...table, key: 'owner', size: 36, required: true });
  await tables.createIntegerColumn({ ...table, key: 'n', required: false });
  await tables.createStringColumn({ ...table, key: 'title', size: 100, required: false });
  await tables.createIndex({
    ...table,
    key: 'by_owner',
    type: 'key' as never,
    columns: ['owner', '$createdAt'],
    orders: ['ASC', 'DESC'] as never,
  });
}

/** Appwrite's bulk limit: `createRows` takes at most 100 rows a call. */
const BATCH = 100;

export async function insertRows(tables: TablesDB, from: number, to: number) {
  for (let start = from; start < to; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(to, start + BATCH); i++) {
      rows.push({ $id: `row${i}`, owner: `owner${i % 50}`, n: i, title: `Item ${i}` });
    }
    await tables.createRows({ databaseId: 'bench', tableId: 'items', rows });
  }
}

function listLatency(url: string, headers: Record<string, string>) {
  const queries = [Query.equal('owner', 'owner7'), Query.orderDesc('$createdAt'), Query.limit(25)];
  const qs = queries.map((q, i) => `queries[${i}]=${encodeURIComponent(q)}`).join('&');
  const target = `${url}/tablesdb/bench/tables/items/rows?${qs}`;
  return sequential(300, () => fetch(target, { headers }));
}

/** The server's CPU time per request over a load run, in µs (0 without /proc). */
function perRequestMicros(result: { sampled: number; ok: number; failed: number }): number {
  const requests = result.ok + result.failed;
  return requests === 0 ? 0 : round((result.sampled * 1000) / requests, 1);
}

async function makeUsers(users: Users): Promise<string[]> {
  const secrets: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const user = await users.create({
      userId: ID.unique(),
      email: `bench${i}@example.com`,
      password: 'Bench-password-1',
    });
    const session = await users.createSession({ userId: user.$id });
    secrets.push(session.secret);
  }
  return secrets;
}
