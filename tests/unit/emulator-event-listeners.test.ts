import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FUNCTION_DEFAULTS, type FunctionDoc } from '../../emulator/core/functions/functions.ts';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { type AppwriteEvent, EventQueue } from '../../emulator/core/platform/events.ts';
import { openProject, type Project } from '../../emulator/core/project.ts';
import { applyFunctionsConfig } from '../../emulator/project-functions.ts';

/**
 * Function triggers and webhooks hear events off the write path: `publish` only queues the event, a
 * drain after the current turn names it once and starts executions and deliveries. Which functions
 * an event starts comes from an in-memory index kept in step with the function store's writes.
 * No HTTP and no function runs: the executor's `runForEvent` and the webhooks' `onEvent` are counted.
 */

function userCreated(userId: string): AppwriteEvent {
  return {
    pattern: 'users.[userId].create',
    params: { userId },
    payload: { $id: userId },
    readRoles: [`user:${userId}`],
    timestamp: new Date().toISOString(),
  };
}

function rowEvent(rowId: string, action: 'create' | 'update' = 'create'): AppwriteEvent {
  return {
    pattern: `databases.[databaseId].tables.[tableId].rows.[rowId].${action}`,
    params: { databaseId: 'main', tableId: 'tasks', rowId },
    payload: { $id: rowId },
    readRoles: ['any'],
    databaseType: 'tablesdb',
    timestamp: new Date().toISOString(),
  };
}

let project: Project;
let started: string[];
let delivered: string[];

beforeEach(async () => {
  project = await openProject({ projectId: 'p', db: openDatabase(':memory:') });
  project.functions.stopClock();
  started = [];
  delivered = [];
  vi.spyOn(project.functions.executor, 'runForEvent').mockImplementation(
    (fn: FunctionDoc, event: AppwriteEvent) => {
      started.push(`${fn.$id}:${String(event.payload.$id)}`);
    },
  );
  vi.spyOn(project.functions.webhooks, 'onEvent').mockImplementation((event: AppwriteEvent) => {
    delivered.push(String(event.payload.$id));
  });
});
afterEach(async () => {
  await project.close();
  project.db.close();
});

/** Creates a function through the store, as the HTTP route and appwrite.json do. */
function createFunction(id: string, events: string[]): void {
  project.functions.functions.create(id, {
    ...FUNCTION_DEFAULTS,
    name: id,
    runtime: 'node-22',
    events,
  });
}

/** Publishes events on the project's bus and returns the functions started once it is idle. */
async function startedBy(...events: AppwriteEvent[]): Promise<string[]> {
  started = [];
  for (const event of events) project.events.publish(event);
  await project.functions.idle();
  return started;
}

