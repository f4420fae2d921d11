import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppwriteException, Client, Functions, type Models } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunctionsService } from '../../emulator/core/functions/service.ts';
import {
  deployFunction,
  ECHO_FUNCTION,
  esmFunction,
  packBundle,
  type RawEntry,
  rawTarGz,
} from '../support/function-bundles.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * The Functions API with node-appwrite: the function, variable and deployment routes and models,
 * and bad input — malformed or hostile archives, bundles that fail, bodies past the limits, refused
 * settings — each answered with Appwrite's error while the server keeps serving others.
 */

let server: LocalServer;
let service: FunctionsService;
let client: Client;
let functions: Functions;

async function refusal(work: () => Promise<unknown>): Promise<AppwriteException> {
  try {
    await work();
  } catch (error) {
    if (error instanceof AppwriteException) return error;
    throw error;
  }
  throw new Error('expected an AppwriteException');
}

async function upload(functionId: string, code: Buffer, name = 'code.tar.gz') {
  return functions.createDeployment({
    functionId,
    code: InputFile.fromBuffer(code, name),
    activate: true,
  });
}

beforeAll(async () => {
  server = await startLocalServer();
  service = server.app.emulator.functions;
  service.stopClock();
  client = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  functions = new Functions(client);
}, 30_000);
afterAll(async () => server.close());

describe('functions', () => {
  test('create → the Function model with Appwrite’s defaults', async () => {
    const fn = await functions.create({
      functionId: 'model',
      name: 'Model',
      runtime: 'node-22' as never,
    });
    const expected: (keyof Models.Function)[] = [
      '$id',
      '$createdAt',
      '$updatedAt',
      'execute',
      'name',
      'enabled',
      'live',
      'logging',
      'runtime',
      'deploymentRetention',
      'deploymentId',
      'deploymentCreatedAt',
      'latestDeploymentId',
      'latestDeploymentCreatedAt',
      'latestDeploymentStatus',
      'scopes',
      'vars',
      'events',
      'schedule',
      'timeout',
      'entrypoint',
      'commands',
      'version',
      'installationId',
      'providerRepositoryId',
      'providerBranch',
      'providerRootDirectory',
      'providerSilentMode',
      'providerBranches',
      'providerPaths',
      'buildSpecification',
      'runtimeSpecification',
    ];
    expect(Object.keys(fn).sort()).toEqual([...expected].sort());
    expect(fn).toMatchObject({
      execute: [],
      enabled: true,
      logging: true,
      timeout: 15,
      schedule: '',
      deploymentId: '',
      runtimeSpecification: 's-1vcpu-512mb',
      vars: [],
    });
  });

  test('format 1.8.0 (appwrite-cli 12) sees one `specification`', async () => {
    const response = await call(server, 'GET', '/functions/model', {
      headers: { 'x-appwrite-key': server.apiKey, 'x-appwrite-response-format': '1.8.0' },
    });
    expect(response.json.specification).toBe('s-1vcpu-512mb');
    expect(response.json).not.toHaveProperty('buildSpecification');
    expect(response.json).not.toHaveProperty('runtimeSpecification');
  });

  test('update (PUT) replaces the settings; list and search find it', async () => {
    const updated = await functions.update({
      functionId: 'model',
      name: 'Renamed',
      schedule: '*/5 * * * *',
      timeout: 30,
      execute: ['users'],
    });
    expect(updated).toMatchObject({ name: 'Renamed', schedule: '*/5 * * * *', timeout: 30 });
    const list = await functions.list({ search: 'Renamed' });
    expect(list.functions.map((f) => f.$id)).toEqual(['model']);
  });

  const refused: [string, Record<string, unknown>, number, string][] = [
    [
      'a cron string that does not parse',
      { schedule: 'every minute' },
      400,
      'general_argument_invalid',
    ],
    ['a cron with seconds', { schedule: '0 * * * * *' }, 400, 'general_argument_invalid'],
    ['timeout 0', { timeout: 0 }, 400, 'general_argument_invalid'],
    ['timeout 901', { timeout: 901 }, 400, 'general_argument_invalid'],
    ['an unknown runtime', { runtime: 'cobol-1' }, 400, 'general_argument_invalid'],
    ['an unknown scope', { scopes: ['root'] }, 400, 'general_argument_invalid'],
    ['an invalid execute role', { execute: ['everyone!'] }, 400, 'general_argument_invalid'],
    ['an execution event', { events: ['functions.*'] }, 400, 'general_argument_invalid'],
    ['a taken id', { functionId: 'model' }, 409, 'function_already_exists'],
  ];
  test.each(refused)('create with %s → %i %s', async (_name, fields, status, type) => {
    const response = await call(server, 'POST', '/functions', {
      headers: { 'x-appwrite-key': server.apiKey },
      body: { functionId: 'bad', name: 'bad', runtime: 'node-22', ...fields },
    });
    expect([response.status, response.json.type]).toEqual([status, type]);
  });

  test('update with a cron string that does not parse → 400', async () => {
    const response = await call(server, 'PUT', '/functions/model', {
      headers: { 'x-appwrite-key': server.apiKey },
      body: { name: 'x', schedule: '61 * * * *' },
    });
    expect([response.status, response.json.type]).toEqual([400, 'general_argument_invalid']);
  });

  test('users and guests may not manage functions', async () => {
    const response = await call(server, 'GET', '/functions');
    expect([response.status, response.json.type]).toEqual([401, 'general_unauthorized_scope']);
  });
});

