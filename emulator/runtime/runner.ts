/**
 * The function runner: runs an execution of a function deployment in a warm worker process and
 * reports it the way Appwrite's executor reports an open-runtimes Node execution. One worker per
 * deployment runs its executions concurrently (see README.md for why); a worker that timed out,
 * died, or whose entry file, environment or memory cap changed is replaced before the next
 * execution; one idle for longer than `_APP_COMPUTE_INACTIVE_THRESHOLD` is stopped, as Appwrite's
 * executor removes an inactive runtime, and its next execution is a cold start. Independent of
 * HTTP and storage: the executions API calls `execute`.
 */

import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  type IdleSettings,
  idleSettingsFromEnv,
  MAX_MAINTENANCE_INTERVAL_SECONDS,
} from './idle-settings.ts';
import type { ExecutionRequest, ExecutionResult } from './types.ts';
import { type WireRequest, WorkerProcess, type WorkerSpec } from './worker-process.ts';

/** Heap cap when the function's specification gives none (Appwrite's default s-1vcpu-512mb). */
export const DEFAULT_MEMORY_MB = 512;

/** The Node runtime reads at most this much request body (micro's `buffer(req, {limit: '20mb'})`). */
export const BODY_LIMIT_BYTES = 20 * 1024 * 1024;

interface Slot {
  worker: WorkerProcess;
  /**
   * What the worker was started with, plus the entry's mtime; a change in either part means a new
   * worker. The variables' part is the one string `envSignature` keeps per environment object, so
   * an unchanged environment compares by reference instead of being copied into a longer string.
   */
  signature: string;
  envSignature: string;
}

/** Runs function executions in warm, isolated worker processes. */
export class FunctionRunner {
  private readonly slots = new Map<string, Slot>();
  /** Workers replaced while busy; still ours to kill on close. */
  private readonly draining = new Set<WorkerProcess>();
  private closed = false;
  /** `envSignature` of env objects seen before (the executor hands the same one until it changes). */
  private readonly envSignatures = new WeakMap<Readonly<Record<string, string>>, string>();
  private readonly inactiveThresholdMs: number;
  /** The maintenance check; unref'd, so an idle runner never keeps the process alive. */
  private readonly maintenance: NodeJS.Timeout;

  /** Settings not given are read from the environment (`idleSettingsFromEnv`). */
  constructor(options: Partial<IdleSettings> = {}) {
    let fromEnv: IdleSettings | undefined;
    const env = () => (fromEnv ??= idleSettingsFromEnv());
    const inactiveThresholdSeconds =
      options.inactiveThresholdSeconds ?? env().inactiveThresholdSeconds;
    const maintenanceIntervalSeconds =
      options.maintenanceIntervalSeconds ?? env().maintenanceIntervalSeconds;
    if (!(inactiveThresholdSeconds >= 0)) {
      throw new RangeError('inactiveThresholdSeconds must be 0 or more');
    }
    if (
      !(
        maintenanceIntervalSeconds > 0 &&
        maintenanceIntervalSeconds <= MAX_MAINTENANCE_INTERVAL_SECONDS
      )
    ) {
      throw new RangeError(
        `maintenanceIntervalSeconds must be above 0 and at most ${MAX_MAINTENANCE_INTERVAL_SECONDS}`,
      );
    }
    this.inactiveThresholdMs = inactiveThresholdSeconds * 1000;
    this.maintenance = setInterval(() => this.stopInactive(), maintenanceIntervalSeconds * 1000);
    this.maintenance.unref();
  }

  /** Runs one execution; resolves with its result, whatever the function did. */
  async execute(request: ExecutionRequest): Promise<ExecutionResult> {
    if (this.closed) throw new Error('FunctionRunner is closed');
    if (!(request.timeoutSeconds > 0))
      throw new RangeError('timeoutSeconds must be greater than 0');
    if (!isAbsolute(request.deploymentPath)) {
      throw new RangeError('deploymentPath must be absolute');
    }
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > BODY_LIMIT_BYTES) return bodyTooLarge();

