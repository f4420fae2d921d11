/**
 * What the function runner takes and gives back, and the messages it exchanges with its worker
 * processes (emulator/runtime/worker/worker.mjs speaks the other side of the protocol).
 */

/** One execution to run: which deployment, how, and the HTTP request the function sees. */
export interface ExecutionRequest {
  functionId: string;
  deploymentId: string;
  /** Absolute path of the deployment's unpacked folder; the worker's cwd. */
  deploymentPath: string;
  /** Entry file relative to `deploymentPath`, e.g. `dist/main.js`. */
  entrypoint: string;
  /** The whole environment the function sees (Appwrite's variables plus the function's). */
  env: Record<string, string>;
  /** Seconds before the execution is answered 500 "Execution timed out." and its worker killed. */
  timeoutSeconds: number;
  /** Heap cap of the worker in MB, from the function's specification; default 512. */
  memoryMb?: number;
  method: string;
  /** Path without the query string; a missing leading slash is added, as the executor does. */
  path: string;
  /** Query string without `?`; '' for none. */
  queryString?: string;
  /** Request headers; names are lower-cased, `x-open-runtimes-*` are dropped. */
  headers: Record<string, string>;
  body?: Buffer;
  /** How the caller reached the function; becomes Host / X-Forwarded-Proto as the runtime reads them. */
  scheme?: 'http' | 'https';
  host?: string;
  port?: number;
}

/** What an execution produced, as the executor reports it to Appwrite. */
export interface ExecutionResult {
  statusCode: number;
  /** Lower-cased names; `x-open-runtimes-*` dropped; repeated headers as arrays. */
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** `context.log` and captured console lines, each ending in a newline. */
  logs: string;
  /** `context.error` lines and the runtime's own error reports, each ending in a newline. */
  errors: string;
  /** Seconds from handing the request to a worker until its answer (cold start included). */
  duration: number;
  timedOut: boolean;
  /** The worker process died (exit, uncaught error, memory cap) before answering. */
  crashed: boolean;
}

/** Runner → worker. */
export interface ExecuteMessage {
  type: 'execute';
  id: number;
  request: { method: string; url: string; headers: Record<string, string>; body: Uint8Array };
}

/** Worker → runner: one log line, sent when written so a killed execution keeps its lines. */
export interface LogMessage {
  type: 'log';
  id: number;
  stream: 'log' | 'error';
  line: string;
}

/** Worker → runner: the answer. */
export interface ResultMessage {
  type: 'result';
  id: number;
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Uint8Array;
}

export type WorkerMessage = LogMessage | ResultMessage;
