import type { FunctionRunner } from '../../runtime/runner.ts';
import type { ExecutionResult } from '../../runtime/types.ts';
import type { Identity } from '../identity/service.ts';
import { AppwriteError } from '../platform/errors.ts';
import type { AppwriteEvent } from '../platform/events.ts';
import { uniqueId } from '../platform/ids.ts';
import { allows, effectiveRoles } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import { isoDate } from '../platform/time.ts';
import type { DeploymentDoc, DeploymentStore } from './deployments.ts';
import {
  APPWRITE_VERSION,
  capped,
  executionEnvironment,
  pairs,
  STORED_REQUEST_HEADERS,
  STORED_RESPONSE_HEADERS,
  splitPath,
  storedHeaders,
  withAppwriteHeaders,
} from './execution-environment.ts';
import {
  type ExecutionDoc,
  type ExecutionStore,
  executionModel,
  type HeaderPair,
  type QueuedRequest,
} from './executions.ts';
import type { FunctionDoc, FunctionStore } from './functions.ts';
import { DEFAULT_SPECIFICATION, SPECIFICATIONS } from './settings.ts';

/**
 * Runs function executions the way Appwrite's API and functions worker do (SRV Modules/Functions/
 * Http/Executions/Create.php, Platform/Workers/Functions.php): the checks before an execution, the
 * environment and `x-appwrite-*` headers the function receives, sync (201) and async (202, then
 * `processing` → `completed`/`failed`) and scheduled executions, event and cron triggers, and the
 * execution events. The function itself runs in emulator/runtime (FunctionRunner).
 */

/** Appwrite's limit on a sync execution: the API waits this long for the executor (Create.php). */
export const SYNC_TIMEOUT_SECONDS = 30;

/**
 * Name prefix of the per-execution keys earlier versions stored; the ones an older data folder still
 * holds are swept at start. Executions now get a signed `ephemeral_` key that nothing stores.
 */
const LEGACY_EXECUTION_KEY_PREFIX = 'Function execution ';

/** A principal that sees everything (event payloads carry logs, as webhook payloads do). */
const SYSTEM: Principal = { kind: 'key', keyId: 'system', scopes: new Set() };

/** What the executor needs from the rest of the server. */
export interface ExecutorDeps {
  projectId: string;
  functions: FunctionStore;
  deployments: DeploymentStore;
  executions: ExecutionStore;
  identity: Identity;
  runner: FunctionRunner;
  /** `APPWRITE_FUNCTION_API_ENDPOINT`: where this server is reachable, e.g. `http://127.0.0.1:P/v1`. */
  endpoint: () => string;
  /** Publishes an event (the event bus, when there is one). */
  publish: (event: AppwriteEvent) => void;
  /** Seconds a sync execution may take before 408 (30 as Appwrite; tests shorten it). */
  syncTimeoutSeconds?: number;
}

/** A `createExecution` call, its params already read and its headers validated. */
export interface ExecutionCall {
  fn: FunctionDoc;
  principal: Principal;
  body: Buffer;
  async: boolean;
  /** Path with its query string, as the caller gave it. */
  path: string;
  method: string;
  headers: Record<string, string>;
  scheduledAt: string | null;
  clientIp: string;
}