    // One microtask, as when the stat here was awaited: a close() called in the same turn as this
    // execution (shutdown) then wins, and no worker is started for close() to miss.
    await undefined;
    if (this.closed) throw new Error('FunctionRunner is closed');
    const worker = this.workerFor(request);
    const result = await worker.run(toWire(request, body), request.timeoutSeconds);
    // HTTP carries no body in an answer to HEAD, so the executor (curl NOBODY) never sees one.
    if (request.method.toUpperCase() === 'HEAD') result.body = Buffer.alloc(0);
    return result;
  }

  /** Kills every worker; executions in flight are answered as crashed. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.maintenance);
    const workers = [...this.draining, ...[...this.slots.values()].map((slot) => slot.worker)];
    this.slots.clear();
    this.draining.clear();
    await Promise.all(workers.map((worker) => worker.kill('the runner closed')));
  }

  private workerFor(request: ExecutionRequest): WorkerProcess {
    const entryPath = resolve(request.deploymentPath, request.entrypoint);
    const spec: WorkerSpec = {
      deploymentPath: request.deploymentPath,
      entryPath,
      entrypoint: request.entrypoint,
      env: request.env,
      memoryMb: request.memoryMb ?? DEFAULT_MEMORY_MB,
    };
    const signature = JSON.stringify([
      spec.deploymentPath,
      entryPath,
      spec.entrypoint,
      spec.memoryMb,
      mtimeOf(entryPath),
    ]);
    const envSignature = this.envSignature(spec.env);
    const key = `${request.functionId}\u0000${request.deploymentId}`;

    const slot = this.slots.get(key);
    if (slot?.worker.usable && slot.signature === signature && slot.envSignature === envSignature) {
      return slot.worker;
    }
    if (slot) this.drain(slot.worker);
    this.retireOtherDeployments(request.functionId, key);
    const worker = new WorkerProcess(spec);
    this.slots.set(key, { worker, signature, envSignature });
    return worker;
  }

  /**
   * A function runs one active deployment: once an execution names a new one, the workers of the
   * function's earlier deployments finish what they have and go, instead of idling for good (a dev
   * loop that redeploys on every save would otherwise keep one process per save).
   */
  /** The variables, sorted so the same ones in another order do not restart the worker, as JSON. */
  private envSignature(env: Readonly<Record<string, string>>): string {
    let signature = this.envSignatures.get(env);
    if (signature === undefined) {
      const sorted = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      signature = JSON.stringify(sorted);
      // Only a frozen object cannot change under its cached signature.
      if (Object.isFrozen(env)) this.envSignatures.set(env, signature);
    }
    return signature;
  }

  private retireOtherDeployments(functionId: string, keep: string): void {
    const prefix = `${functionId}\u0000`;
    for (const [key, slot] of this.slots) {
      if (key === keep || !key.startsWith(prefix)) continue;
      this.slots.delete(key);
      this.drain(slot.worker);
    }
  }

  /**
   * The executor's maintenance tick (open-runtimes/executor src/Executor/Runner/Maintenance.php):
   * a worker whose last execution ended more than the threshold ago leaves the table first, so no
   * execution is routed to it, then goes. Unlike upstream, which compares only the time of the
   * last start or end, a worker with an execution in flight is never stopped.
   */
  private stopInactive(): void {
    const cutoff = Date.now() - this.inactiveThresholdMs;
    for (const [key, slot] of this.slots) {
      if (slot.worker.busy || slot.worker.lastActive >= cutoff) continue;
      this.slots.delete(key);
      this.drain(slot.worker);
    }
  }

  /**
   * Lets every warm worker go: each leaves the table at once, so the next execution of its function
   * starts a new process (a cold start, as after a deployment), and goes once what it has in flight
   * is answered.
   */
  retireAll(): void {
    for (const slot of this.slots.values()) this.drain(slot.worker);
    this.slots.clear();
  }

  /** Lets a replaced worker finish what it has, then it kills itself (WorkerProcess.retire). */
  private drain(worker: WorkerProcess): void {
    worker.retire();
    this.draining.add(worker);
    void worker.exited.then(() => this.draining.delete(worker));
  }
}

/**
 * The entry file's mtime, or `null` when it cannot be read (a missing entry is not our error to
 * raise: the worker answers 503 as the runtime does). Every execution asks, so the stat is
 * synchronous: about a microsecond, where the promise form costs a thread-pool round trip and, in a
 * profile of warm executions, far more CPU on this thread.
 */
function mtimeOf(path: string): number | null {
  try {
    return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? null;
  } catch {
    return null;
  }
}

/** Headers as the runtime would receive them over HTTP from the executor. */
function toWire(request: ExecutionRequest, body: Buffer): WireRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-open-runtimes-')) headers[lower] = value;
  }
  const scheme = request.scheme ?? 'http';
  if (request.host !== undefined) {
    const defaultPort = scheme === 'https' ? 443 : 80;
    const port = request.port ?? defaultPort;
    headers.host = port === defaultPort ? request.host : `${request.host}:${port}`;
  }
  headers.host ??= 'localhost';
  // The runtime reads the scheme from this header and defaults to http, so only https needs it.
  if (scheme === 'https') headers['x-forwarded-proto'] ??= 'https';
  if (body.length > 0) headers['content-length'] ??= String(body.length);

  const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
  const query = request.queryString ?? '';
  return {
    method: request.method,
    url: query === '' ? path : `${path}?${query}`,
    headers,
    body,
  };
}

/** micro rejects an over-limit body before the function runs; the runtime answers a bare 500. */
function bodyTooLarge(): ExecutionResult {
  return {
    statusCode: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '0' },
    body: Buffer.alloc(0),
    logs: '',
    errors: `The request body is larger than the runtime's ${BODY_LIMIT_BYTES / 1024 / 1024} MB limit.\n`,
    duration: 0,
    timedOut: false,
    crashed: false,
  };
}