describe('the index of functions by event stays in step with the store', () => {
  test('create, update events, disable, enable, delete: each event starts exactly its functions', async () => {
    createFunction('rows', ['databases.*.tables.*.rows.*.create']);
    createFunction('users', ['users.*.create']);
    createFunction('quiet', []);
    expect(await startedBy(rowEvent('r1'), userCreated('u1'))).toEqual(['rows:r1', 'users:u1']);

    const functions = project.functions.functions;
    functions.patch('rows', { events: ['users.*.create'] });
    expect(await startedBy(rowEvent('r2'), userCreated('u2'))).toEqual(['rows:u2', 'users:u2']);

    functions.patch('users', { enabled: false });
    expect(await startedBy(userCreated('u3'))).toEqual(['rows:u3']);

    functions.patch('users', { enabled: true });
    functions.patch('quiet', { events: ['tablesdb.main.tables.tasks.rows.*.update'] });
    expect(await startedBy(userCreated('u4'), rowEvent('r4', 'update'))).toEqual([
      'rows:u4',
      'users:u4',
      'quiet:r4',
    ]);

    functions.delete('rows');
    expect(await startedBy(userCreated('u5'))).toEqual(['users:u5']);
    createFunction('rows', ['users.u6.create']);
    expect(await startedBy(userCreated('u6'), userCreated('u7'))).toEqual([
      'users:u6',
      'rows:u6',
      'users:u7',
    ]);
  });

  test('appwrite.json applied again with other events (as `appwrite push`): the index follows', async () => {
    const apply = (events: string[], enabled = true) =>
      applyFunctionsConfig(project, {
        path: '/nowhere/appwrite.json',
        functions: [{ $id: 'pushed', name: 'pushed', runtime: 'node-22', events, enabled }],
      });
    await apply(['users.*.create']);
    expect(await startedBy(userCreated('u1'), rowEvent('r1'))).toEqual(['pushed:u1']);
    await apply(['databases.*.tables.*.rows.*.create']);
    expect(await startedBy(userCreated('u2'), rowEvent('r2'))).toEqual(['pushed:r2']);
    await apply(['databases.*.tables.*.rows.*.create'], false);
    expect(await startedBy(userCreated('u3'), rowEvent('r3'))).toEqual([]);
  });

  test('a deployment change keeps the function listening, and the executor gets the current function', async () => {
    createFunction('fn', ['users.*.create']);
    project.functions.functions.patch('fn', { deploymentId: 'd2' });
    const seen: string[] = [];
    vi.mocked(project.functions.executor.runForEvent).mockImplementation((fn: FunctionDoc) => {
      seen.push(fn.deploymentId);
    });
    await startedBy(userCreated('u1'));
    expect(seen).toEqual(['d2']);
  });

  test('names are matched as Appwrite does: wildcards, the collections vocabulary, no partial match', async () => {
    createFunction('documents', ['databases.main.collections.tasks.documents.*.create']);
    createFunction('exact', ['tablesdb.main.tables.tasks.rows.r1.create']);
    createFunction('other-table', ['tablesdb.main.tables.notes.rows.*.create']);
    createFunction('prefix', ['tablesdb.main.tables.tasks.rows']);
    createFunction('broadest', ['databases.*']);
    expect(await startedBy(rowEvent('r1'))).toEqual(['documents:r1', 'exact:r1', 'broadest:r1']);
  });

  test('functions stored before the project opened are indexed from the store once', async () => {
    createFunction('stored', ['users.*.create']);
    const reopened = await openProject({ projectId: 'p', db: project.db });
    reopened.functions.stopClock();
    const calls: string[] = [];
    vi.spyOn(reopened.functions.executor, 'runForEvent').mockImplementation((fn: FunctionDoc) => {
      calls.push(fn.$id);
    });
    const list = vi.spyOn(reopened.functions.functions, 'list');
    reopened.events.publish(userCreated('u1'));
    await reopened.functions.idle();
    await reopened.close();
    expect(calls).toEqual(['stored']);
    expect(list).not.toHaveBeenCalled();
  });

  test('an event reads no function list: not the functions, the webhook list once after a write', async () => {
    createFunction('fn', ['users.*.create']);
    project.functions.webhooks.create(
      'hook',
      {
        name: 'hook',
        url: 'http://127.0.0.1:9/',
        events: ['users.*.create'],
        enabled: true,
        tls: false,
        authUsername: '',
        authPassword: '',
      },
      null,
    );
    // The webhooks' own onEvent this time, with the HTTP delivery itself counted instead of sent.
    vi.mocked(project.functions.webhooks.onEvent).mockRestore();
    const webhooks = project.functions.webhooks as unknown as { deliver(): Promise<void> };
    const deliver = vi.spyOn(webhooks, 'deliver').mockResolvedValue(undefined);
    const functionList = vi.spyOn(project.functions.functions, 'list');
    const webhookList = vi.spyOn(project.functions.webhooks, 'list');
    const events = ['a', 'b', 'c', 'd', 'e'].map(userCreated);
    expect(await startedBy(...events)).toHaveLength(5);
    expect(deliver).toHaveBeenCalledTimes(5);
    expect(functionList).not.toHaveBeenCalled();
    expect(webhookList.mock.calls.length).toBeLessThanOrEqual(1);
  });
});