/** A raw HTTP request to a function's domain. */
export interface DomainRequest {
  method: string;
  path: string;
  queryString: string;
  headers: Record<string, string>;
  body: Buffer;
  clientIp: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

/** The result of a sync execution: the stored execution plus what only the answer carries. */
export interface SyncOutcome {
  doc: ExecutionDoc;
  responseBody: string;
  responseHeaders: HeaderPair[];
}

interface RunInput {
  doc: ExecutionDoc;
  fn: FunctionDoc;
  deployment: DeploymentDoc;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  userId: string;
  sessionId: string;
  /** Event triggers carry a user but no session: their JWT is `{userId}` alone (Workers/Functions.php). */
  jwtWithoutSession?: boolean;
  host?: { scheme: 'http' | 'https'; host: string; port: number };
}

/** Runs executions; one per server. */
export class FunctionExecutor {
  readonly #deps: ExecutorDeps;
  readonly #inFlight = new Set<Promise<unknown>>();
  /**
   * Each function's last environment and what it was built from (the store's version, the
   * deployment, the endpoint): the same frozen object is handed to the runner until one changes, so
   * an execution neither reads the variables again nor makes the runner compare a new object.
   */
  readonly #environments = new Map<
    string,
    { stamp: string; env: Readonly<Record<string, string>> }
  >();
  #closed = false;
  /** `stored`'s documents, and the store versions they were read at. */
  readonly #stored = new Map<string, { fn: FunctionDoc; deployment: DeploymentDoc | null }>();
  #storedStamp = '';

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  /**
   * The checks Appwrite makes before any execution, in its order: the function exists and (for
   * anyone but a key) is enabled, it has an active deployment that is ready, and the caller holds
   * one of its `execute` roles (keys bypass this, as they bypass permissions everywhere).
   */
  admit(functionId: string, principal: Principal): { fn: FunctionDoc; deployment: DeploymentDoc } {
    const { fn, deployment } = this.stored(functionId);
    if (!fn || (!fn.enabled && principal.kind !== 'key')) {
      throw new AppwriteError('function_not_found', `No function has the id '${functionId}'.`);
    }
    if (!deployment) {
      throw new AppwriteError(
        'deployment_not_found',
        'The function has no active deployment. Deploy it before executing it.',
      );
    }
    if (deployment.status !== 'ready') {
      throw new AppwriteError('build_not_ready', 'The active deployment is not ready.');
    }
    if (principal.kind !== 'key' && !executeAllowed(fn, principal)) {
      throw new AppwriteError(
        'user_unauthorized',
        `You may not execute this function (execute roles: ${JSON.stringify(fn.execute)}).`,
      );
    }
    return { fn, deployment };
  }

  /**
   * A function and its active deployment as stored now. What was read is kept, frozen, until the
   * function store or the deployment records change (their `version`s), so executing the same
   * function again parses neither document again.
   */
  private stored(functionId: string): {
    fn: FunctionDoc | null;
    deployment: DeploymentDoc | null;
  } {
    const stamp = `${this.#deps.functions.version}\u0000${this.#deps.deployments.version}`;
    if (this.#storedStamp !== stamp) {
      this.#stored.clear();
      this.#storedStamp = stamp;
    }
    const kept = this.#stored.get(functionId);
    if (kept) return kept;
    const fn = this.#deps.functions.find(functionId);
    // An unknown id is not kept: made-up ids must not grow the map.
    if (!fn) return { fn: null, deployment: null };
    const deployment = this.activeDeployment(fn);
    const read = { fn: deepFreeze(fn), deployment: deployment && deepFreeze(deployment) };
    this.#stored.set(functionId, read);
    return read;
  }