describe('variables', () => {
  test('create, list, get, update, delete; a taken key is 409', async () => {
    // Appwrite 1.9.5 makes variables secret unless told otherwise (functions-parity.test.ts).
    const v = await functions.createVariable({
      functionId: 'model',
      variableId: 'v1',
      key: 'K',
      value: '1',
      secret: false,
    });
    expect(v).toMatchObject({
      key: 'K',
      value: '1',
      secret: false,
      resourceType: 'function',
      resourceId: 'model',
    });
    const taken = await refusal(() =>
      functions.createVariable({ functionId: 'model', variableId: 'v2', key: 'K', value: '2' }),
    );
    expect([taken.code, taken.type]).toEqual([409, 'variable_already_exists']);
    const updated = await functions.updateVariable({
      functionId: 'model',
      variableId: 'v1',
      key: 'K2',
      value: 'two',
      secret: true,
    });
    expect([updated.key, updated.value, updated.secret]).toEqual(['K2', '', true]);
    const list = await functions.listVariables({ functionId: 'model' });
    expect(list.variables.map((x) => x.key)).toEqual(['K2']);
    expect((await functions.get({ functionId: 'model' })).vars.map((x) => x.key)).toEqual(['K2']);
    await functions.deleteVariable({ functionId: 'model', variableId: 'v1' });
    const gone = await refusal(() =>
      functions.getVariable({ functionId: 'model', variableId: 'v1' }),
    );
    expect([gone.code, gone.type]).toEqual([404, 'variable_not_found']);
  });
});

describe('deployments', () => {
  test('upload → ready and active; list, get, activate another, delete', async () => {
    await functions.create({
      functionId: 'dep',
      name: 'dep',
      runtime: 'node-22' as never,
      execute: ['any'],
      entrypoint: 'main.js',
    });
    const first = await upload('dep', await packBundle(ECHO_FUNCTION));
    expect([first.status, first.resourceId, first.resourceType]).toEqual([
      'ready',
      'dep',
      'functions',
    ]);
    const second = await functions.createDeployment({
      functionId: 'dep',
      code: InputFile.fromBuffer(await packBundle(ECHO_FUNCTION), 'code.tar.gz'),
      activate: false,
    });
    let fn = await functions.get({ functionId: 'dep' });
    expect([fn.deploymentId, fn.latestDeploymentId, fn.latestDeploymentStatus]).toEqual([
      first.$id,
      second.$id,
      'ready',
    ]);
    const list = await functions.listDeployments({ functionId: 'dep' });
    expect(list.deployments.map((d) => d.$id)).toEqual([first.$id, second.$id]);
    fn = await functions.updateFunctionDeployment({ functionId: 'dep', deploymentId: second.$id });
    expect(fn.deploymentId).toBe(second.$id);
    await functions.deleteDeployment({ functionId: 'dep', deploymentId: second.$id });
    fn = await functions.get({ functionId: 'dep' });
    expect(fn.deploymentId).toBe('');
    const none = await refusal(() => functions.createExecution({ functionId: 'dep' }));
    expect([none.code, none.type]).toEqual([404, 'deployment_not_found']);
  });

  test('an 11 MB archive in 5 MB chunks (sent concurrently by node-appwrite) arrives whole', async () => {
    const big = randomBytes(11 * 1024 * 1024)
      .toString('base64')
      .slice(0, 11 * 1024 * 1024);
    const files = {
      ...esmFunction(`import { readFileSync } from 'node:fs';
export default async ({ res }) => res.json({ size: readFileSync('big.txt', 'utf8').length });`),
      'big.txt': big,
    };
    await functions.create({
      functionId: 'chunked',
      name: 'chunked',
      runtime: 'node-22' as never,
      entrypoint: 'main.js',
    });
    const deployment = await upload('chunked', await packBundle(files));
    expect(deployment.status).toBe('ready');
    const execution = await functions.createExecution({ functionId: 'chunked' });
    expect(JSON.parse(execution.responseBody)).toEqual({ size: big.length });
  });
});

