import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { appwriteCli, type CliProject, cliProject, saveCliKey } from '../support/appwrite-cli.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The real appwrite-cli 12.0.1 pushes tables to the local Appwrite (TablesDB for databases and
 * tables, the legacy collection paths for columns and indexes), and a second push finds nothing to
 * change — no column recreated, no data lost (facts §5.5-5.6).
 */

let server: LocalServer;
let work: string;
let where: CliProject;

const config = {
  projectId: 'test-project',
  tablesDB: [{ $id: 'shop', name: 'shop', enabled: true }],
  tables: [
    {
      $id: 'orders',
      databaseId: 'shop',
      name: 'orders',
      enabled: true,
      rowSecurity: true,
      $permissions: ['create("users")', 'read("label:admin")'],
      columns: [
        {
          key: 'title',
          type: 'string',
          required: true,
          array: false,
          size: 100,
          default: null,
          encrypt: false,
        },
        {
          key: 'tags',
          type: 'string',
          required: false,
          array: true,
          size: 20,
          default: null,
          encrypt: false,
        },
        {
          key: 'mail',
          type: 'string',
          format: 'email',
          required: false,
          array: false,
          default: null,
        },
        {
          key: 'site',
          type: 'string',
          format: 'url',
          required: false,
          array: false,
          default: null,
        },
        {
          key: 'state',
          type: 'string',
          format: 'enum',
          elements: ['open', 'closed'],
          required: false,
          array: false,
          default: 'open',
        },
        {
          key: 'qty',
          type: 'integer',
          required: false,
          array: false,
          min: 0,
          max: 1000,
          default: 1,
        },
        {
          key: 'price',
          type: 'double',
          required: false,
          array: false,
          min: 0,
          max: 100000,
          default: null,
        },
        { key: 'paid', type: 'boolean', required: false, array: false, default: false },
        { key: 'due', type: 'datetime', required: false, array: false, default: null },
      ],
      indexes: [
        { key: 'by_state', type: 'key', columns: ['state', '$createdAt'], orders: ['ASC', 'DESC'] },
        { key: 'one_mail', type: 'unique', columns: ['mail'], orders: ['ASC'] },
        { key: 'search_title', type: 'fulltext', columns: ['title'], orders: ['ASC'] },
      ],
    },
  ],
};

function push(): Promise<string> {
  return appwriteCli(where, ['push', 'tables', '--all', '--force']);
}

beforeAll(async () => {
  server = await startLocalServer();
  work = mkdtempSync(join(tmpdir(), 'appwrite-cli-push-'));
  where = cliProject(work);
  writeFileSync(join(where.cwd, 'appwrite.json'), JSON.stringify(config, null, 2));
  saveCliKey(where, server.endpoint, server.apiKey);
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('push creates everything, and a second push is a no-op that keeps the data', async () => {
  const first = await push();
  expect(first).toContain('Successfully pushed 1 tables');
  const tables = new TablesDB(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  const table = await tables.getTable({ databaseId: 'shop', tableId: 'orders' });
  expect(table.columns.map((c) => c.key)).toEqual(config.tables[0]?.columns.map((c) => c.key));
  expect(table.indexes.map((i) => [i.key, i.columns])).toEqual([
    ['by_state', ['state', '$createdAt']],
    ['one_mail', ['mail']],
    ['search_title', ['title']],
  ]);
  await tables.createRow({
    databaseId: 'shop',
    tableId: 'orders',
    rowId: 'keep',
    data: { title: 'kept', due: '2026-01-01T00:00:00.000+00:00' },
  });

  const second = await push();
  expect(second).toContain('Successfully pushed 0 tables');
  expect(second).not.toMatch(/recreating|deleting|changing/i);
  expect(
    await tables.getRow({ databaseId: 'shop', tableId: 'orders', rowId: 'keep' }),
  ).toMatchObject({
    title: 'kept',
    due: '2026-01-01T00:00:00.000+00:00',
  });
}, 120_000);