  /** `POST /functions/{id}/executions`: async (202 now, run later) or sync (201 with the answer). */
  async create(
    call: ExecutionCall,
    deployment: DeploymentDoc,
  ): Promise<SyncOutcome | ExecutionDoc> {
    const { fn, principal } = call;
    const user = principal.kind === 'user' ? principal : null;
    const executionId = uniqueId();
    const headers: Record<string, string> = {
      ...call.headers,
      'x-appwrite-trigger': 'http',
      'x-appwrite-client-ip': call.clientIp,
    };
    const record = () =>
      newExecution({
        id: executionId,
        fn,
        deployment,
        userId: user?.userId,
        trigger: call.scheduledAt ? 'schedule' : 'http',
        status: call.scheduledAt ? 'scheduled' : call.async ? 'waiting' : 'processing',
        method: call.method,
        path: call.path,
        headers,
      });
    const userId = user?.userId ?? '';
    const sessionId = user?.sessionId ?? '';

    if (call.async) {
      const doc = record();
      if (call.scheduledAt) doc.scheduledAt = call.scheduledAt;
      doc.queued = {
        method: call.method,
        path: call.path,
        headers,
        body: call.body.toString('base64'),
        userId,
        sessionId,
      };
      this.#deps.executions.save(doc);
      this.publish(doc, 'create');
      if (!call.scheduledAt) this.later(doc.$id);
      return doc;
    }

    const limit = this.#deps.syncTimeoutSeconds ?? SYNC_TIMEOUT_SECONDS;
    const started = Date.now();
    const run = this.dispatch({
      executionId,
      fn,
      deployment,
      method: call.method,
      path: call.path,
      headers,
      body: call.body,
      userId,
      sessionId,
    });
    // The record is not needed until the answer: it is built while the request is on its way to the
    // worker (the runner sends it from a microtask queued before this one).
    await undefined;
    const doc = record();
    const result = fn.timeout < limit ? await run : await withinSyncLimit(run, limit);
    if (result === 'timeout') {
      // Appwrite stores the execution as failed and answers 408; the function keeps running until
      // its own timeout, as the executor's container does.
      const failed = this.#deps.executions.save({
        ...doc,
        status: 'failed',
        responseStatusCode: 500,
        duration: (Date.now() - started) / 1000,
        errors: `The execution took longer than the ${limit} s a synchronous execution may take.\n`,
        $updatedAt: isoDate(),
      });
      this.publish(failed, 'create');
      throw new AppwriteError(
        'function_synchronous_timeout',
        `Synchronous executions may take at most ${limit} seconds. Use an async execution for longer work.`,
      );
    }
    const outcome = this.finished(doc, fn, result);
    const saved = this.#deps.executions.save(outcome.doc);
    // Appwrite queues its events in the request's shutdown hook, once the response is out (Create.php,
    // controllers/shared/api.php): the event goes after this turn too, ahead of any later request.
    setImmediate(() => this.publish(saved, 'create'));
    return outcome;
  }

  /**
   * Runs a function for an event it subscribes to, as the functions worker does: async, trigger
   * `event`, `POST /`, the resource model as JSON body, `x-appwrite-event` = the most specific name.
   */
  runForEvent(fn: FunctionDoc, event: AppwriteEvent, firstName: string): void {
    const body = Buffer.from(JSON.stringify(event.payload));
    this.startBackground(fn, 'event', {
      method: 'POST',
      path: '/',
      headers: {
        'user-agent': `Appwrite/${APPWRITE_VERSION}`,
        'content-type': 'application/json',
        'x-appwrite-trigger': 'event',
        'x-appwrite-event': firstName,
      },
      body,
      userId: event.userId ?? '',
      sessionId: '',
      jwtWithoutSession: true,
    });
  }

  /** Runs a function for its cron schedule: trigger `schedule`, `POST /`, empty body. */
  runForSchedule(fn: FunctionDoc): void {
    this.startBackground(fn, 'schedule', {
      method: 'POST',
      path: '/',
      headers: { 'x-appwrite-trigger': 'schedule', 'x-appwrite-event': '' },
      body: Buffer.alloc(0),
      userId: '',
      sessionId: '',
    });
  }

  /**
   * Runs a function for a raw HTTP request to its domain and answers with the function's response
   * as it is. Recorded as an execution with trigger `http`, as Appwrite records domain requests.
   * Refused with 401 `function_execute_permission_missing` unless `execute` has `any` or `guests`.
   */
  async runForDomain(fn: FunctionDoc, request: DomainRequest): Promise<ExecutionResult> {
    const deployment = this.activeDeployment(fn);
    if (!fn.enabled || !deployment || deployment.status !== 'ready') {
      throw new AppwriteError(
        'deployment_not_found',
        'The function has no ready, active deployment.',
      );
    }
    // A domain is public: Appwrite's router (app/controllers/general.php) runs a function there only
    // if anyone may execute it, whoever the request comes from, and checks this after the deployment.
    if (!fn.execute.includes('any') && !fn.execute.includes('guests')) {
      throw new AppwriteError(
        'function_execute_permission_missing',
        'To execute function using domain, execute permissions must include "any" or "guests".',
      );
    }
    const executionId = uniqueId();
    const path = request.queryString ? `${request.path}?${request.queryString}` : request.path;
    const headers: Record<string, string> = {};
    // As Appwrite's router (app/controllers/general.php) does: every request header reaches the
    // function, and Appwrite's own (`x-appwrite-user-id`, `-key`, `-user-jwt`, `-trigger`, …) are set
    // over whatever a caller sent (here and in `run`), so none of those can be forged. Other
    // `x-appwrite-*` headers pass, e.g. the `x-appwrite-webhook-*` of a webhook pointed at a function.
    for (const [name, value] of Object.entries(request.headers))
      headers[name.toLowerCase()] = value;
    headers['x-appwrite-trigger'] = 'http';
    headers['x-appwrite-client-ip'] = request.clientIp;
    const doc = newExecution({
      id: executionId,
      fn,
      deployment,
      userId: undefined,
      trigger: 'http',
      status: 'processing',
      method: request.method,
      path,
      headers,
    });
    const outcome = await this.run(
      {
        doc,
        fn,
        deployment,
        method: request.method,
        path,
        headers,
        body: request.body,
        userId: '',
        sessionId: '',
        host: { scheme: request.scheme, host: request.host, port: request.port },
      },
      true,
    );
    this.publish(this.#deps.executions.save(outcome.doc), 'create');
    return outcome.result;
  }

  /** Starts scheduled executions whose time has come (called every second, and by tests). */
  runDue(now: number = Date.now()): void {
    for (const doc of this.#deps.executions.inStatus('scheduled')) {
      if (doc.scheduledAt && Date.parse(doc.scheduledAt) <= now) this.later(doc.$id);
    }
  }

  /**
   * After a restart: executions that were waiting run now; ones that were running when the server
   * stopped are failed (their worker is gone); expired per-execution keys an earlier version stored
   * are deleted.
   */
  resume(): void {
    this.#deps.identity.keys.deleteExpired(LEGACY_EXECUTION_KEY_PREFIX);
    for (const doc of this.#deps.executions.inStatus('processing')) {
      this.#deps.executions.save({
        ...doc,
        status: 'failed',
        responseStatusCode: 500,
        errors: 'The local Appwrite stopped while this execution ran.\n',
        queued: undefined,
      });
    }
    for (const doc of this.#deps.executions.inStatus('waiting')) this.later(doc.$id);
  }

  /** Waits for background executions to settle (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Changes the sync execution limit (tests shorten Appwrite's 30 s to see the 408). */
  setSyncTimeout(seconds: number): void {
    this.#deps.syncTimeoutSeconds = seconds;
  }

  /** Stops starting new background executions. */
  close(): void {
    this.#closed = true;
  }

  /** The active deployment of a function, or `null`. */
  activeDeployment(fn: FunctionDoc): DeploymentDoc | null {
    if (!fn.deploymentId) return null;
    try {
      return this.#deps.deployments.get(fn.$id, fn.deploymentId);
    } catch {
      return null;
    }
  }

  /** Runs a queued or scheduled execution in the background. */
  private later(executionId: string): void {
    if (this.#closed) return;
    const task = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const doc = this.#deps.executions.find(executionId);
      if (!doc?.queued || (doc.status !== 'waiting' && doc.status !== 'scheduled')) return;
      const fn = this.#deps.functions.find(doc.functionId);
      const deployment = fn ? this.activeDeployment(fn) : null;
      const queued: QueuedRequest = doc.queued;
      const processing = this.#deps.executions.save({
        ...doc,
        status: 'processing',
        queued: undefined,
        $updatedAt: isoDate(),
      });
      if (!fn || !deployment || deployment.status !== 'ready') {
        this.finish({
          ...processing,
          status: 'failed',
          responseStatusCode: 500,
          errors: 'The function or its active deployment is gone.\n',
        });
        return;
      }
      const outcome = await this.runOrFail({
        doc: { ...processing, deploymentId: deployment.$id },
        fn,
        deployment,
        method: queued.method,
        path: queued.path,
        // The worker runs it, and the worker always sends `x-appwrite-event` (empty here).
        headers: {
          ...queued.headers,
          'x-appwrite-event': queued.headers['x-appwrite-event'] ?? '',
        },
        body: Buffer.from(queued.body, 'base64'),
        userId: queued.userId,
        sessionId: queued.sessionId,
      });
      this.finish(outcome.doc);
    });
    this.track(task);
  }

  private startBackground(
    fn: FunctionDoc,
    trigger: 'event' | 'schedule',
    request: Omit<RunInput, 'doc' | 'fn' | 'deployment'>,
  ): void {
    if (this.#closed) return;
    const deployment = this.activeDeployment(fn);
    if (!fn.enabled || !deployment || deployment.status !== 'ready') return;
    const executionId = uniqueId();
    const doc = newExecution({
      id: executionId,
      fn,
      deployment,
      userId: request.userId || undefined,
      trigger,
      status: 'processing',
      method: request.method,
      path: request.path,
      headers: request.headers,
    });
    this.#deps.executions.save(doc);
    this.track(this.runOrFail({ doc, fn, deployment, ...request }).then((o) => this.finish(o.doc)));
  }

  /** A background run that cannot end without an answer: a runner error becomes a failed execution. */
  private async runOrFail(input: RunInput): Promise<{ doc: ExecutionDoc }> {
    try {
      return await this.run(input);
    } catch (error) {
      console.error('[local appwrite] execution failed:', error);
      return {
        doc: {
          ...input.doc,
          status: 'failed',
          responseStatusCode: 500,
          errors: 'The local Appwrite could not run this execution.\n',
        },
      };
    }
  }

  private finish(doc: ExecutionDoc): void {
    const saved = this.#deps.executions.save({ ...doc, $updatedAt: isoDate() });
    this.publish(saved, 'update');
  }

  private track(task: Promise<unknown>): void {
    const tracked = task.catch((error) =>
      console.error('[local appwrite] execution failed:', error),
    );
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  /** Runs the function for an execution and shapes the result (`dispatch`, then `finished`). */
  private async run(
    input: RunInput,
    keepBody = false,
  ): Promise<SyncOutcome & { result: ExecutionResult }> {
    const result = await this.dispatch({ ...input, executionId: input.doc.$id });
    return this.finished(input.doc, input.fn, result, keepBody);
  }

  /** Signs the key and JWT, builds env and headers, and runs the function. */
  private async dispatch(
    input: Omit<RunInput, 'doc'> & { executionId: string },
  ): Promise<ExecutionResult> {
    const { fn, deployment } = input;
    // Appwrite gives the key and the JWT the function's timeout plus a minute for cold starts.
    const lifetime = fn.timeout + 60;
    const key = this.#deps.identity.keys.ephemeral(this.#deps.projectId, fn.scopes, lifetime);
    const jwt =
      input.userId && (input.sessionId || input.jwtWithoutSession)
        ? this.#deps.identity.jwt.issue(input.userId, input.sessionId, lifetime)
        : '';
    const headers: Record<string, string> = {
      ...input.headers,
      'x-appwrite-execution-id': input.executionId,
      'x-appwrite-key': key,
      'x-appwrite-user-id': input.userId,
      'x-appwrite-user-jwt': jwt,
      'x-appwrite-country-code': '',
      'x-appwrite-continent-code': '',
      'x-appwrite-continent-eu': 'false',
    };
    headers['x-appwrite-trigger'] ??= 'http';
    const [path, queryString = ''] = splitPath(input.path);
    const spec = SPECIFICATIONS[fn.runtimeSpecification] ?? SPECIFICATIONS[DEFAULT_SPECIFICATION];
    return await this.#deps.runner.execute({
      functionId: fn.$id,
      deploymentId: deployment.$id,
      deploymentPath: this.#deps.deployments.folder(fn.$id, deployment.$id),
      entrypoint: deployment.entrypoint,
      env: this.environment(fn, deployment),
      timeoutSeconds: fn.timeout,
      memoryMb: spec?.memory,
      method: input.method,
      path,
      queryString,
      headers,
      body: input.body,
      ...(input.host ?? {}),
    });
  }

  /** The execution as stored once it ran, and what only the answer carries. */
  private finished(
    doc: ExecutionDoc,
    fn: FunctionDoc,
    result: ExecutionResult,
    keepBody = false,
  ): SyncOutcome & { result: ExecutionResult } {
    const responseHeaders = pairs(result.headers);
    const finished: ExecutionDoc = {
      ...doc,
      status: result.statusCode >= 500 ? 'failed' : 'completed',
      responseStatusCode: result.statusCode,
      responseHeaders: responseHeaders.filter((h) =>
        STORED_RESPONSE_HEADERS.includes(h.name.toLowerCase()),
      ),
      logs: fn.logging ? capped(result.logs, 'Logs') : '',
      errors: fn.logging ? capped(result.errors, 'Errors') : '',
      duration: result.duration,
      $updatedAt: isoDate(),
    };
    return {
      doc: finished,
      responseBody: keepBody ? '' : result.body.toString('utf8'),
      responseHeaders: [...responseHeaders, { name: 'x-appwrite-execution-id', value: doc.$id }],
      result,
    };
  }

  /** The function's environment (execution-environment.ts), built again only when its inputs change. */
  private environment(
    fn: FunctionDoc,
    deployment: DeploymentDoc,
  ): Readonly<Record<string, string>> {
    const endpoint = this.#deps.endpoint();
    const stamp = `${this.#deps.functions.version}\u0000${deployment.$id}\u0000${endpoint}`;
    const kept = this.#environments.get(fn.$id);
    if (kept?.stamp === stamp) return kept.env;
    // Built from the function as stored now, so the environment matches the version it is kept under.
    const { functions, projectId } = this.#deps;
    const current = functions.find(fn.$id) ?? fn;
    const env = Object.freeze(
      executionEnvironment(functions, projectId, endpoint, current, deployment),
    );
    this.#environments.set(fn.$id, { stamp, env });
    return env;
  }

  private publish(doc: ExecutionDoc, action: 'create' | 'update'): void {
    const readRoles = doc.$permissions
      .map((p) => /^read\("(.+)"\)$/.exec(p)?.[1])
      .filter((r): r is string => r !== undefined);
    this.#deps.publish({
      pattern: `functions.[functionId].executions.[executionId].${action}`,
      params: { functionId: doc.functionId, executionId: doc.$id },
      payload: executionModel(doc, SYSTEM),
      readRoles,
      timestamp: doc.$updatedAt,
    });
  }
}

