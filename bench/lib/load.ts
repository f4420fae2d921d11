import autocannon from 'autocannon';

/** What one load run measured. Latencies in milliseconds. */
export interface LoadResult {
  requestsPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** How much `sample` grew over the measured run (0 without one). */
  sampled: number;
}

/** Options for one run: `setupClient` lets each connection carry its own credentials. */
export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  setupClient?: (client: { setHeaders(headers: Record<string, string>): void }) => void;
  /** A gauge read just before and just after the measured run (a server's CPU time). */
  sample?: () => number;
}

/**
 * Drives `url` with autocannon and returns throughput and latency; non-2xx answers count as failed.
 * A one-second run first warms both sides (the JIT, lazily loaded modules, SQLite's page cache) and
 * is thrown away, so a figure is the steady state, not the start-up.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  await run({ ...options, seconds: 1 });
  const before = options.sample?.() ?? 0;
  const result = await run(options);
  const sampled = (options.sample?.() ?? 0) - before;
  return {
    sampled,
    requestsPerSec: result['2xx'] / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

function run(options: LoadOptions) {
  return autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
    setupClient: options.setupClient as never,
  });
}

/**
 * Sends `count` requests one after another, after a tenth as many to warm caches and the JIT, and
 * returns latency percentiles in milliseconds.
 */
export async function sequential(
  count: number,
  send: () => Promise<Response>,
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.ceil(count / 10); i++) await (await send()).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await send();
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`request failed with ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
