/**
 * The security issue's two freezes, measured: `/v1/health/version` p99 while a guest's pathological
 * regex query runs, and while a socket holding the most subscriptions a connection may have closes —
 * each beside the same endpoint's p99 on the idle server in the same run. The local Appwrite, the
 * attacker (this process) and the probe (bench/abuse-probe.mjs) each run in a process of their own:
 * the server's event loop is what a freeze would stall, and the attacker's own work must not delay
 * the probe.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client, Permission, Query, Role, TablesDB } from 'node-appwrite';
import { WebSocket } from 'ws';
import { REALTIME_LIMITS } from '../emulator/realtime/broker.ts';
import { subscribeFrames } from '../emulator/realtime/frames.ts';
import { round } from './lib/load.ts';
import { startLocalAppwrite } from './lib/processes.ts';
import type { Figure } from './lib/report.ts';

/** How long each load phase lasts, in ms (BENCH_SECONDS, as the other groups). */
const PHASE_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
/** The body the issue used: 30 × `a` then `!`, which makes `^(a+)+$` backtrack 2^30 ways. */
const EVIL_BODY = `${'a'.repeat(30)}!`;
const EVIL_PATTERN = '^(a+)+$';
/** How many full sockets subscribe and close while the probe runs. */
const SOCKETS = Number(process.env.BENCH_ABUSE_SOCKETS ?? 20);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const p99 = (times: number[] = []) =>
  round(
    percentile(
      [...times].sort((a, b) => a - b),
      99,
    ),
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The other client, `/health/version` one request after another in a process of its own
 * (bench/abuse-probe.mjs), so the attacker's work in this process never delays it. `mark(phase)`
 * files the answers that follow under `phase`; `stop()` returns them, in ms.
 */
async function startProbe(url: string) {
  const child = spawn(
    process.execPath,
    [new URL('./abuse-probe.mjs', import.meta.url).pathname, url],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  if ((await next()) !== 'probing') throw new Error('the probe did not start');
  return {
    mark: (phase: string) => child.stdin?.write(`mark ${phase}\n`),
    async stop(): Promise<Record<string, number[]>> {
      const answer = next();
      child.stdin?.write('stop\n');
      const times = JSON.parse(await answer);
      // Its open stdin and kept-alive connection would keep it, and with it this bench, running.
      child.stdin?.end();
      child.kill();
      return times;
    },
  };
}

/**
 * A guest listing rows one query after another until stopped — with the pathological regex, or (the
 * same load without it) a plain equality — and how many it sent.
 */
async function guestQueries(
  url: string,
  projectId: string,
  query: string,
  stop: () => boolean,
): Promise<number> {
  const tables = new TablesDB(new Client().setEndpoint(url).setProject(projectId));
  let sent = 0;
  while (!stop()) {
    const list = await tables.listRows({ databaseId: 'bench', tableId: 'notes', queries: [query] });
    if (list.total !== 0) throw new Error('neither query matches 30 × a + !');
    sent++;
  }
  return sent;
}

/**
 * The heaviest subscriptions a connection may hold: the cap of subscriptions, each as wide as allowed,
 * over as many distinct channels as a connection may listen on — as `subscribe` frames.
 */
function fullSubscriptionFrames(): string[] {
  const { subscriptionsPerConnection, channelsPerSubscription, channelsPerConnection } =
    REALTIME_LIMITS;
  const items = Array.from({ length: subscriptionsPerConnection }, (_, i) => ({
    subscriptionId: `s${i}`,
    channels: Array.from(
      { length: channelsPerSubscription },
      (_, c) =>
        `databases.bench.tables.notes.rows.r${(i * channelsPerSubscription + c) % channelsPerConnection}`,
    ),
  }));
  return subscribeFrames(items);
}

async function openSocket(wsUrl: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Sends every frame at once and waits until each is answered. */
function subscribeAll(socket: WebSocket, frames: readonly string[]): Promise<void> {
  let answered = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const text = String(data);
      if (text.includes('"error"')) reject(new Error(`subscribe refused: ${text.slice(0, 200)}`));
      if (text.includes('"to":"subscribe"') && ++answered === frames.length) resolve();
    });
  });
  for (const frame of frames) socket.send(frame);
  return done;
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

    const probe = await startProbe(server.url);
    await sleep(1000); // warm-up: the JIT and both sides' sockets
    probe.mark('idle');
    await sleep(PHASE_MS);
    const attack = async (phase: string, query: string) => {
      let stop = false;
      probe.mark(phase);
      const sent = guestQueries(server.url, server.projectId, query, () => stop);
      await sleep(PHASE_MS);
      stop = true;
      return sent;
    };
    const plainQueries = await attack('plain', Query.equal('body', 'x'));
    const regexQueries = await attack('regex', Query.regex('body', EVIL_PATTERN));

    // Each socket fills (its own phase), then closes: that phase lasts until the server has let it
    // go, plus a moment, so every close is inside it.
    const wsUrl = `${server.url.replace('http', 'ws')}/realtime?project=${server.projectId}`;
    const frames = fullSubscriptionFrames();
    for (let i = 0; i < SOCKETS; i++) {
      probe.mark('between');
      const socket = await openSocket(wsUrl);
      probe.mark('fill');
      await subscribeAll(socket, frames);
      probe.mark('close');
      await new Promise((resolve) => {
        socket.once('close', resolve);
        socket.close();
      });
      await sleep(20);
    }
    const times = await probe.stop();
    const idle = p99(times.idle);

    const full = `${REALTIME_LIMITS.subscriptionsPerConnection} subscriptions × ${REALTIME_LIMITS.channelsPerSubscription} channels over ${REALTIME_LIMITS.channelsPerConnection} distinct`;
    const against = (name: string, value: number): Figure => ({
      name,
      value,
      unit: 'ms',
      baseline: idle,
      goal: '≤ 2× idle and ≤ 50 ms',
      met: value <= 2 * idle && value <= 50,
    });
    return [
      { name: '/health/version p99, idle', value: idle, unit: 'ms' },
      {
        name: `… while a guest lists rows with a plain equal (${plainQueries} queries; context)`,
        value: p99(times.plain),
        unit: 'ms',
        baseline: idle,
      },
      against(
        `… while a guest's regex ${EVIL_PATTERN} runs on 30 × a + ! (${regexQueries} queries)`,
        p99(times.regex),
      ),
      against(`… while a socket holding ${full} closes (${SOCKETS} closes)`, p99(times.close)),
      {
        name: `… while such a socket subscribes, ${frames.length} frames at once (${SOCKETS} sockets; context)`,
        value: p99(times.fill),
        unit: 'ms',
        baseline: idle,
      },
    ];
  } finally {
    await server.stop();
  }
}
