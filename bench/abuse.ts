/**
 * The security issue's two freezes, measured: `/v1/health/version` p99 while a guest's pathological
 * regex query runs, and while a socket holding the most subscriptions a connection may have closes —
 * each beside the same endpoint's p99 on the idle server in the same run. The local Appwrite runs in
 * its own process (its event loop is what a freeze would stall); the probe and the attacker share this
 * one, whose waiting costs nothing.
 */
import { performance } from 'node:perf_hooks';
import { Client, Permission, Query, Role, TablesDB } from 'node-appwrite';
import { WebSocket } from 'ws';
import { REALTIME_LIMITS } from '../emulator/realtime/broker.ts';
import { subscribeFrames } from '../emulator/realtime/frames.ts';
import { round } from './lib/load.ts';
import { startLocalAppwrite } from './lib/processes.ts';
import type { Figure } from './lib/report.ts';

/** Probe requests per phase. */
const PROBES = Number(process.env.BENCH_ABUSE_PROBES ?? 1000);
/** The body the issue used: 30 × `a` then `!`, which makes `^(a+)+$` backtrack 2^30 ways. */
const EVIL_BODY = `${'a'.repeat(30)}!`;
const EVIL_PATTERN = '^(a+)+$';
/** How many full sockets open and close while the probe runs. */
const SOCKETS = Number(process.env.BENCH_ABUSE_SOCKETS ?? 20);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** `/health/version` one request after another until `done()`, at least `min` times; the p99 in ms. */
async function probe(url: string, done: () => boolean, min = PROBES): Promise<number> {
  const times: number[] = [];
  while (times.length < min || !done()) {
    const start = performance.now();
    await (await fetch(`${url}/health/version`)).arrayBuffer();
    times.push(performance.now() - start);
  }
  return round(
    percentile(
      times.sort((a, b) => a - b),
      99,
    ),
  );
}

/** A guest client that keeps asking for the pathological regex until stopped; how many it sent. */
function regexAttack(url: string, projectId: string, stop: () => boolean) {
  const tables = new TablesDB(new Client().setEndpoint(url).setProject(projectId));
  let sent = 0;
  const loop = async () => {
    while (!stop()) {
      await tables
        .listRows({
          databaseId: 'bench',
          tableId: 'notes',
          queries: [Query.regex('body', EVIL_PATTERN)],
        })
        .catch(() => undefined);
      sent++;
    }
  };
  return Promise.all([loop(), loop()]).then(() => sent);
}

/** Opens a socket and fills it to the subscription cap with the widest subscriptions. */
async function fullSocket(wsUrl: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const items = Array.from({ length: REALTIME_LIMITS.subscriptionsPerConnection }, (_, i) => ({
    subscriptionId: `s${i}`,
    channels: Array.from(
      { length: REALTIME_LIMITS.channelsPerSubscription },
      (_, c) => `databases.bench.tables.notes.rows.r${i}x${c}`,
    ),
  }));
  const frames = subscribeFrames(items);
  let answered = 0;
  const allAnswered = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const text = String(data);
      if (text.includes('"error"')) reject(new Error(`subscribe refused: ${text.slice(0, 200)}`));
      if (text.includes('"to":"subscribe"') && ++answered === frames.length) resolve();
    });
  });
  for (const frame of frames) socket.send(frame);
  await allAnswered;
  return socket;
}

export async function benchAbuse(): Promise<Figure[]> {
  const server = await startLocalAppwrite();
  try {
    const keyClient = new Client()
      .setEndpoint(server.url)
      .setProject(server.projectId)
      .setKey(server.apiKey);
    const tables = new TablesDB(keyClient);
    await tables.create({ databaseId: 'bench', name: 'bench' });
    await tables.createTable({
      databaseId: 'bench',
      tableId: 'notes',
      name: 'notes',
      permissions: [Permission.read(Role.any())],
    });
    await tables.createStringColumn({
      databaseId: 'bench',
      tableId: 'notes',
      key: 'body',
      size: 1000,
      required: true,
    });
    await tables.createRow({
      databaseId: 'bench',
      tableId: 'notes',
      rowId: 'evil',
      data: { body: EVIL_BODY },
    });

    const idle = await probe(server.url, () => true);

    let stopRegex = false;
    const attack = regexAttack(server.url, server.projectId, () => stopRegex);
    const duringRegex = await probe(server.url, () => true);
    stopRegex = true;
    const queries = await attack;

    const wsUrl = `${server.url.replace('http', 'ws')}/realtime?project=${server.projectId}`;
    let closing = true;
    const closes = (async () => {
      for (let i = 0; i < SOCKETS; i++) {
        const socket = await fullSocket(wsUrl);
        await new Promise((resolve) => {
          socket.once('close', resolve);
          socket.close();
        });
      }
      closing = false;
    })();
    const duringClose = await probe(server.url, () => !closing, 1);
    await closes;

    const goal = (value: number) => value <= Math.max(2 * idle, 0) && value <= 50;
    return [
      { name: '/health/version p99, idle', value: idle, unit: 'ms' },
      {
        name: `… while a guest's regex ${EVIL_PATTERN} runs on 30 × a + ! (${queries} queries)`,
        value: duringRegex,
        unit: 'ms',
        baseline: idle,
        goal: '≤ 2× idle and ≤ 50 ms',
        met: goal(duringRegex),
      },
      {
        name: `… while ${SOCKETS} sockets with ${REALTIME_LIMITS.subscriptionsPerConnection} × ${REALTIME_LIMITS.channelsPerSubscription}-channel subscriptions fill and close`,
        value: duringClose,
        unit: 'ms',
        baseline: idle,
        goal: '≤ 2× idle and ≤ 50 ms',
        met: goal(duringClose),
      },
    ];
  } finally {
    await server.stop();
  }
}