describe('triggers and webhooks run off the write path', () => {
  beforeEach(() => {
    createFunction('fn', ['users.*.create']);
    project.functions.webhooks.create(
      'hook',
      {
        name: 'hook',
        url: 'http://127.0.0.1:9/',
        events: ['users.*.create'],
        enabled: true,
        tls: false,
        authUsername: '',
        authPassword: '',
      },
      null,
    );
  });

  test('publish only queues; after the drain the function started and the webhook heard, in order', async () => {
    project.events.publish(userCreated('u1'));
    project.events.publish(userCreated('u2'));
    expect(started).toEqual([]);
    expect(delivered).toEqual([]);
    expect(project.functions.eventQueue.pending).toBe(2);
    await project.functions.idle();
    expect(started).toEqual(['fn:u1', 'fn:u2']);
    expect(delivered).toEqual(['u1', 'u2']);
  });

  test('an event nobody can hear is not queued (execution events never trigger a function)', async () => {
    project.functions.functions.patch('fn', { enabled: false });
    project.functions.webhooks.update('hook', {
      name: 'hook',
      url: 'http://127.0.0.1:9/',
      events: ['users.*.create'],
      enabled: false,
      tls: false,
      authUsername: '',
      authPassword: '',
    });
    project.events.publish(userCreated('u1'));
    expect(project.functions.eventQueue.pending).toBe(0);
  });

  test('a trigger that throws is reported, and the webhook and later events are still heard', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.mocked(project.functions.executor.runForEvent).mockImplementationOnce(() => {
      throw new Error('trigger failed');
    });
    expect(() => project.events.publish(userCreated('u1'))).not.toThrow();
    project.events.publish(userCreated('u2'));
    await project.functions.idle();
    expect(delivered).toEqual(['u1', 'u2']);
    expect(started).toEqual(['fn:u2']);
    expect(errors).toHaveBeenCalledWith(
      '[local appwrite] event listener failed:',
      expect.objectContaining({ message: 'trigger failed' }),
    );
    errors.mockRestore();
  });

  test('close() handles the events still queued', async () => {
    project.events.publish(userCreated('u1'));
    expect(delivered).toEqual([]);
    await project.close();
    expect(started).toEqual(['fn:u1']);
    expect(delivered).toEqual(['u1']);
  });
});

describe('EventQueue', () => {
  test('full: push handles the oldest event itself, so at most `cap` wait and none is lost', async () => {
    const handled: string[] = [];
    const queue = new EventQueue({
      handle: (event) => handled.push(String(event.payload.$id)),
      cap: 2,
    });
    for (const id of ['a', 'b', 'c', 'd']) queue.push(userCreated(id));
    expect(handled).toEqual(['a', 'b']);
    expect(queue.pending).toBe(2);
    await queue.idle();
    expect(handled).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.handled).toBe(4);
  });

  test('a handler error goes to onError and the next event is handled', async () => {
    const handled: string[] = [];
    const errors: unknown[] = [];
    const queue = new EventQueue({
      handle: (event) => {
        if (event.payload.$id === 'bad') throw new Error('bad event');
        handled.push(String(event.payload.$id));
      },
      onError: (error) => errors.push(error),
    });
    for (const id of ['a', 'bad', 'b']) queue.push(userCreated(id));
    await queue.idle();
    expect(handled).toEqual(['a', 'b']);
    expect(errors).toEqual([expect.objectContaining({ message: 'bad event' })]);
  });

  test('a long burst is drained a batch per turn; events a handler pushes are handled after', async () => {
    const handled: string[] = [];
    const queue: EventQueue = new EventQueue({
      handle: (event) => {
        const id = String(event.payload.$id);
        handled.push(id);
        if (id === '0') queue.push(userCreated('echo'));
      },
    });
    for (let i = 0; i < 600; i++) queue.push(userCreated(String(i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(handled.length).toBeGreaterThan(0);
    expect(handled.length).toBeLessThan(600);
    await queue.idle();
    expect(handled).toHaveLength(601);
    expect(handled.at(-1)).toBe('echo');
    expect(handled.slice(0, 600)).toEqual(Array.from({ length: 600 }, (_, i) => String(i)));
  });

  test('after close() a push is ignored', () => {
    const handled: string[] = [];
    const queue = new EventQueue({ handle: (event) => handled.push(String(event.payload.$id)) });
    queue.push(userCreated('a'));
    queue.close();
    queue.push(userCreated('b'));
    expect(handled).toEqual(['a']);
    expect(queue.pending).toBe(0);
  });
});
