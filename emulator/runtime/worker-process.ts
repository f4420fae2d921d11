/**
 * One warm worker process (worker/worker.mjs) and the executions it has in flight: forks it, sends
 * each request, gathers its log lines, enforces each execution's timeout and answers for it when
 * the process dies. Knows nothing of deployments or reloads; the runner decides which worker runs
 * what and when one is replaced.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { LogBuffer } from './log-buffer.ts';
import type { ExecuteMessage, ExecutionResult, WorkerMessage } from './types.ts';

const WORKER_PATH = new URL('./worker/worker.mjs', import.meta.url);

/** The runtime's words for a timeout; kept verbatim because callers and users match on them. */
export const TIMED_OUT = 'Execution timed out.';

/** How much of a dead worker's stderr (V8's out-of-memory report, a crash stack) we pass on. */
const STDERR_TAIL = 4000;

/** Environment variables of ours the function may see, so tools it spawns still work. */
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT'];

/** What a worker is started with; a change in any of it needs a new worker. */
export interface WorkerSpec {
  deploymentPath: string;
  entryPath: string;
  entrypoint: string;
  env: Record<string, string>;
  memoryMb: number;
}

/** The request as the worker receives it: an HTTP request line's worth plus headers and body. */
export type WireRequest = ExecuteMessage['request'];

interface Pending {
  started: number;
  logs: LogBuffer;
  errors: LogBuffer;
  timer: NodeJS.Timeout;
  resolve: (result: ExecutionResult) => void;
}

