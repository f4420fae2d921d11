import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionRunner } from '../../runtime/runner.ts';
import type { Identity } from '../identity/service.ts';
import type { Sql } from '../platform/db.ts';
import { eventNames } from '../platform/event-names.ts';
import { type AppwriteEvent, EventQueue } from '../platform/events.ts';
import { DeploymentStore } from './deployments.ts';
import { ExecutionStore } from './executions.ts';
import { FunctionExecutor } from './executor.ts';
import { FunctionWrites } from './function-writes.ts';
import { FunctionStore } from './functions.ts';
import { ProxyRuleStore } from './proxy-rules.ts';
import { FunctionTriggers } from './triggers.ts';
import { WebhookStore } from './webhooks.ts';

/**
 * Everything Functions needs, built once per project: the stores (functions, variables, deployments,
 * executions, proxy rules, webhooks), the runner, the executor, the triggers and the clock that
 * drives schedules. core/project.ts builds it; tests reach it as `app.emulator.functions` to drive
 * the clock or wait for background executions.
 */
export interface FunctionsService {
  functions: FunctionStore;
  deployments: DeploymentStore;
  executions: ExecutionStore;
  executor: FunctionExecutor;
  triggers: FunctionTriggers;
  webhooks: WebhookStore;
  rules: ProxyRuleStore;
  runner: FunctionRunner;
  /** The writes Appwrite announces (functions, variables, deployments), each publishing its event. */
  writes: FunctionWrites;
  /**
   * Receives every published event, inside `publish`: queues it (when a trigger or webhook may hear
   * it) for the drain after the current turn, which names it once and starts matching functions and
   * webhook deliveries — so a write's response never waits for them.
   */
  onEvent(event: AppwriteEvent): void;
  /** The queue between the event bus and the triggers and webhooks (platform/events.ts). */
  readonly eventQueue: EventQueue;
  /** Starts the one-second clock that runs schedules and due executions (once; again after a stop). */
  startClock(): void;
  /** Stops the one-second clock (tests then call `triggers.tick(date)` themselves). */
  stopClock(): void;
  /**
   * Waits until the event queue is drained and the background executions and webhook deliveries it
   * started (and those of the events they publish in turn) have finished.
   */
  idle(): Promise<void>;
  /**
   * Stops the clock, handles the events still queued (their executions and deliveries start), kills
   * the workers, waits for executions and deliveries, and removes a temporary deployments folder.
   */
  close(): Promise<void>;
}

/** What the service is built from. */
export interface FunctionsServiceOptions {
  db: Sql;
  projectId: string;
  /** Deployments are unpacked under `<dataDir>/functions`; `null` → a temporary folder. */
  dataDir: string | null;
  identity: Identity;
  endpoint: () => string;
  publish: (event: AppwriteEvent) => void;
  /** Where an error of a trigger or webhook listener is reported (default: the console). */
  onListenerError?: (error: unknown) => void;
}

/**
 * Builds the service; its clock starts with `startClock()`. Queued executions left by a previous run
 * are resumed by the caller once the server listens (`executor.resume()`), so they see its real
 * endpoint.
 */
export function openFunctionsService(options: FunctionsServiceOptions): FunctionsService {
  const { db, projectId } = options;
  const temporary = options.dataDir === null;
  const root = options.dataDir
    ? join(options.dataDir, 'functions')
    : mkdtempSync(join(tmpdir(), 'appwrite-local-functions-'));
  const functions = new FunctionStore(db);
  const deployments = new DeploymentStore(db, functions, root);
  const executions = new ExecutionStore(db);
  const runner = new FunctionRunner();
  const executor = new FunctionExecutor({
    projectId,
    functions,
    deployments,
    executions,
    identity: options.identity,
    runner,
    endpoint: options.endpoint,
    publish: options.publish,
  });
  const triggers = new FunctionTriggers(functions, executor);
  const webhooks = new WebhookStore(db);
  const rules = new ProxyRuleStore(db);

  const report =
    options.onListenerError ??
    ((error: unknown) => console.error('[local appwrite] event listener failed:', error));
  /** One queued event: named once, then heard by the triggers and the webhooks, each on its own. */
  const hear = (event: AppwriteEvent) => {
    const triggered = triggers.hears(event);
    if (!triggered && !webhooks.listening) return;
    const names = eventNames(event);
    if (triggered) {
      try {
        triggers.onEvent(event, names);
      } catch (error) {
        report(error);
      }
    }
    webhooks.onEvent(event, projectId, names);
  };
  const eventQueue = new EventQueue({ handle: hear, onError: report });

  let clock: NodeJS.Timeout | null = null;
  const startClock = () => {
    if (clock) return;
    clock = setInterval(() => triggers.tick(), 1000);
    clock.unref();
  };
  const stopClock = () => {
    if (clock) clearInterval(clock);
    clock = null;
  };

  const service: FunctionsService = {
    functions,
    deployments,
    executions,
    executor,
    triggers,
    webhooks,
    rules,
    runner,
    writes: new FunctionWrites({
      functions,
      deployments,
      executions,
      rules,
      publish: options.publish,
    }),
    onEvent(event) {
      if (triggers.hears(event) || webhooks.listening) eventQueue.push(event);
    },
    eventQueue,
    startClock,
    stopClock,
    async idle() {
      // An execution that finishes publishes its update, which may queue a webhook delivery: go
      // round until a pass handles no new event.
      for (;;) {
        const handled = eventQueue.handled;
        await eventQueue.idle();
        await executor.idle();
        await webhooks.idle();
        if (eventQueue.pending === 0 && eventQueue.handled === handled) return;
      }
    },
    async close() {
      stopClock();
      eventQueue.close();
      executor.close();
      await runner.close();
      await executor.idle().catch(() => undefined);
      await webhooks.idle();
      if (temporary) rmSync(root, { recursive: true, force: true });
    },
  };
  return service;
}