/**
 * A run, or `'timeout'` once the sync limit has passed. Only needed when the function may run that
 * long: a run of a function whose own timeout is shorter ends by then (the runner answers a timed-out
 * execution at the function's timeout), so those skip this timer and race.
 */
async function withinSyncLimit<T>(run: Promise<T>, limitSeconds: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limitSeconds * 1000);
  });
  return await Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/** Freezes a parsed document and everything in it, so a kept one cannot be changed by a reader. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Whether a user or guest holds one of the function's `execute` roles. */
function executeAllowed(fn: FunctionDoc, principal: Principal): boolean {
  const roles = effectiveRoles(principal);
  return allows(
    fn.execute.map((role) => `read("${role}")`),
    'read',
    roles,
  );
}

/**
 * A new execution as it is stored before it runs: readable by the user who caused it (if any), the
 * request's method, path and allow-listed headers, and an empty response.
 */
function newExecution(input: {
  id: string;
  fn: FunctionDoc;
  deployment: { $id: string };
  userId: string | undefined;
  trigger: ExecutionDoc['trigger'];
  status: ExecutionDoc['status'];
  method: string;
  path: string;
  headers: Record<string, string>;
}): ExecutionDoc {
  const now = isoDate();
  return {
    $id: input.id,
    $createdAt: now,
    $updatedAt: now,
    $permissions: input.userId ? [`read("user:${input.userId}")`] : [],
    functionId: input.fn.$id,
    deploymentId: input.deployment.$id,
    trigger: input.trigger,
    status: input.status,
    requestMethod: input.method,
    requestPath: input.path,
    requestHeaders: storedHeaders(
      withAppwriteHeaders(input.headers, input.id),
      STORED_REQUEST_HEADERS,
    ),
    responseStatusCode: 0,
    responseBody: '',
    responseHeaders: [],
    logs: '',
    errors: '',
    duration: 0,
  };
}