/** A forked worker and its in-flight executions. */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = '';
  private killReason: string | null = null;
  private dead = false;
  /** Resolves once the process has gone. */
  readonly exited: Promise<void>;
  /** No new executions go here; it is killed once the ones it has are answered. */
  retired = false;
  /** `Date.now()` when its last execution was answered, or when it started if none was. */
  lastActive = Date.now();

  constructor(spec: WorkerSpec) {
    const env: Record<string, string> = {};
    for (const name of INHERITED_ENV) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    // The executor's own variables win over the function's (open-runtimes/executor app/controllers.php);
    // the secret, hostname and CPU count have no meaning here.
    Object.assign(env, spec.env, {
      OPEN_RUNTIMES_ENTRYPOINT: spec.entrypoint,
      OPEN_RUNTIMES_MEMORY: String(spec.memoryMb),
      CI: 'true',
    });

    this.child = fork(WORKER_PATH, [spec.entryPath, spec.entrypoint], {
      cwd: spec.deploymentPath,
      env,
      // Our own execArgv may carry a TypeScript loader; the worker needs none of it.
      execArgv: [`--max-old-space-size=${spec.memoryMb}`, '--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group, so a kill also ends any process the function started.
      detached: true,
    });
    // stdout is the container log upstream, not the execution log: drain it so the pipe never fills.
    this.child.stdout?.resume();
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.child.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) this.onMessage(message);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        // Let the last of stderr (a crash stack, V8's out-of-memory report) arrive, but do not wait
        // on it: a process the function started may hold the pipe open.
        const stderr = this.child.stderr;
        const done = () => {
          this.onExit(code, signal);
          resolve();
        };
        if (!stderr || stderr.readableEnded) return done();
        const timer = setTimeout(done, 100);
        stderr.once('end', () => {
          clearTimeout(timer);
          done();
        });
      });
      // A persistent listener: an unhandled 'error' event would take the runner down with it.
      this.child.on('error', (error) => {
        // Spawn failed: no exit event will follow, so treat the worker as dead now.
        if (this.child.pid === undefined) {
          this.onExit(null, null, error.message);
          resolve();
        }
      });
    });
  }

  /** True while it may take new executions. */
  get usable(): boolean {
    return !this.retired && !this.dead;
  }

  /** True while an execution is in flight. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Runs one request; always resolves, with a 500 result when the execution failed outside the function. */
  run(request: WireRequest, timeoutSeconds: number): Promise<ExecutionResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const pending: Pending = {
        started: performance.now(),
        logs: new LogBuffer(),
        errors: new LogBuffer(),
        timer: setTimeout(() => this.onTimeout(id), timeoutSeconds * 1000),
        resolve,
      };
      this.pending.set(id, pending);
      const message: ExecuteMessage = { type: 'execute', id, request };
      this.child.send(message, (error) => {
        // The channel closed under us: the exit handler answers, unless it already ran.
        if (error && this.dead) this.fail(id, 'The function worker was not running.');
      });
    });
  }

  /** Takes no new work and is killed as soon as nothing is in flight. */
  retire(): void {
    this.retired = true;
    if (this.pending.size === 0) this.kill('retired');
  }

  /** SIGKILLs the process; executions still in flight are answered as crashed with `reason`. */
  kill(reason: string): Promise<void> {
    this.retired = true;
    this.killReason ??= reason;
    if (!this.dead) this.killGroup();
    return this.exited;
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // The group is gone already; make sure of the worker itself.
      if (!this.dead) this.child.kill('SIGKILL');
    }
  }

  private onMessage(message: WorkerMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return; // answered already (timed out): upstream drops late output too
    if (message.type === 'log') {
      (message.stream === 'error' ? pending.errors : pending.logs).push(message.line);
      return;
    }
    this.settle(message.id, {
      statusCode: message.statusCode,
      headers: message.headers,
      body: Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength),
      timedOut: false,
      crashed: false,
    });
  }

  private onTimeout(id: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.errors.note(TIMED_OUT);
    this.settle(id, { ...emptyResponse(), timedOut: true, crashed: false });
    // The function may be stuck in a loop that blocks the whole process: stop routing work here.
    // Other executions in flight get their own timeouts; the kill comes when the last one settles.
    this.retired = true;
    if (this.pending.size === 0) void this.kill('timeout');
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    if (this.dead) return;
    this.dead = true;
    // A container that stops takes its processes with it: end any the function left running.
    this.killGroup();
    const how = spawnError ?? (signal ? `signal ${signal}` : `exit code ${code}`);
    const why =
      this.killReason === null
        ? `The function's process ended (${how}) before it answered.`
        : `The function's process was stopped (${this.killReason}) before it answered.`;
    const stderr = this.stderrTail.trim();
    for (const id of [...this.pending.keys()]) {
      this.fail(id, stderr ? `${why}\n${stderr}` : why);
    }
  }

  private fail(id: number, message: string): void {
    this.pending.get(id)?.errors.note(message);
    this.settle(id, { ...emptyResponse(), timedOut: false, crashed: true });
  }

  private settle(id: number, outcome: Omit<ExecutionResult, 'logs' | 'errors' | 'duration'>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    this.lastActive = Date.now();
    pending.resolve({
      ...outcome,
      logs: pending.logs.text(),
      errors: pending.errors.text(),
      duration: (performance.now() - pending.started) / 1000,
    });
    if (this.retired && this.pending.size === 0) void this.kill('retired');
  }
}

/** The runtime's answer when it reports a failure itself: `res.text('', 500)` after its header rules. */
function emptyResponse(): Pick<ExecutionResult, 'statusCode' | 'headers' | 'body'> {
  return {
    statusCode: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '0' },
    body: Buffer.alloc(0),
  };
}

/**
 * The worker's messages, checked: a function can reach the IPC channel in ways we do not foresee,
 * and a malformed message must not throw inside the runner.
 */
function isWorkerMessage(message: unknown): message is WorkerMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (typeof m.id !== 'number') return false;
  if (m.type === 'log') return typeof m.line === 'string';
  return (
    m.type === 'result' &&
    typeof m.statusCode === 'number' &&
    typeof m.headers === 'object' &&
    m.headers !== null &&
    m.body instanceof Uint8Array
  );
}