describe('bad input', () => {
  beforeAll(async () => {
    await functions.create({
      functionId: 'hostile',
      name: 'hostile',
      runtime: 'node-22' as never,
      execute: ['any'],
      entrypoint: 'main.js',
    });
  });

  const readable = /not a readable tar\.gz/;
  const outside = /refused: .*outside the deployment/;
  const archives: [string, () => Buffer, RegExp][] = [
    ['not gzip at all', () => Buffer.from('this is not an archive'), readable],
    ['a truncated gzip', () => rawTarGz([{ name: 'a', type: '0' }]).subarray(0, 20), readable],
    [
      'a path that climbs out',
      () => rawTarGz([{ name: '../escaped.js', type: '0', content: 'x' }]),
      outside,
    ],
    [
      'an absolute path',
      () => rawTarGz([{ name: '/tmp/absolute-escape.js', type: '0', content: 'x' }]),
      outside,
    ],
    [
      'a symlink out of the folder',
      () => rawTarGz([{ name: 'main.js', type: '2', linkname: '../../../../etc/passwd' }]),
      outside,
    ],
    [
      'an absolute symlink',
      () => rawTarGz([{ name: 'etc', type: '2', linkname: '/etc' }]),
      outside,
    ],
    ['a FIFO', () => rawTarGz([{ name: 'pipe', type: '6' } as RawEntry]), /is a FIFO/],
  ];
  test.each(archives)(
    '%s → the deployment fails; nothing is written outside',
    async (_n, make, why) => {
      const deployment = await upload('hostile', make());
      expect(deployment.status).toBe('failed');
      expect(deployment.buildLogs).toMatch(why);
      const root = join(server.app.emulator.dataDir as string, 'functions');
      expect(existsSync(join(root, 'escaped.js'))).toBe(false);
      expect(existsSync('/tmp/absolute-escape.js')).toBe(false);
      expect(readdirSync(join(root, 'hostile')).filter((n) => n !== '.uploads')).toEqual([]);
      const activate = await refusal(() =>
        functions.updateFunctionDeployment({ functionId: 'hostile', deploymentId: deployment.$id }),
      );
      expect([activate.code, activate.type]).toEqual([400, 'build_not_ready']);
    },
  );

  test('a file that is not a .gz → 400 storage_file_type_unsupported', async () => {
    const error = await refusal(() => upload('hostile', Buffer.from('x'), 'code.zip'));
    expect([error.code, error.type]).toEqual([400, 'storage_file_type_unsupported']);
  });

  test('a bundle that throws at load → failed 503, the error in errors', async () => {
    await deployFunction(client, 'throws', esmFunction(`throw new Error('boom at load');`));
    const execution = await functions.createExecution({ functionId: 'throws' });
    expect([execution.status, execution.responseStatusCode]).toEqual(['failed', 503]);
    expect(execution.errors).toContain('boom at load');
  });

  test('a never-returning function does not stop other executions', async () => {
    await deployFunction(client, 'stuck', ECHO_FUNCTION, { timeout: 3 });
    await deployFunction(client, 'quick', ECHO_FUNCTION);
    const stuck = functions.createExecution({ functionId: 'stuck', xpath: '/forever' });
    const started = Date.now();
    const quick = await functions.createExecution({ functionId: 'quick' });
    expect(quick.status).toBe('completed');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await stuck).status).toBe('failed');
  });

  test('a createExecution body over 10 MB → 400 general_argument_invalid', async () => {
    const error = await refusal(() =>
      functions.createExecution({ functionId: 'quick', body: 'x'.repeat(10_485_761) }),
    );
    expect([error.code, error.type]).toEqual([400, 'general_argument_invalid']);
  });

  test('a raw body over 20 MB to a function domain → the runtime’s bare 500', async () => {
    const response = await fetch(`${server.endpoint}/local/functions/quick/`, {
      method: 'POST',
      body: Buffer.alloc(20 * 1024 * 1024 + 1, 0x61),
    });
    expect(response.status).toBe(500);
    const ok = await fetch(`${server.endpoint}/local/functions/quick/`, {
      method: 'POST',
      body: Buffer.alloc(1024 * 1024, 0x61),
    });
    expect(ok.status).toBe(200);
  });
});

describe('deleting', () => {
  test('a function goes with its deployments, executions and folder', async () => {
    await deployFunction(client, 'doomed', ECHO_FUNCTION);
    await functions.createExecution({ functionId: 'doomed' });
    await functions.delete({ functionId: 'doomed' });
    const gone = await refusal(() => functions.get({ functionId: 'doomed' }));
    expect([gone.code, gone.type]).toEqual([404, 'function_not_found']);
    const root = join(server.app.emulator.dataDir as string, 'functions');
    expect(existsSync(join(root, 'doomed'))).toBe(false);
    expect(
      service.executions.list('doomed', { kind: 'key', keyId: 'k', scopes: new Set() }),
    ).toEqual([]);
  });
});
