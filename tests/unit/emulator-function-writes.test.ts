import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FUNCTION_DEFAULTS } from '../../emulator/core/functions/functions.ts';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { openProject, type Project } from '../../emulator/core/project.ts';

/**
 * The Functions API's announced writes (core/functions/function-writes.ts), called directly: each
 * publishes its event — pattern, params, the model as payload, no read roles — once it has written;
 * a project variable and a refused write publish nothing. No HTTP: the routes only call these.
 */

let project: Project;
let heard: AppwriteEvent[];

beforeEach(async () => {
  project = await openProject({ projectId: 'p', db: openDatabase(':memory:') });
  project.functions.stopClock();
  heard = [];
  project.events.subscribe((event) => heard.push(event));
});
afterEach(async () => {
  await project.close();
  project.db.close();
});

const settings = (name: string) => ({ ...FUNCTION_DEFAULTS, name, runtime: 'node-22' });
const seen = () => heard.map((e) => [e.pattern, e.params, e.readRoles, e.payload.$id]);

describe('function writes announce themselves from core', () => {
  test('create, update and delete a function', () => {
    const { writes } = project.functions;
    writes.createFunction('fx', settings('fx'));
    writes.updateFunction('fx', settings('renamed'));
    writes.deleteFunction('fx');
    expect(seen()).toEqual([
      ['functions.[functionId].create', { functionId: 'fx' }, [], 'fx'],
      ['functions.[functionId].update', { functionId: 'fx' }, [], 'fx'],
      ['functions.[functionId].delete', { functionId: 'fx' }, [], 'fx'],
    ]);
    expect(heard[1]?.payload.name).toBe('renamed');
    expect(project.functions.functions.find('fx')).toBeNull();
  });

  test('a function variable is announced; a project variable is not, nor a refused write', () => {
    const { writes } = project.functions;
    writes.createFunction('fx', settings('fx'));
    heard = [];
    writes.createVariable('fx', 'v1', { key: 'A', value: '1', secret: false });
    writes.updateVariable('fx', 'v1', { key: 'A', value: '2', secret: undefined });
    writes.createVariable(null, 'p1', { key: 'P', value: 'x', secret: false });
    expect(() =>
      writes.createVariable('fx', 'v2', { key: 'A', value: '3', secret: false }),
    ).toThrow();
    writes.deleteVariable('fx', 'v1');
    expect(seen()).toEqual([
      [
        'functions.[functionId].variables.[variableId].create',
        { functionId: 'fx', variableId: 'v1' },
        [],
        'v1',
      ],
      [
        'functions.[functionId].variables.[variableId].update',
        { functionId: 'fx', variableId: 'v1' },
        [],
        'v1',
      ],
      [
        'functions.[functionId].variables.[variableId].delete',
        { functionId: 'fx', variableId: 'v1' },
        [],
        'v1',
      ],
    ]);
  });
});
